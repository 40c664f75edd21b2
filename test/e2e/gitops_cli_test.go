package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
	"github.com/pono-gitops/pono/test/testenv"
)

const (
	gitopsUser = "platform-bot"
	gitopsPass = "http-s3cret-pass"
)

// gitopsPlatform is a one-release platform whose parameter lands in a
// ConfigMap of namespace ns.
func gitopsPlatform(name, ns, greeting string) map[string]string {
	chart := name + "-app"
	return map[string]string{
		"platform/platform.yaml":                    fmt.Sprintf("name: %s\nsources: {local: {path: charts}}\nextensions:\n  %s:\n    version: \"1.0.0\"\n    parameters: {greeting: %s}\n", name, chart, greeting),
		"platform/charts/" + chart + "/Chart.yaml":  "apiVersion: v2\nname: " + chart + "\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"platform/charts/" + chart + "/values.yaml": "global: {}\nextension_params:\n  greeting: {type: string}\n",
		"platform/charts/" + chart + "/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: greeting, namespace: " + ns +
			"}\ndata: {greeting: {{ .Values.global.greeting | quote }}}\n",
	}
}

func configMapValue(t *testing.T, c *cluster.Cluster, ns, name, key string) string {
	t.Helper()
	cm, err := c.Client().CoreV1().ConfigMaps(ns).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("ConfigMap %s/%s: %v", ns, name, err)
	}
	return cm.Data[key]
}

