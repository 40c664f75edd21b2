package e2e

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// pono runs the pono binary against the cluster and returns stdout,
// stderr and the exit code.
func pono(t testing.TB, c *cluster.Cluster, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(testenv.Pono(t), append(args, "--kubeconfig", c.Kubeconfig, "--cache-dir", t.TempDir())...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestCLIApply: dry run changes nothing; progress lines and the final
// table; a failed release makes the exit code 1 and is named with its
// reason; sensitive values never appear.
func TestCLIApply(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	dir := platformDir(t, `name: cli
`+nsBlock("cli")+`sources:
  local: {path: ./charts}
extensions:
  small:
    version: "1.0.0"
    instances: {a: {}}
  secretive:
    version: "1.0.0"
    parameters: {token: "s3cr3t value!"}
    sensitive: [token]
`)
	out, errOut, code := pono(t, c, "apply", dir, "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run: 2 release(s) would change") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := c.Client().CoreV1().Namespaces().Get(ctx, "cli-admin", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("dry run created namespace cli-admin (err %v)", err)
	}

	out, errOut, code = pono(t, c, "apply", dir, "--timeout", "30s")
	all := out + errOut
	if code != 1 {
		t.Fatalf("apply with a rejected release: exit %d, want 1\n%s", code, all)
	}
	for _, want := range []string{
		"[0/2] install     cli-admin/small-a: not installed", // progress
		"RELEASE", "small-a", "ok", // table
		"1 release(s) failed:\n  secretive (install): install cli-admin/secretive", // named, with why
		"Invalid value: \"(hidden)\"", // the API server's words, redacted
	} {
		if !strings.Contains(all, want) {
			t.Errorf("output lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "s3cr3t") {
		t.Errorf("a sensitive value was printed:\n%s", all)
	}

	out, errOut, code = pono(t, c, "status", dir)
	if code != 0 || !strings.Contains(out, "small/a") || !strings.Contains(out, "not-installed") || strings.Contains(out+errOut, "s3cr3t") {
		t.Errorf("pono status: exit %d\n%s%s", code, out, errOut)
	}
}

// TestBadInputAppliesNothing: an invalid platform and a policy violation
// each apply nothing at all, not even the valid releases.
func TestBadInputAppliesNothing(t *testing.T) {
	c := cluster.Shared(t)
	for name, ext := range map[string]string{
		"invalid": `  small:
    version: "1.0.0"
    instances: {a: {}}
  ghost:
    chart: no-such-chart
    version: "1.0.0"
`,
		"policy": `  small:
    version: "1.0.0"
    instances:
      a: {}
      b: {values: {global: {services_namespace: bad-policy-admin}}}
`,
	} {
		t.Run(name, func(t *testing.T) {
			p := "bad-" + name
			dir := platformDir(t, "name: "+p+"\n"+nsBlock(p)+"sources:\n  local: {path: ./charts}\nextensions:\n"+ext)
			out, errOut, code := pono(t, c, "apply", dir)
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q; want 1 and no table\n%s", code, out, errOut)
			}
			if name == "policy" && !strings.Contains(errOut, "admin-namespace") {
				t.Errorf("stderr does not name the policy rule:\n%s", errOut)
			}
			if _, err := c.Client().CoreV1().Namespaces().Get(context.Background(), p+"-admin", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("namespace %s-admin exists (err %v): something was applied", p, err)
			}
			if n := len(releases(t, c, p+"-admin")); n != 0 {
				t.Errorf("%d releases installed", n)
			}
		})
	}
}
