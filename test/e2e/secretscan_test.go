package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/internal/sopsfile/sopstest"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
	"github.com/pono-gitops/pono/test/testenv"
)

// The secrets the scan plants, one per route into pono. Those that never go
// into a label carry a space and an '@', so their URL-encoded forms differ
// from the raw ones.
var planted = map[string]string{
	"sensitive parameter":           "PSCAN-param-q7Zr4x",
	"sensitive parameter (changed)": "PSCAN-param-w8Kd2m",
	"credential global":             "PSCAN global@pw 81",
	"credential global (changed)":   "PSCAN global@pw 82",
	"sensitive values path":         "PSCAN values@key 52",
	"SOPS file":                     "PSCAN sops@pw 63",
	"SOPS file (changed)":           "PSCAN sops@pw 64",
	"Secret reference":              "PSCAN ref@secret 74",
	"Secret reference (changed)":    "PSCAN ref@secret 75",
	"registry password from Secret": "PSCAN regref@pw 85",
	"registry.password":             "PSCAN registry@pw 96",
	"git password":                  "PSCAN git@pass 17",
	"webhook secret":                "PSCAN webhook@secret 28",
	"rejected label value":          "PSCAN bad label! 39",
	"rejected option value":         "PSCAN-flavour-bad-40",
}

// needle is one encoded form of a planted secret.
type needle struct{ route, form, text string }

// needles are each secret raw, URL-encoded (query and path style) and
// base64-encoded at each of the three alignments a larger encoded blob
// can put it at (the characters the neighbours influence dropped).
func needles() []needle {
	var out []needle
	for route, s := range planted {
		out = append(out, needle{route, "raw", s})
		for form, enc := range map[string]string{"url-encoded": url.QueryEscape(s), "path-encoded": url.PathEscape(s)} {
			if enc != s {
				out = append(out, needle{route, form, enc})
			}
		}
		for k := range 3 {
			for _, e := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				enc := e.EncodeToString([]byte(strings.Repeat("x", k) + s))
				enc = enc[(k*4+2)/3 : len(enc)-4]
				out = append(out, needle{route, fmt.Sprintf("base64 (offset %d)", k), enc})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].route+out[i].form < out[j].route+out[j].form })
	return out
}

// scan collects every output and reports each secret found in one.
type scan struct {
	t       *testing.T
	needles []needle
	outputs int
	hits    []string
}

func (s *scan) check(where string, data []byte) {
	s.outputs++
	for _, n := range s.needles {
		if i := bytes.Index(data, []byte(n.text)); i >= 0 {
			// The line around it, the secret itself left out.
			start := bytes.LastIndexByte(data[:i], '\n') + 1
			end := i + len(n.text) + bytes.IndexByte(append(data[i+len(n.text):], '\n'), '\n')
			line := string(data[start:i]) + "<" + n.route + ">" + string(data[i+len(n.text):end])
			if len(line) > 300 {
				line = line[:300] + "..."
			}
			s.hits = append(s.hits, fmt.Sprintf("%s: the %s (%s) in: %s", where, n.route, n.form, line))
		}
	}
}

