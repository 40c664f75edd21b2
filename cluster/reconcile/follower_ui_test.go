package reconcile_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/cluster/ui"
)

// TestFollowerPageShowsTheLeadersStatus runs a leader and a follower: the
// follower's page shows the leader's last attempt from the status
// ConfigMap, says it is a follower, and follows the leader's next cycle.
func TestFollowerPageShowsTheLeadersStatus(t *testing.T) {
	f := newFixture(t, "gitops-follower-ui", "hello")
	ro := reconcile.RunOptions{LeaderElection: true, LeaseDuration: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 200 * time.Millisecond, TriggerToken: []byte("follower-token")}
	optsA, optsB := f.options(t), f.options(t)
	optsA.Identity, optsB.Identity = "replica-a", "replica-b"
	a := start(t, f.reconciler(t, optsA), ro)
	first := a.next(t, time.Minute)
	if first.Result != reconcile.CycleApplied {
		t.Fatalf("a's first cycle = %s (%v)", first.Result, first.Err)
	}
	b := start(t, f.reconciler(t, optsB), ro)

	// snapshot polls the follower's snapshot until it shows commit.
	snapshot := func(commit string) *ui.Snapshot {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			code, body := b.get(t, "/ui/api/snapshot")
			var s ui.Snapshot
			if code == http.StatusOK && json.Unmarshal([]byte(body), &s) == nil && s.Platform.LastAttempt != nil && s.Platform.LastAttempt.Commit == commit {
				return &s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the follower's snapshot never showed commit %s: %d %.2000s", commit, code, body)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	s := snapshot(first.Commit.Commit)
	if s.Platform.Leader || s.Platform.Reconciler != "replica-a" || s.Platform.LastAttempt.Result != reconcile.CycleApplied ||
		s.Platform.LastApplied == nil || s.Platform.LastApplied.Commit != first.Commit.Commit || s.Platform.Error != "" {
		t.Errorf("follower's platform = %+v, want the leader replica-a's applied commit, as a follower", s.Platform)
	}
	for _, page := range []string{"/ui/", "/ui/platform"} {
		code, body := b.get(t, page)
		if code != http.StatusOK || !strings.Contains(body, `id="follower"`) || !strings.Contains(body, "<code>replica-a</code> runs the cycles") {
			t.Errorf("follower's %s = %d, want the follower note naming the leader:\n%.3000s", page, code, body)
		}
	}
	if _, body := b.get(t, "/ui/platform"); !strings.Contains(body, first.Commit.Short()) {
		t.Errorf("follower's platform page lacks the leader's commit %s", first.Commit.Short())
	}
	if _, body := a.get(t, "/ui/"); strings.Contains(body, `id="follower"`) {
		t.Error("the leader's page says it is a follower")
	}

	// The leader's next cycle reaches the follower's page.
	next := f.commit(t, "bonjour", "say bonjour")
	if code, _ := a.post(t, "/reconcile", "", map[string]string{"Authorization": "Bearer follower-token"}); code != http.StatusAccepted {
		t.Fatalf("leader POST /reconcile = %d", code)
	}
	if rep := a.next(t, time.Minute); rep.Result != reconcile.CycleApplied || rep.Commit.Commit != next {
		t.Fatalf("leader cycle = %s at %s (%v)", rep.Result, rep.Commit, rep.Err)
	}
	if s := snapshot(next); s.Platform.LastAttempt.Subject != "say bonjour" {
		t.Errorf("follower's last attempt = %+v", s.Platform.LastAttempt)
	}
}