// TestCLIBootstrapAndReconcile runs the pono binary as a process: bootstrap
// on a cluster without pono, bootstrap again (safe), reconcile --once after
// a push, status, and a long-running reconcile stopped with SIGTERM.
func TestCLIBootstrapAndReconcile(t *testing.T) {
	c := cluster.Shared(t)
	ctx := t.Context()
	const name, ns, ponoNS = "cligitops", "cligitops-data", "cligitops-pono"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	repo := gitserver.NewRepo(t)
	repo.Commit(t, gitopsPlatform(name, ns, "hello"), "first")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, gitopsUser, gitopsPass)
	url := srv.URL(repo.Name)
	auth := t.TempDir()
	for file, content := range map[string]string{"username": gitopsUser, "password": gitopsPass} {
		if err := os.WriteFile(filepath.Join(auth, file), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	common := []string{"--repo", url, "--ref", "main", "--path", "platform", "--auth-dir", auth, "--namespace", ponoNS, "--timeout", "1m"}

	out, errOut, code := pono(t, c, append([]string{"bootstrap"}, common...)...)
	all := out + errOut
	if code != 0 {
		t.Fatalf("bootstrap: exit %d\n%s", code, all)
	}
	for _, want := range []string{
		"Namespace " + ponoNS + ": created",
		"Secret " + ponoNS + "/pono-git-auth: created",
		"release " + ponoNS + "/pono: installed (revision 1",
		"first reconcile of " + url,
		": applied in ",
		"platform ready at commit",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("bootstrap output lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, gitopsPass) {
		t.Errorf("bootstrap printed the git password:\n%s", all)
	}
	if got := configMapValue(t, c, ns, "greeting", "greeting"); got != "hello" {
		t.Errorf("greeting = %q, want hello", got)
	}
	dep, err := c.Client().AppsV1().Deployments(ponoNS).Get(ctx, "pono", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("pono's Deployment: %v", err)
	}
	chartArgs := dep.Spec.Template.Spec.Containers[0].Args
	args := strings.Join(chartArgs, " ")
	for _, want := range []string{"reconcile", "--repo=" + url, "--path=platform", "--auth-dir=/etc/pono/git-auth"} {
		if !strings.Contains(args, want) {
			t.Errorf("pono's container args %q lack %q", args, want)
		}
	}

	// Again: nothing is written, the release keeps its revision.
	out, errOut, code = pono(t, c, append([]string{"bootstrap"}, common...)...)
	all = out + errOut
	if code != 0 || !strings.Contains(all, "release "+ponoNS+"/pono: unchanged (revision 1") || !strings.Contains(all, ": unchanged in ") {
		t.Fatalf("second bootstrap: exit %d, want 0 with pono and the platform unchanged\n%s", code, all)
	}

	// A push, applied by one reconcile --once, with the credentials read
	// from the Secret bootstrap wrote.
	second := repo.Commit(t, gitopsPlatform(name, ns, "bonjour"), "say bonjour")
	repo.Push(t)
	out, errOut, code = pono(t, c, "reconcile", "--once", "--repo", url, "--path", "platform",
		"--auth-secret", "pono-git-auth", "--namespace", ponoNS, "--timeout", "1m")
	if code != 0 || !strings.Contains(out, second[:12]+` "say bonjour": applied`) {
		t.Fatalf("reconcile --once: exit %d\n%s%s", code, out, errOut)
	}
	if got := configMapValue(t, c, ns, "greeting", "greeting"); got != "bonjour" {
		t.Errorf("greeting = %q, want bonjour", got)
	}
	// The chart's own container arguments are a valid command line: run
	// one cycle with them, mounts replaced by local paths.
	webhook := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(webhook, []byte("hook"), 0o600); err != nil {
		t.Fatal(err)
	}
	replacer := strings.NewReplacer("$(POD_NAMESPACE)", ponoNS, "/etc/pono/git-auth", auth,
		"/etc/pono/webhook/secret", webhook, "/var/cache/pono", t.TempDir())
	var asRun []string
	for _, a := range chartArgs {
		asRun = append(asRun, replacer.Replace(a))
	}
	out, errOut, code = pono(t, c, append(asRun, "--once")...)
	if code != 0 || !strings.Contains(out, ": unchanged in ") {
		t.Fatalf("pono %s --once: exit %d\n%s%s", strings.Join(asRun, " "), code, out, errOut)
	}

	out, errOut, code = pono(t, c, "status", "--namespace", ponoNS)
	if code != 0 || !strings.Contains(out, "last applied: "+second[:12]) || !strings.Contains(out, "mode:         apply") {
		t.Fatalf("status: exit %d\n%s%s", code, out, errOut)
	}

	// An invalid commit: --once exits 1 naming the file and line.
	repo.Commit(t, map[string]string{"platform/platform.yaml": "name: " + name + "\nextensions: [not, a, map]\n"}, "break it")
	repo.Push(t)
	out, errOut, code = pono(t, c, append([]string{"reconcile", "--once"}, common...)...)
	if code != 1 || !strings.Contains(out+errOut, ":platform/platform.yaml:2:") {
		t.Fatalf("reconcile --once on an invalid commit: exit %d, want 1 naming platform/platform.yaml:2\n%s%s", code, out, errOut)
	}
	if got := configMapValue(t, c, ns, "greeting", "greeting"); got != "bonjour" {
		t.Errorf("greeting after the invalid commit = %q, want bonjour", got)
	}

	// The long-running loop answers on its port and stops on SIGTERM.
	port := freeTCPPort(t)
	cmd := exec.Command(testenv.Pono(t), append([]string{"reconcile", "--interval", "1h", "--leader-elect=false",
		"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--kubeconfig", c.Kubeconfig, "--cache-dir", t.TempDir()}, common...)...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	eventually(t, time.Minute, func() error {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), `pono_reconcile_cycles_total{result="invalid"} 1`) {
			return fmt.Errorf("no invalid cycle in the metrics yet")
		}
		return nil
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		// A stopped daemon exits 143 like every pono command stopped by
		// SIGTERM (README, exit codes), after finishing its cycle cleanly.
		if code := cmd.ProcessState.ExitCode(); code != 143 {
			t.Errorf("reconcile after SIGTERM exited %d, want 143\n%s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("reconcile did not stop within 30s of SIGTERM\n%s", logs.String())
	}
	if strings.Contains(logs.String(), gitopsPass) {
		t.Errorf("the reconcile log shows the git password")
	}
	hc, err := helmsdk.NewClient(c.RESTConfig(), helmsdk.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := hc.GetRelease(context.Background(), ponoNS, "pono")
	if err != nil || rel.Revision != 1 {
		t.Errorf("pono's release after everything: revision %v (%v), want 1", rel, err)
	}
}

// TestCLIReconcileBadInput: usage errors exit 2 with a message and touch
// nothing.
func TestCLIReconcileBadInput(t *testing.T) {
	c := cluster.Shared(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reconcile", "--once"}, "--repo is required"},
		{[]string{"reconcile", "--once", "--repo", "https://bot:hunter2@example.invalid/x.git"}, "--repo must not contain a password"},
		{[]string{"bootstrap", "--repo", "https://bot:hunter2@example.invalid/x.git"}, "--repo must not contain a password"},
		{[]string{"reconcile", "--once", "--repo", "https://example.invalid/x.git", "--mode", "yolo"}, `--mode: want apply or observe, got "yolo"`},
		{[]string{"reconcile", "--once", "--repo", "https://example.invalid/x.git", "--window", "0 22 * * *"}, "missing +DURATION"},
		{[]string{"reconcile", "--repo", "https://example.invalid/x.git", "--schedule", "*/5 * * *"}, "expected exactly 5 fields"},
		{[]string{"reconcile", "--once", "--repo", "https://example.invalid/x.git", "--ref", "semver:not a range"}, "--ref"},
	} {
		out, errOut, code := pono(t, c, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("pono %s: exit %d, want 2 with %q\n%s%s", strings.Join(tc.args, " "), code, tc.want, out, errOut)
		}
	}
}

func freeTCPPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
