package e2e

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/plan"
	"github.com/pono-gitops/pono/test/cluster"
)

// TestKaapanaLikeLifecycle walks the Kaapana-like example through install,
// a no-op apply, a parameter change, a chart bump, a removed instance and
// an added extension that needs another.
func TestKaapanaLikeLifecycle(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	dir := t.TempDir()
	copyDir(t, filepath.Join(repoRoot(t), "examples", "kaapana-like"), dir)
	copyDir(t, filepath.Join(repoRoot(t), "test", "e2e", "testdata", "charts", "small"), filepath.Join(dir, "charts", "small"))
	all := []string{"hello-app-chart", "labs-chart", "notebook-chart-alice", "notebook-chart-bob", "organ-report", "radiomics-workflow"}

	// 1. Install everything.
	rep, _, _ := mustApply(t, c, dir)
	want := map[string]string{}
	for _, n := range all {
		want[n] = "install ok"
	}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Fatalf("first apply (-want +got):\n%s", diff)
	}
	rels := releases(t, c, "admin")
	for _, n := range all {
		r := rels[n]
		if r.Status != "deployed" || r.Revision != 1 || !plan.Owned(r.Labels, "kaapana-like") || r.Labels[plan.LabelDigest] == "" {
			t.Errorf("release %s: status %s revision %d labels %v; want deployed revision 1 with ownership and digest labels", n, r.Status, r.Revision, r.Labels)
		}
	}
	st, err := status.NewStatus(&kube.Config{RESTConfig: c.RESTConfig()}).Run(ctx, compile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Releases {
		if !r.Ready || r.HelmStatus != "deployed" || !r.UpToDate || len(r.KubeStatus) == 0 {
			t.Errorf("status of %s: %+v; want deployed, up to date, ready, with pod statuses", r.Release, r)
		}
	}

	// 2. The same platform again writes nothing at all.
	rep, wc, _ := mustApply(t, c, dir)
	for _, r := range rep.Results {
		if r.Outcome != apply.OutcomeUnchanged {
			t.Errorf("second apply: %s %s %s; want unchanged", r.Name, r.Action, r.Outcome)
		}
	}
	if w := wc.Writes(); len(w) != 0 {
		t.Errorf("second apply wrote to the API server %d times: %v", len(w), w)
	}

	// 3. A changed parameter upgrades exactly that release.
	editFile(t, filepath.Join(dir, "platform.cue"), `greeting: "Welcome to the Kaapana-like demo"`, `greeting: "Hello again"`)
	rep, wc, _ = mustApply(t, c, dir)
	want = map[string]string{}
	for _, n := range all {
		want[n] = "skip unchanged"
	}
	want["hello-app-chart"] = "reconfigure ok"
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Errorf("apply after a parameter change (-want +got):\n%s", diff)
	}
	for _, w := range wc.Writes() {
		if strings.Contains(w, "notebook") || strings.Contains(w, "labs") || strings.Contains(w, "radiomics") {
			t.Errorf("apply after a parameter change wrote %s", w)
		}
	}
	dep, err := c.Client().AppsV1().Deployments("services").Get(ctx, "hello-app-chart", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := dep.Spec.Template.Spec.Containers[0].Env[0].Value; got != "Hello again" {
		t.Errorf("GREETING = %q after upgrade, want %q", got, "Hello again")
	}
	if r := releases(t, c, "admin")["hello-app-chart"]; r.Revision != 2 {
		t.Errorf("hello-app-chart revision %d, want 2", r.Revision)
	}

	// 4. A chart version bump is an upgrade of that release.
	editFile(t, filepath.Join(dir, "charts", "hello-app-chart", "Chart.yaml"), "version: 0.0.0", "version: 0.7.0")
	editFile(t, filepath.Join(dir, "platform.cue"), `version: "0.6.0"`, `version: "0.7.0"`)
	rep, _, _ = mustApply(t, c, dir)
	if r := result(t, rep, "hello-app-chart"); r.Action != plan.Upgrade || r.Outcome != apply.OutcomeChanged || !strings.Contains(r.Reason, "0.6.0 -> 0.7.0") {
		t.Errorf("hello-app-chart after the bump: %+v; want upgrade 0.6.0 -> 0.7.0 ok", r)
	}
	if r := releases(t, c, "admin")["hello-app-chart"]; r.Labels[plan.LabelChartVersion] != "0.7.0" {
		t.Errorf("hello-app-chart chart-version label %q, want 0.7.0", r.Labels[plan.LabelChartVersion])
	}

	// 5. A removed instance is pruned; its workload goes with it.
	editFile(t, filepath.Join(dir, "platform.cue"), `			bob: parameters: {
				display_name: "Bob's notebook"
				flavour:      "pytorch"
				plugins: ["dicom-viewer"]
			}
`, "")
	rep, _, _ = mustApply(t, c, dir)
	if r := result(t, rep, "notebook-chart-bob"); r.Action != plan.Uninstall || r.Outcome != apply.OutcomeChanged {
		t.Errorf("notebook-chart-bob after removal: %+v; want uninstall ok", r)
	}
	if _, ok := releases(t, c, "admin")["notebook-chart-bob"]; ok {
		t.Errorf("release notebook-chart-bob still exists after prune")
	}
	eventually(t, 30*time.Second, func() error {
		_, err := c.Client().AppsV1().Deployments("services").Get(ctx, "notebook-chart-bob", metav1.GetOptions{})
		if err == nil {
			return errors.New("deployment notebook-chart-bob still exists")
		}
		return nil
	})

	// 6. An added extension that needs another waits for it.
	writeFile(t, filepath.Join(dir, "late.yaml"), `extensions:
  late:
    chart: small
    version: "1.0.0"
    needs: [notebook]
    instances:
      one: {}
  notebook:
    instances:
      carol:
        parameters:
          display_name: "Carol"
          flavour: "scipy"
          plugins: ["git"]
`)
	rep, _, ev := mustApply(t, c, dir)
	if got := outcomes(rep); got["small-one"] != "install ok" || got["notebook-chart-carol"] != "install ok" {
		t.Fatalf("apply with an added extension:\n%s", table(rep))
	}
	carolDone, _ := ev.when(apply.EventFinish, "notebook-chart-carol")
	lateStart, _ := ev.when(apply.EventStart, "small-one")
	if !lateStart.After(carolDone) {
		t.Errorf("small-one started at %v, before its need notebook-chart-carol finished at %v", lateStart, carolDone)
	}
	if s := result(t, rep, "small-one"); s.Wave != 2 {
		t.Errorf("small-one in wave %d, want 2 (after notebook, which is after hello-app)", s.Wave)
	}
}

