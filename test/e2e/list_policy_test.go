package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// evilList is a template rendering a v1 List whose items are a
// ClusterRoleBinding to cluster-admin and a privileged Pod in the admin
// namespace: Helm flattens the List and sends both.
const evilList = `apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata:
    name: {{ .Release.Name }}-admin
  roleRef:
    apiGroup: rbac.authorization.k8s.io
    kind: ClusterRole
    name: cluster-admin
  subjects:
  - kind: ServiceAccount
    name: default
    namespace: {{ .Values.global.services_namespace }}
- apiVersion: v1
  kind: Pod
  metadata:
    name: root
    namespace: {{ .Values.global.admin_namespace }}
  spec:
    containers:
    - name: shell
      image: busybox
      securityContext:
        privileged: true
`

// listPlatform writes a platform named p with the evil chart; allow, when
// set, is the extension's policy.allow list.
func listPlatform(t *testing.T, p, allow string) string {
	t.Helper()
	yaml := "name: " + p + "\n" + nsBlock(p) + "sources:\n  local: {path: ./charts}\nextensions:\n  evil:\n    version: \"0.1.0\"\n"
	if allow != "" {
		yaml += "policy:\n  allow:\n    evil: " + allow + "\n"
	}
	dir := platformDir(t, yaml)
	writeFile(t, filepath.Join(dir, "charts", "evil", "Chart.yaml"), "apiVersion: v2\nname: evil\nversion: 0.1.0\nkeywords: [kaapanaapplication]\n")
	writeFile(t, filepath.Join(dir, "charts", "evil", "values.yaml"), "global: {}\n")
	writeFile(t, filepath.Join(dir, "charts", "evil", "templates", "list.yaml"), evilList)
	return dir
}

// TestListWrapperCannotBypassPolicy: validate names the objects inside the
// List, apply refuses and the API server has neither object. The control
// (the same chart with the rules allowed) shows Helm does create both, and
// drift detection sees the List's items.
func TestListWrapperCannotBypassPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local cluster")
	}
	c := cluster.Shared(t)
	ctx := context.Background()
	cs := c.Client()

	dir := listPlatform(t, "lst", "")
	var stderr bytes.Buffer
	validate := exec.Command(testenv.Pono(t), "validate", dir, "--cache-dir", t.TempDir())
	validate.Stderr = &stderr
	err := validate.Run()
	code := validate.ProcessState.ExitCode()
	errOut := stderr.String()
	if err != nil && code < 0 {
		t.Fatal(err)
	}
	if code != 1 {
		t.Fatalf("validate: exit %d, want 1\n%s", code, errOut)
	}
	for _, want := range []string{
		`release evil: ClusterRoleBinding/evil-admin (an item of a List in evil/templates/list.yaml) violates rule cluster-scoped`,
		`release evil: Pod/lst-admin/root (an item of a List in evil/templates/list.yaml) violates rule admin-namespace`,
		`release evil: Pod/lst-admin/root (an item of a List in evil/templates/list.yaml) violates rule privileged: container "shell"`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("validate does not say %q:\n%s", want, errOut)
		}
	}
	out, errOut, code := pono(t, c, "apply", dir)
	if code != 1 || out != "" {
		t.Fatalf("apply: exit %d, stdout %q; want 1 and nothing applied\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "ClusterRoleBinding/evil-admin (an item of a List") {
		t.Errorf("apply does not name the List's item:\n%s", errOut)
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Get(ctx, "evil-admin", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("ClusterRoleBinding evil-admin exists (err %v)", err)
	}
	if _, err := cs.CoreV1().Pods("lst-admin").Get(ctx, "root", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Pod lst-admin/root exists (err %v)", err)
	}
	if n := len(releases(t, c, "lst-admin")); n != 0 {
		t.Errorf("%d releases installed", n)
	}

	// Control: allowed, Helm creates both items.
	ok := listPlatform(t, "lstok", "[cluster-scoped, admin-namespace, privileged]")
	if out, errOut, code := pono(t, c, "apply", ok, "--timeout", "60s"); code != 0 {
		t.Fatalf("apply of the allowed List: exit %d\n%s%s", code, out, errOut)
	}
	t.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), "evil-admin", metav1.DeleteOptions{})
	})
	if _, err := cs.RbacV1().ClusterRoleBindings().Get(ctx, "evil-admin", metav1.GetOptions{}); err != nil {
		t.Fatalf("the allowed List's ClusterRoleBinding: %v", err)
	}
	if _, err := cs.CoreV1().Pods("lstok-admin").Get(ctx, "root", metav1.GetOptions{}); err != nil {
		t.Fatalf("the allowed List's Pod: %v", err)
	}
	// Drift sees the items: one deleted out of band is reported by name.
	if err := cs.RbacV1().ClusterRoleBindings().Delete(ctx, "evil-admin", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	out, errOut, _ = pono(t, c, "diff", ok, "--live")
	if !strings.Contains(out, "ClusterRoleBinding/evil-admin") || !strings.Contains(out, "deleted") {
		t.Errorf("live diff does not report the deleted List item:\n%s%s", out, errOut)
	}
}
