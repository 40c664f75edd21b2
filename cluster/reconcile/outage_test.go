package reconcile_test

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/test/cluster"

	"github.com/pono-gitops/pono/test/testenv"
)

// converge runs cycles until one ends applied or unchanged, and returns the
// reports of the cycles run.
func converge(t *testing.T, ctx context.Context, r *reconcile.Reconciler, max int) []*reconcile.CycleReport {
	t.Helper()
	var reps []*reconcile.CycleReport
	for range max {
		rep := r.Cycle(ctx, "test")
		reps = append(reps, rep)
		if rep.Result == reconcile.CycleApplied || rep.Result == reconcile.CycleUnchanged {
			return reps
		}
		t.Logf("cycle %d: %s: %v", len(reps), rep.Result, rep.Err)
		time.Sleep(2 * time.Second)
	}
	t.Fatalf("no convergence in %d cycles", max)
	return nil
}

// releaseStatus is the Helm status of the fixture's release.
func releaseStatus(t *testing.T, ctx context.Context, f *fixture) string {
	t.Helper()
	hc, err := helmsdk.NewClient(f.c.RESTConfig(), helmsdk.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := hc.GetRelease(ctx, "admin", f.chart())
	if err != nil {
		t.Fatal(err)
	}
	return d.Status
}

// TestAPIServerOutageDuringCycle kills the API server while a cycle
// upgrades a release, starts it again, and checks that the next cycles
// converge and leave no release pending.
func TestAPIServerOutageDuringCycle(t *testing.T) {
	testenv.NeedsServer(t, "a local Kubernetes control plane of its own")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	c, err := cluster.Start(ctx, cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if err := c.AddNodes(ctx, "node-0"); err != nil {
		t.Fatal(err)
	}
	f := newFixtureOn(t, c, "gitops-outage", "hello")
	opts := f.options(t)
	opts.Apply.Timeout, opts.Apply.LeaseDuration, opts.Apply.Retries = 5*time.Second, 3*time.Second, 0
	started := make(chan struct{}, 10)
	opts.Progress = func(ev apply.Event) {
		if ev.Type == apply.EventStart {
			started <- struct{}{}
		}
	}
	r := f.reconcilerWith(t, &kube.Config{RESTConfig: c.RESTConfig(), Logger: testLogger(t)}, opts)
	converge(t, ctx, r, 3)
	<-started

	// The new version's pods need a node label nobody has yet, so the
	// upgrade waits; the API server dies during that wait and stays away
	// until the operation has timed out, so Helm cannot record its end:
	// the release is left pending-upgrade.
	files := f.files("bonjour")
	deploy := "platform/charts/" + f.chart() + "/templates/deploy.yaml"
	files[deploy] = strings.Replace(files[deploy], "      containers:", "      nodeSelector: {gitops-outage: later}\n      containers:", 1)
	f.repo.Commit(t, files, "say bonjour on labelled nodes")
	f.repo.Push(t)
	done := make(chan *reconcile.CycleReport, 1)
	go func() { done <- r.Cycle(ctx, "test") }()
	select {
	case <-started:
	case <-time.After(time.Minute):
		t.Fatal("the upgrade did not start")
	}
	time.Sleep(time.Second)
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	interrupted := <-done
	t.Logf("interrupted cycle: %s: %v", interrupted.Result, interrupted.Err)
	if interrupted.Result != reconcile.CycleFailed {
		t.Errorf("cycle during the outage = %s, want failed", interrupted.Result)
	}
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	if st := releaseStatus(t, ctx, f); st != "pending-upgrade" {
		t.Logf("after the outage the release is %s (pending-upgrade expected when Helm could not record the end)", st)
	}
	if _, err := c.Client().CoreV1().Nodes().Patch(ctx, "node-0", types.MergePatchType, []byte(`{"metadata":{"labels":{"gitops-outage":"later"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}

	converge(t, ctx, r, 10)
	if got := f.greeting(t); got != "bonjour" {
		t.Errorf("greeting = %q, want bonjour", got)
	}
	if st := releaseStatus(t, ctx, f); st != "deployed" {
		t.Errorf("release status = %s, want deployed", st)
	}
	// And the next cycle finds nothing to do.
	cycle(t, ctx, r, reconcile.CycleUnchanged)
}
