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
)

// labelNodes sets a label on every node.
func labelNodes(t *testing.T, f *fixture, key, value string) {
	t.Helper()
	nodes, err := f.c.Client().CoreV1().Nodes().List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes.Items) == 0 {
		t.Fatal("the cluster has no nodes")
	}
	for _, n := range nodes.Items {
		patch := []byte(`{"metadata":{"labels":{"` + key + `":"` + value + `"}}}`)
		if _, err := f.c.Client().CoreV1().Nodes().Patch(t.Context(), n.Name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// commitNeedingLabel commits the platform with its pods needing a node
// label, so the release's wait lasts until a test sets it.
func commitNeedingLabel(t *testing.T, f *fixture, greeting, label string) {
	t.Helper()
	files := f.files(greeting)
	deploy := "platform/charts/" + f.chart() + "/templates/deploy.yaml"
	files[deploy] = strings.Replace(files[deploy], "      containers:", "      nodeSelector: {"+label+": \"yes\"}\n      containers:", 1)
	f.repo.Commit(t, files, greeting+" on labelled nodes")
	f.repo.Push(t)
}

// TestShutdownLetsTheOperationFinish cancels Run (SIGTERM) while a release
// waits: within the grace period the operation completes and the release is
// deployed; with a grace period too short it is cut off, and the next
// reconciler recovers what was left pending.
func TestShutdownLetsTheOperationFinish(t *testing.T) {
	f := newFixture(t, "gitops-shutdown", "hello")
	opts := f.options(t)
	opts.Apply.Timeout, opts.Apply.LeaseDuration, opts.Apply.Retries = 2*time.Minute, 3*time.Second, 0
	started := make(chan string, 10)
	opts.Progress = func(ev apply.Event) {
		if ev.Type == apply.EventStart {
			started <- ev.Step.Name
		}
	}
	r := f.reconcilerWith(t, &kube.Config{RESTConfig: f.c.RESTConfig(), Logger: testLogger(t)}, opts)
	cycle(t, t.Context(), r, reconcile.CycleApplied)
	<-started

	// A long grace period: the running upgrade finishes.
	commitNeedingLabel(t, f, "bonjour", "gitops-shutdown-a")
	run := start(t, r, reconcile.RunOptions{GracePeriod: time.Minute})
	select {
	case <-started:
	case <-time.After(time.Minute):
		t.Fatal("the upgrade did not start")
	}
	time.Sleep(500 * time.Millisecond)
	stopped := make(chan struct{})
	go func() { run.stop(t); close(stopped) }()
	time.Sleep(time.Second)
	select {
	case <-stopped:
		t.Fatal("Run returned while the upgrade was still waiting")
	default:
	}
	labelNodes(t, f, "gitops-shutdown-a", "yes")
	<-stopped
	rep := <-run.cycles
	if rep.Result != reconcile.CycleApplied {
		t.Fatalf("cycle during shutdown = %s (%v), want applied", rep.Result, rep.Err)
	}
	if st := releaseStatus(t, t.Context(), f); st != "deployed" {
		t.Fatalf("release after a graceful shutdown = %s, want deployed", st)
	}
	if got := f.greeting(t); got != "bonjour" {
		t.Errorf("greeting = %q, want bonjour", got)
	}

	// A grace period too short: the upgrade is cut off and left pending;
	// the next reconciler (a new leader) recovers and converges.
	commitNeedingLabel(t, f, "salut", "gitops-shutdown-b")
	run = start(t, r, reconcile.RunOptions{GracePeriod: 500 * time.Millisecond})
	select {
	case <-started:
	case <-time.After(time.Minute):
		t.Fatal("the second upgrade did not start")
	}
	time.Sleep(500 * time.Millisecond)
	run.stop(t)
	if rep := <-run.cycles; rep.Err == nil {
		t.Fatalf("cut-off cycle = %s, want an error", rep.Result)
	}
	t.Logf("after the cut-off the release is %s", releaseStatus(t, t.Context(), f))
	labelNodes(t, f, "gitops-shutdown-b", "yes")
	next := f.reconciler(t, opts)
	reps := converge(t, context.Background(), next, 10)
	if st := releaseStatus(t, t.Context(), f); st != "deployed" {
		t.Fatalf("release after recovery = %s, want deployed (cycles: %+v)", st, reps)
	}
	if got := f.greeting(t); got != "salut" {
		t.Errorf("greeting = %q, want salut", got)
	}
}
