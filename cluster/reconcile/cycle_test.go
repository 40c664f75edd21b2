package reconcile_test

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/test/gitserver"
)

// TestCycleFollowsCommits pushes commits and checks what each next cycle
// does: apply a change, hold an invalid commit off and report it, converge
// on the fix, and stay silent when nothing moved.
func TestCycleFollowsCommits(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	f := newFixture(t, "gitops-follow", "hello")
	r := f.reconciler(t, f.options(t))

	first := cycle(t, ctx, r, reconcile.CycleApplied)
	if got := f.greeting(t); got != "hello" {
		t.Fatalf("greeting after the first cycle = %q, want hello", got)
	}
	if !first.Moved || !first.StatusWritten {
		t.Errorf("first cycle: moved=%v statusWritten=%v, want both", first.Moved, first.StatusWritten)
	}

	// The next cycle confirms the new objects have not drifted and
	// records the unchanged result.
	cycle(t, ctx, r, reconcile.CycleUnchanged)
	// Nothing moved: no fetch, no write at all (status included).
	before := writes(t, f.c)
	reqs := f.http.Requests()
	idle := cycle(t, ctx, r, reconcile.CycleUnchanged)
	if idle.Moved || idle.StatusWritten {
		t.Errorf("idle cycle: moved=%v statusWritten=%v, want neither", idle.Moved, idle.StatusWritten)
	}
	if after := writes(t, f.c); len(after) != len(before) {
		t.Errorf("idle cycle wrote to the API server:%s", describeWrites(after[len(before):]))
	}
	if n := f.http.Requests() - reqs; n != 1 {
		t.Errorf("idle cycle made %d git HTTP requests, want 1 (the ref listing)", n)
	}

	// A parameter change is applied on the next cycle.
	second := f.commit(t, "bonjour", "say bonjour")
	rep := cycle(t, ctx, r, reconcile.CycleApplied)
	if rep.Commit.Commit != second || rep.Commit.Subject != "say bonjour" {
		t.Errorf("cycle commit = %+v, want %s \"say bonjour\"", rep.Commit, second)
	}
	if got := f.greeting(t); got != "bonjour" {
		t.Fatalf("greeting = %q, want bonjour", got)
	}

	// An invalid commit changes nothing and is reported with its position.
	bad := f.commit(t, "42", "greeting as a number")
	rep = cycle(t, ctx, r, reconcile.CycleInvalid)
	if rep.Err == nil || !strings.Contains(rep.Err.Error(), bad[:12]+":platform/platform.yaml:6:") {
		t.Errorf("invalid commit error = %v, want it to name %s:platform/platform.yaml:LINE", rep.Err, bad[:12])
	}
	if rep.Target.Commit != second {
		t.Errorf("target = %s, want the last good commit %s", rep.Target.Commit, second)
	}
	if got := f.greeting(t); got != "bonjour" {
		t.Fatalf("greeting after the invalid commit = %q, want bonjour (unchanged)", got)
	}
	st, err := reconcile.ReadStatus(ctx, f.c.Client(), f.ponoNS)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastAttempt == nil || st.LastAttempt.Commit != bad || st.LastAttempt.Result != reconcile.CycleInvalid || st.LastAttempt.Error == "" {
		t.Errorf("status last attempt = %+v, want the invalid commit %s with its error", st.LastAttempt, bad)
	}
	if st.LastApplied == nil || st.LastApplied.Commit != second {
		t.Errorf("status last applied = %+v, want %s", st.LastApplied, second)
	}
	events, err := f.c.Client().CoreV1().Events(f.ponoNS).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasEvent(events.Items, "InvalidCommit", bad[:12]) {
		t.Errorf("no InvalidCommit event naming %s; events: %+v", bad[:12], events.Items)
	}
	// The same invalid commit is not reported again every cycle.
	cycle(t, ctx, r, reconcile.CycleInvalid)
	again, _ := f.c.Client().CoreV1().Events(f.ponoNS).List(ctx, metav1.ListOptions{})
	if len(again.Items) != len(events.Items) {
		t.Errorf("events after a second cycle on the same invalid commit: %d, want %d", len(again.Items), len(events.Items))
	}

	// The fix converges.
	fix := f.commit(t, "salut", "fix the greeting")
	rep = cycle(t, ctx, r, reconcile.CycleApplied)
	if got := f.greeting(t); got != "salut" {
		t.Fatalf("greeting after the fix = %q, want salut", got)
	}
	st, err = reconcile.ReadStatus(ctx, f.c.Client(), f.ponoNS)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastApplied == nil || st.LastApplied.Commit != fix || st.LastAttempt.Error != "" {
		t.Errorf("status after the fix = applied %+v, attempt %+v", st.LastApplied, st.LastAttempt)
	}
	if strings.Contains(st.Repo, gitPass) {
		t.Error("status shows the git password")
	}
}

func hasEvent(evs []corev1.Event, reason, text string) bool {
	for _, e := range evs {
		if e.Reason == reason && strings.Contains(e.Message, text) {
			return true
		}
	}
	return false
}