// TestInferredOrdering: a release that defines a CRD and creates a
// namespace goes before a release that uses that kind in that namespace,
// without any needs, in one apply.
func TestInferredOrdering(t *testing.T) {
	c := cluster.Shared(t)
	dir := platformDir(t, `name: ord
`+nsBlock("ord")+`sources:
  local: {path: ./charts}
extensions:
  widget:
    version: "1.0.0"
    values: {tenant: ord-tenant}
  operator:
    version: "1.0.0"
    values: {tenant: ord-tenant}
policy:
  allow:
    operator: [cluster-scoped]
`)
	rep, _, ev := mustApply(t, c, dir)
	if diff := cmp.Diff(map[string]string{"operator": "install ok", "widget": "install ok"}, outcomes(rep)); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s", diff)
	}
	var inferred []string
	for _, s := range rep.Plan.Steps {
		if s.Name == "widget" {
			inferred = s.Inferred
		}
	}
	want := []string{"after operator: it defines Widget.e2e.pono.dev", "after operator: it creates namespace ord-tenant"}
	if diff := cmp.Diff(want, inferred); diff != "" {
		t.Errorf("inferred edges of widget (-want +got):\n%s", diff)
	}
	opDone, _ := ev.when(apply.EventFinish, "operator")
	wStart, _ := ev.when(apply.EventStart, "widget")
	if !wStart.After(opDone) {
		t.Errorf("widget started at %v, before operator finished at %v", wStart, opDone)
	}
	if r := result(t, rep, "widget"); r.Wave != 1 || r.Attempts != 1 {
		t.Errorf("widget: wave %d, %d attempts; want wave 1, first attempt", r.Wave, r.Attempts)
	}

	// Both removed: deletion runs in reverse, the Widget's release before
	// the release that defines Widgets.
	writeFile(t, filepath.Join(dir, "platform.yaml"), "name: ord\n"+nsBlock("ord")+"sources:\n  local: {path: ./charts}\n")
	rep, _, ev = mustApply(t, c, dir)
	if diff := cmp.Diff(map[string]string{"operator": "uninstall ok", "widget": "uninstall ok"}, outcomes(rep)); diff != "" {
		t.Fatalf("outcomes after removing both (-want +got):\n%s", diff)
	}
	wDone, _ := ev.when(apply.EventFinish, "widget")
	opStart, _ := ev.when(apply.EventStart, "operator")
	if !opStart.After(wDone) {
		t.Errorf("operator's uninstall started at %v, before widget's finished at %v", opStart, wDone)
	}
}