// run runs the pono binary with the age key in its environment and scans
// its stdout and stderr; it returns both and the exit code.
func (s *scan) run(env []string, args ...string) (string, string, int) {
	s.t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(testenv.Pono(s.t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	name := "pono " + strings.Join(args, " ")
	s.check(name+" (stdout)", out.Bytes())
	s.check(name+" (stderr)", errOut.Bytes())
	return out.String(), errOut.String(), code
}

// must runs a command that has to succeed.
func (s *scan) must(env []string, args ...string) string {
	s.t.Helper()
	out, errOut, code := s.run(env, args...)
	if code != 0 {
		s.t.Fatalf("pono %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func (s *scan) dir(root string) {
	s.t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s.check("file "+p, b)
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *scan) object(where string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Fatal(err)
	}
	s.check(where, b)
}

func (s *scan) get(where, u string) {
	s.t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		s.t.Fatalf("%s: %v", where, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	s.check(where, b)
}

// scanPlatform is the platform of revision rev (1 or 2; 2 changes the
// parameter, the global and the SOPS value).
func scanPlatform(t *testing.T, recipient string, rev int) map[string]string {
	param, global, sopsValue := planted["sensitive parameter"], planted["credential global"], planted["SOPS file"]
	if rev == 2 {
		param, global, sopsValue = planted["sensitive parameter (changed)"], planted["credential global (changed)"], planted["SOPS file (changed)"]
	}
	sopsFile, err := sopstest.Encrypt([]byte("globals:\n  credentials_sops_password: "+quoteYAML(sopsValue)+"\n"), false, recipient)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"platform/platform.yaml": `name: scan
namespaces: {admin: scan-admin, services: scan-services, extensions: scan-ext}
registry:
  url: registry.example.org/scan
  username: scanbot
  password: ` + quoteYAML(planted["registry.password"]) + `
globals:
  services_namespace: scan-services
  credentials_scan_password: ` + quoteYAML(global) + `
valuesFrom:
  - {kind: Secret, name: scan-registry, valuesKey: password, global: credentials_registry_password}
sources: {local: {path: charts}}
extensions:
  scan:
    version: "1.0.0"
    parameters: {token: ` + quoteYAML(param) + `, flavour: a}
    sensitive: [token, flavour, auth.apiKey]
    values: {auth: {apiKey: ` + quoteYAML(planted["sensitive values path"]) + `}}
    valuesFrom:
      - {kind: Secret, name: scan-ref, valuesKey: value, targetPath: global.scan_ref}
`,
		"platform/secrets.sops.yaml":      string(sopsFile),
		"platform/charts/scan/Chart.yaml": "apiVersion: v2\nname: scan\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"platform/charts/scan/values.yaml": `global: {}
auth: {apiKey: ""}
extension_params:
  token: {type: string, definition: "access token"}
  flavour: {type: list_single, value: [a, b], default: a, definition: "flavour"}
`,
		"platform/charts/scan/templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: scan
  namespace: scan-services
stringData:
  token: {{ .Values.global.token | quote }}
  global: {{ .Values.global.credentials_scan_password | quote }}
  apiKey: {{ .Values.auth.apiKey | quote }}
  sops: {{ .Values.global.credentials_sops_password | quote }}
  ref: {{ .Values.global.scan_ref | quote }}
  registry: {{ .Values.global.credentials_registry_password | quote }}
`,
		// Secrets rendered into an object that is not a Secret: outputs
		// must scrub them there too.
		"platform/charts/scan/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: scan
  namespace: scan-services
  labels: {token: {{ .Values.global.token | quote }}}
data:
  dsn: "minio://scan:{{ .Values.global.credentials_scan_password }}@minio"
  sops: "{{ .Values.global.credentials_sops_password }}"
  ref: "{{ .Values.global.scan_ref }}"
  apiKey: "{{ .Values.auth.apiKey }}"
`,
	}
}

func quoteYAML(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestNoSecretInAnyOutput plants a distinctive secret through every route
// pono has (sensitive parameter, credential global, sensitive values path,
// SOPS file, Secret reference, registry credentials, git credentials,
// webhook secret) and scans every output for each, raw, URL-encoded and
// base64-encoded: stdout and stderr of every command in every -o format
// (failing ones included), the compile output directory and pono.lock, the
// status ConfigMap, Events, the metrics endpoint and the web page, and the
// reconciler's debug log. Zero occurrences is the only pass. Helm's release
// storage Secrets, and the objects the chart itself creates, are where the
// values live on purpose, and are not scanned.
func TestNoSecretInAnyOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local cluster")
	}
	c := cluster.Shared(t)
	ctx := context.Background()
	s := &scan{t: t, needles: needles()}
	kube := []string{"--kubeconfig", c.Kubeconfig}

	keyFile, recipient := sopstest.NewIdentity()
	keyPath := filepath.Join(t.TempDir(), "age.txt")
	writeFile(t, keyPath, keyFile)
	cache := t.TempDir()
	env := []string{"SOPS_AGE_KEY_FILE=" + keyPath, "PONO_CACHE=" + cache}

	for _, ns := range []string{"scan-admin", "scan-pono"} {
		if err := c.CreateNamespace(ctx, ns); err != nil {
			t.Fatal(err)
		}
	}
	putSecret(t, c, "scan-admin", "scan-ref", map[string]string{"value": planted["Secret reference"]})
	putSecret(t, c, "scan-admin", "scan-registry", map[string]string{"password": planted["registry password from Secret"]})

	repo := gitserver.NewRepo(t)
	rev1 := repo.Commit(t, scanPlatform(t, recipient, 1), "first")
	rev2 := repo.Commit(t, scanPlatform(t, recipient, 2), "rotate the credentials")
	repo.Push(t)
	dir := filepath.Join(repo.Work, "platform")

	// Without a cluster.
	s.must(env, "validate", dir)
	s.must(env, "validate", dir, "--schema-only")
	out := t.TempDir()
	s.must(env, "compile", dir, "--output-dir", filepath.Join(out, "compiled"))
	s.dir(out)
	lock, err := os.ReadFile(filepath.Join(dir, "pono.lock")) // written beside the platform
	if err != nil {
		t.Fatal(err)
	}
	s.check("DIR/pono.lock", lock)
	for _, f := range []string{"table", "json", "yaml"} {
		s.must(env, "ext", "list", dir, "-o", f)
	}
	for _, f := range []string{"text", "markdown", "json"} {
		s.run(env, "diff", dir, "--base", rev1, "--head", rev2, "-o", f, "--color", "always")
		s.run(env, "diff", dir, "--base", rev1, "-o", f)
	}

	// With the cluster.
	s.must(env, append([]string{"apply", dir, "--dry-run"}, kube...)...)
	for _, f := range []string{"json", "yaml"} {
		s.must(env, append([]string{"apply", dir, "--dry-run", "-o", f}, kube...)...)
	}
	s.must(env, append([]string{"apply", dir, "--stats", "--timeout", "1m"}, kube...)...)
	s.must(env, append([]string{"apply", dir}, kube...)...)
	s.must(env, append([]string{"apply", dir, "-o", "json"}, kube...)...)
	putSecret(t, c, "scan-admin", "scan-ref", map[string]string{"value": planted["Secret reference (changed)"]})
	for _, f := range []string{"text", "markdown", "json"} {
		s.run(env, append([]string{"diff", dir, "--live", "-o", f}, kube...)...)
	}
	for _, f := range []string{"table", "json", "yaml"} {
		s.must(env, append([]string{"status", dir, "-o", f}, kube...)...)
	}

	// The GitOps loop, with git credentials, a webhook secret and debug
	// logs: once in every format, then as a daemon.
	srv := gitserver.StartHTTP(t, repo.Root, "scan-bot", planted["git password"])
	auth := t.TempDir()
	writeFile(t, filepath.Join(auth, "username"), "scan-bot")
	writeFile(t, filepath.Join(auth, "password"), planted["git password"])
	hook := filepath.Join(t.TempDir(), "webhook")
	writeFile(t, hook, planted["webhook secret"])
	loop := append([]string{"--repo", srv.URL(repo.Name), "--path", "platform", "--auth-dir", auth, "--namespace", "scan-pono",
		"--timeout", "1m", "--log-level", "debug", "--cache-dir", t.TempDir()}, kube...)
	// The Secret reference changed since the apply: the first cycle
	// upgrades the release with the new value, the next ones do nothing.
	for i, f := range []string{"text", "json", "yaml"} {
		out := s.must(env, append([]string{"reconcile", "--once", "-o", f}, loop...)...)
		if want := map[int]string{0: "applied", 1: "unchanged"}[i]; want != "" && !strings.Contains(out, want) {
			t.Errorf("reconcile --once #%d: want %q in\n%s", i+1, want, out)
		}
	}
	if got := configMapData(t, c, "scan-services", "scan", "ref"); got != planted["Secret reference (changed)"] {
		t.Errorf("after reconcile the chart's ConfigMap holds another value than the rotated Secret's")
	}
	port := freeTCPPort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(testenv.Pono(t), append([]string{"reconcile", "--interval", "1h", "--leader-elect=false", "--log-format", "json",
		"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--webhook-secret-file", hook}, loop...)...)
	cmd.Env = append(os.Environ(), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	eventually(t, time.Minute, func() error {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), "pono_reconcile_cycles_total") {
			return errNotYet
		}
		return nil
	})
	for _, bad := range []string{"Bearer wrong", "Bearer " + planted["webhook secret"]} {
		req, _ := http.NewRequest(http.MethodPost, base+"/webhook", strings.NewReader(`{"ref":"refs/heads/main"}`))
		req.Header.Set("Authorization", bad)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s.check("POST /webhook ("+resp.Status+")", b)
	}
	time.Sleep(2 * time.Second) // the cycle the webhook triggered
	for _, p := range []string{"/metrics", "/healthz", "/readyz", "/ui/", "/ui/extensions", "/ui/platform", "/ui/workflows"} {
		s.get("GET "+p, base+p)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	s.check("reconcile log", logs.Bytes())
	if !strings.Contains(logs.String(), "level") {
		t.Errorf("the reconcile log is empty:\n%s", logs.String())
	}
	// A commit the API server rejects, quoting the value (an invalid
	// label): the cycle fails, with a Warning Event and the error in the
	// status ConfigMap.
	files := scanPlatform(t, recipient, 2)
	files["platform/platform.yaml"] = strings.Replace(files["platform/platform.yaml"], quoteYAML(planted["sensitive parameter (changed)"]), quoteYAML(planted["rejected label value"]), 1)
	repo.Commit(t, files, "a token the API server refuses")
	repo.Push(t)
	if _, errOut, code := s.run(env, append([]string{"reconcile", "--once", "-o", "json"}, loop...)...); code != 1 {
		t.Errorf("reconcile --once of a rejected commit: exit %d, want 1\n%s", code, errOut)
	}
	for _, f := range []string{"table", "json", "yaml"} {
		s.must(env, append([]string{"status", "--namespace", "scan-pono", "-o", f}, kube...)...)
	}
	cm, err := c.Client().CoreV1().ConfigMaps("scan-pono").Get(ctx, "pono-status", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.object("ConfigMap scan-pono/pono-status", cm)
	for _, ns := range []string{"scan-pono", "scan-admin", "scan-services"} {
		evs, err := c.Client().CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.object("Events in "+ns, evs)
		if ns == "scan-pono" && len(evs.Items) == 0 {
			t.Errorf("the failed cycle recorded no Event in scan-pono")
		}
	}

	// Failing commands: a value the API server rejects and quotes (an
	// invalid label), and a parameter value that is not an option.
	// The work tree holds the rejected commit now.
	if _, errOut, code := s.run(env, append([]string{"apply", dir, "-v", "--timeout", "30s", "--retries", "0"}, kube...)...); code != 1 || !strings.Contains(errOut, "scan") {
		t.Errorf("apply of a rejected label: exit %d, want 1 naming the release\n%s", code, errOut)
	}
	wrong := t.TempDir()
	copyDir(t, dir, wrong)
	editFile(t, filepath.Join(wrong, "platform.yaml"), "flavour: a}", "flavour: "+quoteYAML(planted["rejected option value"])+"}")
	if _, errOut, code := s.run(env, "validate", wrong, "-v"); code != 1 || !strings.Contains(errOut, "flavour") {
		t.Errorf("validate of a bad option: exit %d, want 1 naming the parameter\n%s", code, errOut)
	}
	s.run(env, "compile", wrong, "--output-dir", filepath.Join(t.TempDir(), "x"), "-v")

	t.Logf("scanned %d outputs for %d encoded forms of %d secrets", s.outputs, len(s.needles), len(planted))
	for _, h := range s.hits {
		t.Errorf("secret found in %s", h)
	}
}
