package livediff_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/livediff"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/plan"
	"github.com/pono-gitops/pono/test/cluster"
)

// patchCounter counts PATCH requests (server-side apply dry runs included).
type patchCounter struct {
	rt      http.RoundTripper
	patches *atomic.Int64
}

func (p patchCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPatch {
		p.patches.Add(1)
	}
	return p.rt.RoundTrip(r)
}

func writeDriftPlatform(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"platform.yaml":         "name: drift\nsources: {local: {path: charts}}\nextensions:\n  app: {version: \"1.0.0\"}\n",
		"charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"charts/app/templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: drift-check}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: example/app:1}]
`,
		"charts/app/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: drift-check}\ndata: {a: b}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDriftCheck(t *testing.T) {
	c := cluster.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	if err := c.CreateNamespace(ctx, "drift-check"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeDriftPlatform(t, dir)
	res, err := compiler.NewCompile(&compiler.Config{}).Run(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a := apply.NewApply(&kube.Config{RESTConfig: c.RESTConfig()})
	a.Timeout = time.Minute
	if _, err := a.Run(ctx, res); err != nil {
		t.Fatalf("apply: %v", err)
	}
	rc := c.RESTConfig()
	var patches atomic.Int64
	rc.Wrap(func(rt http.RoundTripper) http.RoundTripper { return patchCounter{rt: rt, patches: &patches} })
	dc, err := livediff.NewDriftCheck(rc)
	if err != nil {
		t.Fatal(err)
	}
	releases := func() []livediff.DriftRelease {
		p, err := a.Plan(ctx, res)
		if err != nil {
			t.Fatal(err)
		}
		var out []livediff.DriftRelease
		for _, s := range p.Steps {
			if s.Action == plan.Skip {
				out = append(out, livediff.DriftRelease{Name: s.Name, Namespace: s.Namespace, Revision: s.Observed.Revision})
			}
		}
		if len(out) != 1 {
			t.Fatalf("up-to-date releases = %+v, want app", out)
		}
		return out
	}
	check := func() map[string][]diff.ObjectDiff {
		t.Helper()
		got, err := dc.Run(ctx, res, releases())
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	if got := check(); len(got) != 0 {
		t.Fatalf("freshly applied, drift = %+v", got)
	}
	// Confirmed clean objects are not dry-run again while their
	// resourceVersion stays.
	patches.Store(0)
	if got := check(); len(got) != 0 {
		t.Fatalf("second check, drift = %+v", got)
	}
	if n := patches.Load(); n != 0 {
		t.Errorf("second check made %d PATCH requests (dry runs), want 0", n)
	}

	cs := c.Client()
	if _, err := cs.AppsV1().Deployments("drift-check").Patch(ctx, "app", types.MergePatchType, []byte(`{"spec":{"replicas":4}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	got := check()
	objs := got["admin/app"]
	if len(got) != 1 || len(objs) != 1 || objs[0].ID != "Deployment/drift-check/app" || !strings.Contains(objs[0].Field, "spec.replicas") {
		t.Fatalf("after scaling by hand, drift = %+v, want Deployment spec.replicas of admin/app", got)
	}

	// Correcting: apply with the drift upgrades the release to the same
	// inputs, and Helm restores the field.
	a.Drift = map[string]string{"admin/app": "drift: Deployment/drift-check/app"}
	rep, err := a.Run(ctx, res)
	if err != nil {
		t.Fatalf("correcting apply: %v", err)
	}
	if rep.Results[0].Action != plan.Correct || rep.Results[0].Outcome != apply.OutcomeChanged {
		t.Fatalf("correcting apply results = %+v", rep.Results)
	}
	a.Drift = nil
	dep, err := cs.AppsV1().Deployments("drift-check").Get(ctx, "app", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *dep.Spec.Replicas != 1 {
		t.Errorf("replicas after correction = %d, want 1", *dep.Spec.Replicas)
	}
	if got := check(); len(got) != 0 {
		t.Fatalf("after correction, drift = %+v", got)
	}

	if err := cs.CoreV1().ConfigMaps("drift-check").Delete(ctx, "app", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	got = check()
	objs = got["admin/app"]
	if len(objs) != 1 || objs[0].ID != "ConfigMap/drift-check/app" || objs[0].Change != "deleted" {
		t.Fatalf("after deleting the ConfigMap, drift = %+v", got)
	}
}
