package reconcile

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
)

// TestApplyDefaultsReachTheLoop: a reconciler given no apply options runs
// the engine with exactly pono apply's defaults, every one of them.
func TestApplyDefaultsReachTheLoop(t *testing.T) {
	r, err := New(offline(), Options{RepoURL: "/repo", Ref: "main", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(apply.DefaultOptions(), r.newApply().Options); d != "" {
		t.Errorf("loop's apply options differ from apply.DefaultOptions (-apply +loop):\n%s", d)
	}
}

// TestApplyOptionsReachTheLoop: every option given reaches the engine,
// except DryRun (observe mode is the loop's dry run).
func TestApplyOptionsReachTheLoop(t *testing.T) {
	o := apply.Options{Prune: false, DryRun: true, Concurrency: 3, Wait: false, Timeout: time.Minute, Retries: 7,
		Backoff: time.Hour, RollbackOnFailure: false, UninstallOnFailure: false, MaxHistory: 9,
		LeaseDuration: time.Second, Namespaces: []string{"a", "b"}}
	r, err := New(offline(), Options{RepoURL: "/repo", Ref: "main", CacheDir: t.TempDir(), Apply: &o})
	if err != nil {
		t.Fatal(err)
	}
	want := o
	want.DryRun = false
	if d := cmp.Diff(want, r.newApply().Options); d != "" {
		t.Errorf("loop's apply options (-want +got):\n%s", d)
	}
}

// offline is a cluster New accepts without contacting it.
func offline() *kube.Config {
	return &kube.Config{RESTConfig: &rest.Config{Host: "https://127.0.0.1:1"}}
}