// TestDriftCorrectedOrReported edits a managed object by hand: apply mode
// restores it on the next cycle, observe mode only reports it.
func TestDriftCorrectedOrReported(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	f := newFixture(t, "gitops-drift", "hello")
	r := f.reconciler(t, f.options(t))
	cycle(t, ctx, r, reconcile.CycleApplied)

	deployments := f.c.Client().AppsV1().Deployments(f.platform)
	scale := func(n int) {
		t.Helper()
		patch := []byte(`{"spec":{"replicas":` + string(rune('0'+n)) + `}}`)
		if _, err := deployments.Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	replicas := func() int32 {
		t.Helper()
		d, err := deployments.Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return *d.Spec.Replicas
	}

	scale(3)
	rep := cycle(t, ctx, r, reconcile.CycleApplied)
	if len(rep.Drift) != 1 || !rep.Drift[0].Corrected || !strings.Contains(strings.Join(rep.Drift[0].Objects, " "), "spec.replicas") {
		t.Fatalf("drift = %+v, want web's Deployment spec.replicas, corrected", rep.Drift)
	}
	if n := replicas(); n != 1 {
		t.Fatalf("replicas after the correcting cycle = %d, want 1", n)
	}
	cycle(t, ctx, r, reconcile.CycleUnchanged)

	opts := f.options(t)
	opts.Mode = reconcile.ModeObserve
	observer := f.reconciler(t, opts)
	scale(4)
	rep = cycle(t, ctx, observer, reconcile.CyclePlanned)
	if len(rep.Drift) != 1 || rep.Drift[0].Corrected {
		t.Fatalf("observe drift = %+v, want one, not corrected", rep.Drift)
	}
	if n := replicas(); n != 4 {
		t.Fatalf("replicas after an observe cycle = %d, want 4 (untouched)", n)
	}
	st, err := reconcile.ReadStatus(ctx, f.c.Client(), f.ponoNS)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode != reconcile.ModeObserve || len(st.LastAttempt.Drift) != 1 {
		t.Errorf("status = mode %s drift %+v, want observe with the drift", st.Mode, st.LastAttempt.Drift)
	}
}

// TestSignedCommitsOnly refuses an unsigned head and applies a signed one.
func TestSignedCommitsOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	f := newFixture(t, "gitops-signed", "unsigned")
	key := gitserver.NewSSHKey(t, "release")
	v, err := gitrepo.NewVerifier("", []byte(key.AllowedSigner("release@example.org")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts := f.options(t)
	opts.Verifier = v
	r := f.reconciler(t, opts)

	rep := cycle(t, ctx, r, reconcile.CycleRefused)
	if rep.Err == nil || !strings.Contains(rep.Err.Error(), "not signed") {
		t.Errorf("refusal = %v, want it to say the commit is not signed", rep.Err)
	}
	if _, err := f.c.Client().CoreV1().ConfigMaps(f.platform).Get(ctx, "web", metav1.GetOptions{}); err == nil {
		t.Fatal("the unsigned commit's platform was applied")
	}
	signed := f.repo.CommitSigned(t, f.files("signed"), "signed release", key)
	f.repo.Push(t)
	cycle(t, ctx, r, reconcile.CycleApplied)
	if got := f.greeting(t); got != "signed" {
		t.Fatalf("greeting = %q, want signed", got)
	}
	// helm history names the commit and its signer.
	hc, err := helmsdk.NewClient(f.c.RESTConfig(), helmsdk.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := hc.GetRelease(ctx, "admin", f.chart())
	if err != nil {
		t.Fatal(err)
	}
	if want := "pono apply: install (commit " + signed[:12] + " signed by release@example.org)"; rel.Description != want {
		t.Errorf("release description = %q, want %q", rel.Description, want)
	}
}

// TestRestartOnInvalidHead: a reconciler that starts while the head is
// invalid holds the cluster at the commit the status records as last
// applied, drift included.
func TestRestartOnInvalidHead(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	f := newFixture(t, "gitops-restart", "hello")
	good := f.commit(t, "bonjour", "say bonjour")
	cycle(t, ctx, f.reconciler(t, f.options(t)), reconcile.CycleApplied)
	f.commit(t, "[not, a, string]", "break the greeting")
	patch := []byte(`{"data":{"greeting":"edited by hand"}}`)
	if _, err := f.c.Client().CoreV1().ConfigMaps(f.platform).Patch(ctx, "web", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}

	restarted := f.reconciler(t, f.options(t)) // a new process: empty cache, nothing in memory
	rep := cycle(t, ctx, restarted, reconcile.CycleInvalid)
	if rep.Target.Commit != good {
		t.Errorf("target = %q, want the last applied commit %s", rep.Target.Commit, good)
	}
	if len(rep.Drift) != 1 || !rep.Drift[0].Corrected {
		t.Errorf("drift = %+v, want the edited ConfigMap corrected", rep.Drift)
	}
	if got := f.greeting(t); got != "bonjour" {
		t.Errorf("greeting = %q, want bonjour (the last good commit's)", got)
	}
}