// TestRetryUntilKindExists: a release using a kind whose CRD appears only
// after apply started fails its first attempt ("no matches for kind"),
// and a retry with backoff installs it.
func TestRetryUntilKindExists(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	if _, err := c.Client().CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "retry-tenant"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := platformDir(t, `name: retry
`+nsBlock("retry")+`sources:
  local: {path: ./charts}
extensions:
  widget:
    version: "1.0.0"
    values: {tenant: retry-tenant, kind: Gizmo}
`)
	go func() {
		time.Sleep(1500 * time.Millisecond)
		crd := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
			"metadata": map[string]any{"name": "gizmos.e2e.pono.dev"},
			"spec": map[string]any{
				"group": "e2e.pono.dev", "scope": "Namespaced",
				"names": map[string]any{"kind": "Gizmo", "plural": "gizmos", "singular": "gizmo"},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
					"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
			},
		}}
		dyn, err := dynamic.NewForConfig(c.RESTConfig())
		if err == nil {
			_, err = dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}).Create(ctx, crd, metav1.CreateOptions{})
		}
		if err != nil {
			t.Errorf("create CRD: %v", err)
		}
	}()
	rep, _, _ := mustApply(t, c, dir, func(a *apply.Apply) { a.Backoff = time.Second; a.Retries = 4 })
	r := result(t, rep, "widget")
	if r.Attempts < 2 || !strings.Contains(r.Detail, "succeeded on attempt") {
		t.Errorf("widget: %d attempts, detail %q; want a retry that succeeded", r.Attempts, r.Detail)
	}
}

// TestReleaseMovedToAnotherNamespace: when an extension's release namespace
// changes, the old release is uninstalled before the new one is installed,
// so the new one can create the same objects.
func TestReleaseMovedToAnotherNamespace(t *testing.T) {
	c := cluster.Shared(t)
	dir := platformDir(t, `name: mv
`+nsBlock("mv")+`sources:
  local: {path: ./charts}
extensions:
  small:
    version: "1.0.0"
    instances: {a: {}}
`)
	mustApply(t, c, dir)
	editFile(t, filepath.Join(dir, "platform.yaml"), "  small:\n", "  small:\n    namespace: mv-moved\n")
	rep, _, ev := mustApply(t, c, dir)
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Namespace+"/"+r.Name+" "+string(r.Action)+" "+string(r.Outcome))
	}
	want := []string{"mv-admin/small-a uninstall ok", "mv-moved/small-a install ok"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("results (-want +got):\n%s", diff)
	}
	var uninstalled, installStart time.Time
	for i, e := range ev.evs {
		switch {
		case e.Type == apply.EventFinish && e.Step.Action == plan.Uninstall:
			uninstalled = ev.at[i]
		case e.Type == apply.EventStart && e.Step.Action == plan.Install:
			installStart = ev.at[i]
		}
	}
	if !installStart.After(uninstalled) {
		t.Errorf("install in the new namespace started at %v, before the old release was uninstalled at %v", installStart, uninstalled)
	}
	if _, ok := releases(t, c, "mv-admin")["small-a"]; ok {
		t.Errorf("old release mv-admin/small-a still exists")
	}
	if r := releases(t, c, "mv-moved")["small-a"]; r.Status != "deployed" {
		t.Errorf("mv-moved/small-a is %q, want deployed", r.Status)
	}
}
