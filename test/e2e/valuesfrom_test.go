package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/test/cluster"
)

// valuesFromPlatform: small-a takes global.message from the Secret
// vf-creds (in the release namespace vf-admin), small-b takes nothing from
// the cluster, small-c needs small-a.
const valuesFromPlatform = `name: vf
` + `namespaces:
  admin: vf-admin
  services: vf-services
  extensions: vf-ext
globals:
  services_namespace: vf-services
sources:
  local: {path: ./charts}
extensions:
  small:
    version: "1.0.0"
    instances:
      a:
        valuesFrom:
          - kind: Secret
            name: vf-creds
            valuesKey: message
            global: message
      b: {}
      c:
        needs: [small/a]
`

// auditWrites returns the writes the audit log holds after n earlier ones.
func auditWrites(t *testing.T, c *cluster.Cluster, since int) ([]cluster.AuditEvent, int) {
	t.Helper()
	w, err := c.Writes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return w[since:], len(w)
}

func putSecret(t *testing.T, c *cluster.Cluster, ns, name string, data map[string]string) {
	t.Helper()
	ctx := context.Background()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, StringData: data}
	_, err := c.Client().CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{})
	if err != nil {
		cur, gerr := c.Client().CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
		if gerr != nil {
			t.Fatal(err)
		}
		cur.StringData, cur.Data = data, nil
		_, err = c.Client().CoreV1().Secrets(ns).Update(ctx, cur, metav1.UpdateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func ensureNamespace(t *testing.T, c *cluster.Cluster, ns string) {
	t.Helper()
	_, err := c.Client().CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
}

func configMapData(t *testing.T, c *cluster.Cluster, ns, name, key string) string {
	t.Helper()
	cm, err := c.Client().CoreV1().ConfigMaps(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm.Data[key]
}

// TestValuesFromSecret: a value from a Secret is installed; an unchanged
// Secret is 0 writes; a changed one upgrades exactly the release using it
// (and the apply after is 0 writes again); a missing one fails that
// release and blocks what needs it, and nothing else.
func TestValuesFromSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local cluster")
	}
	c := cluster.Shared(t)
	ensureNamespace(t, c, "vf-admin")
	putSecret(t, c, "vf-admin", "vf-creds", map[string]string{"message": "first-e2e-value"})
	dir := platformDir(t, valuesFromPlatform)

	rep, _, _ := mustApply(t, c, dir)
	want := map[string]string{"small-a": "install ok", "small-b": "install ok", "small-c": "install ok"}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Fatalf("first apply (-want +got):\n%s\n%s", diff, table(rep))
	}
	if got := configMapData(t, c, "vf-services", "small-a", "message"); got != "first-e2e-value" {
		t.Errorf("small-a's message = %q, want the Secret's value", got)
	}
	if got := configMapData(t, c, "vf-services", "small-b", "message"); got != "hello" {
		t.Errorf("small-b's message = %q, want the chart default", got)
	}

	_, n := auditWrites(t, c, 0)
	rep, _, _ = mustApply(t, c, dir)
	if w, _ := auditWrites(t, c, n); len(w) != 0 || rep.Counts()[apply.OutcomeUnchanged] != 3 {
		t.Fatalf("apply with the Secret unchanged: %d writes %v\n%s", len(w), w, table(rep))
	}

	putSecret(t, c, "vf-admin", "vf-creds", map[string]string{"message": "second-e2e-value"})
	_, n = auditWrites(t, c, 0)
	rep, _, _ = mustApply(t, c, dir)
	want = map[string]string{"small-a": "reconfigure ok", "small-b": "skip unchanged", "small-c": "skip unchanged"}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Errorf("apply after the Secret changed (-want +got):\n%s\n%s", diff, table(rep))
	}
	w, n := auditWrites(t, c, n)
	for _, e := range w {
		if strings.Contains(e.Name, "small-b") || strings.Contains(e.Name, "small-c") {
			t.Errorf("apply after the Secret changed wrote %s %s %s", e.Verb, e.Resource, e.Name)
		}
	}
	if got := configMapData(t, c, "vf-services", "small-a", "message"); got != "second-e2e-value" {
		t.Errorf("small-a's message = %q after the Secret changed, want the new value", got)
	}
	rep, _, _ = mustApply(t, c, dir)
	if w, _ := auditWrites(t, c, n); len(w) != 0 || rep.Counts()[apply.OutcomeUnchanged] != 3 {
		t.Errorf("apply after the upgrade: %d writes %v\n%s", len(w), w, table(rep))
	}

	// The Secret goes: small-a fails, small-c (which needs it) is blocked,
	// small-b is untouched, and nothing is written for small-a.
	if err := c.Client().CoreV1().Secrets("vf-admin").Delete(context.Background(), "vf-creds", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, n = auditWrites(t, c, 0)
	rep, _, _, err := applyDir(t, c, dir)
	var fe *apply.FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("apply without the Secret: err = %v, want a *apply.FailedError\n%s", err, table(rep))
	}
	want = map[string]string{"small-a": "reconfigure failed", "small-b": "skip unchanged", "small-c": "skip blocked"}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Errorf("apply without the Secret (-want +got):\n%s\n%s", diff, table(rep))
	}
	wantMsg := "release small-a: valuesFrom: Secret vf-admin/vf-creds not found: create it, or mark the entry optional (for values path global.message)"
	if got := result(t, rep, "small-a").Error; got != wantMsg {
		t.Errorf("small-a's error:\n got %s\nwant %s", got, wantMsg)
	}
	if w, _ := auditWrites(t, c, n); len(w) != 0 {
		t.Errorf("apply without the Secret wrote %d times: %v", len(w), w)
	}
	if got := configMapData(t, c, "vf-services", "small-a", "message"); got != "second-e2e-value" {
		t.Errorf("small-a's message = %q after the failed apply, want it left as it was", got)
	}
}
