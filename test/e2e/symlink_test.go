package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/test/cluster"
)

// leakTemplate puts a chart file into a ConfigMap: Helm's own loader
// would follow files.txt wherever it links.
const leakTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: leak
  namespace: {{ .Values.global.services_namespace }}
data:
  files: {{ .Files.Get "files.txt" | quote }}
`

// TestSymlinkedHostFileAppliesNothing: a chart file linked to a host file
// outside the platform makes apply refuse, naming the link, with the host
// file's content nowhere in the output and nothing created in the cluster.
// The control (a link inside the platform) applies and carries its content.
func TestSymlinkedHostFileAppliesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local cluster")
	}
	c := cluster.Shared(t)
	ctx := context.Background()
	cs := c.Client()

	const secret = "host-secret-7f3a9c"
	host := filepath.Join(t.TempDir(), "token")
	writeFile(t, host, secret+"\n")
	dir := platformDir(t, "name: sym\n"+nsBlock("sym")+"sources:\n  local: {path: ./charts}\nextensions:\n  leak:\n    version: \"0.1.0\"\n")
	chart := filepath.Join(dir, "charts", "leak")
	writeFile(t, filepath.Join(chart, "Chart.yaml"), "apiVersion: v2\nname: leak\nversion: 0.1.0\nkeywords: [kaapanaapplication]\n")
	writeFile(t, filepath.Join(chart, "values.yaml"), "global: {}\n")
	writeFile(t, filepath.Join(chart, "templates", "cm.yaml"), leakTemplate)
	if err := os.Symlink(host, filepath.Join(chart, "files.txt")); err != nil {
		t.Fatal(err)
	}

	out, errOut, code := pono(t, c, "apply", dir)
	if code != 1 || out != "" {
		t.Fatalf("apply: exit %d, stdout %q; want 1 and nothing applied\n%s", code, out, errOut)
	}
	want := filepath.Join(chart, "files.txt") + " is a symbolic link to " + host + ", outside " + dir + ": refusing to follow it"
	if !strings.Contains(errOut, want) {
		t.Errorf("apply does not say %q:\n%s", want, errOut)
	}
	if strings.Contains(out+errOut, secret) {
		t.Errorf("the host file's content reached the output:\n%s%s", out, errOut)
	}
	if _, err := cs.CoreV1().ConfigMaps("sym-services").Get(ctx, "leak", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("ConfigMap sym-services/leak exists (err %v)", err)
	}
	if n := len(releases(t, c, "sym-admin")); n != 0 {
		t.Errorf("%d releases installed", n)
	}

	// Control: a link to a file inside the platform is read and applied.
	writeFile(t, filepath.Join(dir, "shared", "files.txt"), "inside the platform\n")
	if err := os.Remove(filepath.Join(chart, "files.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..", "..", "shared", "files.txt"), filepath.Join(chart, "files.txt")); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := pono(t, c, "apply", dir, "--timeout", "60s"); code != 0 {
		t.Fatalf("apply with a link inside the platform: exit %d\n%s%s", code, out, errOut)
	}
	cm, err := cs.CoreV1().ConfigMaps("sym-services").Get(ctx, "leak", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cm.Data["files"] != "inside the platform\n" {
		t.Errorf("ConfigMap data %q, want the in-platform file's content", cm.Data["files"])
	}
}
