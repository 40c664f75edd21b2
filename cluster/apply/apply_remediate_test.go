package apply

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

var (
	errConflict = apierrors.NewConflict(schema.GroupResource{Resource: "configmaps"}, "a", errors.New("the object has been modified"))
	errInvalid  = apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "a", nil)
	errNoKind   = &meta.NoKindMatchError{GroupKind: schema.GroupKind{Group: "e2e.pono.dev", Kind: "Widget"}, SearchedVersions: []string{"v1"}}
	errNotReady = fmt.Errorf("%w: Job ns/a failed", helmsdk.ErrNotReady)
)

// failing fails the first n attempts of call with err; created says
// whether each failed attempt left a revision.
func failing(call string, n int, created bool, err error) func(string, string, int) (bool, error) {
	return func(c, _ string, attempt int) (bool, error) {
		if c == call && attempt <= n {
			return created, err
		}
		return false, nil
	}
}

func TestRemediation(t *testing.T) {
	tests := []struct {
		name    string
		seed    func(f *fakeReleaser)
		fail    func(string, string, int) (bool, error)
		options func(a *Apply)
		prune   bool // the platform no longer has "a"

		action   plan.Action
		outcome  plan.Outcome
		attempts int
		calls    []string
		detail   string // contained in Detail
		err      string // contained in Error
		refresh  bool
	}{
		{
			name: "transient conflict: retried", fail: failing("install", 1, false, errConflict),
			action: plan.Install, outcome: OutcomeChanged, attempts: 2,
			calls: []string{"install ns/a", "install ns/a"}, detail: "revision 1; succeeded on attempt 2",
		},
		{
			name: "unknown kind: discovery refreshed, retried", fail: failing("install", 1, false, fmt.Errorf("unable to build kubernetes objects: %w", errNoKind)),
			action: plan.Install, outcome: OutcomeChanged, attempts: 2, refresh: true,
			calls: []string{"install ns/a", "install ns/a"},
		},
		{
			name: "retries exhausted", fail: failing("install", 9, false, errConflict),
			options: func(a *Apply) { a.Retries = 2 },
			action:  plan.Install, outcome: OutcomeFailed, attempts: 3,
			calls: []string{"install ns/a", "install ns/a", "install ns/a"}, err: "the object has been modified",
		},
		{
			name: "invalid object: final", fail: failing("install", 1, false, errInvalid),
			action: plan.Install, outcome: OutcomeFailed, attempts: 1, calls: []string{"install ns/a"}, err: "is invalid",
		},
		{
			name: "failed first install: uninstalled", fail: failing("install", 1, true, errNotReady),
			action: plan.Install, outcome: OutcomeFailed, attempts: 1,
			calls: []string{"install ns/a", "uninstall ns/a"}, err: "not ready: Job ns/a failed (uninstalled after the failed install)",
		},
		{
			name: "failed first install kept: the retry upgrades it", fail: failing("install", 1, true, errConflict),
			options: func(a *Apply) { a.UninstallOnFailure = false },
			action:  plan.Install, outcome: OutcomeChanged, attempts: 2,
			calls: []string{"install ns/a", "upgrade ns/a"},
		},
		{
			name:   "failed upgrade: rolled back to the last good revision",
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned("sha256:old"), plan.StatusDeployed) },
			fail:   failing("upgrade", 1, true, errNotReady),
			action: plan.Reconfigure, outcome: OutcomeFailed, attempts: 1,
			calls: []string{"upgrade ns/a", "rollback ns/a to 1"}, err: "(rolled back to revision 1)",
		},
		{
			name: "failed upgrade, rollback off: left failed",
			seed: func(f *fakeReleaser) { f.seed("ns", "a", owned("sha256:old"), plan.StatusDeployed) },
			fail: failing("upgrade", 1, true, errNotReady), options: func(a *Apply) { a.RollbackOnFailure = false },
			action: plan.Reconfigure, outcome: OutcomeFailed, attempts: 1, calls: []string{"upgrade ns/a"}, err: "not ready: Job ns/a failed",
		},
		{
			name:   "failed upgrade that left no revision: nothing to roll back",
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned("sha256:old"), plan.StatusDeployed) },
			fail:   failing("upgrade", 1, false, errInvalid),
			action: plan.Reconfigure, outcome: OutcomeFailed, attempts: 1, calls: []string{"upgrade ns/a"}, err: `ConfigMap "a" is invalid`,
		},
		{
			name:   "repair of a failed first install: removed, installed afresh",
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned(testDigest), plan.StatusFailed) },
			action: plan.Repair, outcome: OutcomeChanged, attempts: 1,
			calls: []string{"uninstall ns/a", "install ns/a"}, detail: "removed failed revision 1; revision 1",
		},
		{
			name: "repair of a failed upgrade: upgraded",
			seed: func(f *fakeReleaser) {
				f.seed("ns", "a", owned(testDigest), plan.StatusSuperseded, plan.StatusFailed)
			},
			action: plan.Repair, outcome: OutcomeChanged, attempts: 1, calls: []string{"upgrade ns/a"},
		},
		{
			name: "pending upgrade left by a dead run: unlocked, upgraded",
			seed: func(f *fakeReleaser) {
				f.seed("ns", "a", owned(testDigest), plan.StatusSuperseded, plan.StatusPendingUpgrade)
			},
			action: plan.Recover, outcome: OutcomeChanged, attempts: 1,
			calls:  []string{"unlock ns/a", "upgrade ns/a"},
			detail: "recovered revision 2 from pending-upgrade (no live operation held it); revision 3",
		},
		{
			name:   "pending install: unlocked, removed, installed afresh",
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned(testDigest), plan.StatusPendingInstall) },
			action: plan.Recover, outcome: OutcomeChanged, attempts: 1,
			calls: []string{"unlock ns/a", "uninstall ns/a", "install ns/a"},
		},
		{
			name:   "stuck uninstalling: uninstalled without hooks, installed",
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned(testDigest), plan.StatusUninstalling) },
			action: plan.Recover, outcome: OutcomeChanged, attempts: 1,
			calls:  []string{"uninstall ns/a without hooks", "install ns/a"},
			detail: "recovered from uninstalling: finished the uninstall without hooks",
		},
		{
			name: "prune", prune: true,
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned(testDigest), plan.StatusDeployed) },
			action: plan.Uninstall, outcome: OutcomeChanged, attempts: 1, calls: []string{"uninstall ns/a"},
		},
		{
			name: "prune off: kept", prune: true, options: func(a *Apply) { a.Prune = false },
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", owned(testDigest), plan.StatusDeployed) },
			action: plan.Keep, outcome: OutcomeKept,
		},
		{
			name:   "someone else's release: never touched",
			seed:   func(f *fakeReleaser) { f.seed("ns", "a", map[string]string{"team": "x"}, plan.StatusDeployed) },
			action: plan.Conflict, outcome: OutcomeFailed, err: "is not managed by pono; pono never changes it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeReleaser()
			if tt.seed != nil {
				tt.seed(f)
			}
			f.fail = tt.fail
			a, _ := testApply(f)
			if tt.options != nil {
				tt.options(a)
			}
			res := testPlatform(rel{name: "a"})
			if tt.prune {
				res = testPlatform(rel{name: "other"})
			}
			rep := run(t, a, res)
			r := resultNamed(t, rep, "a")
			if r.Action != tt.action || r.Outcome != tt.outcome || r.Attempts != tt.attempts {
				t.Errorf("result = %s/%s after %d attempts (%s), want %s/%s after %d", r.Action, r.Outcome, r.Attempts, r.Error, tt.action, tt.outcome, tt.attempts)
			}
			var calls []string
			for _, c := range f.Calls() {
				if strings.HasSuffix(c, "ns/a") || strings.Contains(c, "ns/a ") {
					calls = append(calls, c)
				}
			}
			if strings.Join(calls, "\n") != strings.Join(tt.calls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(tt.calls, "\n"))
			}
			if !strings.Contains(r.Detail, tt.detail) {
				t.Errorf("detail %q, want it to contain %q", r.Detail, tt.detail)
			}
			if !strings.Contains(r.Error, tt.err) || (tt.err == "") != (r.Error == "") {
				t.Errorf("error %q, want %q", r.Error, tt.err)
			}
			if (f.refreshes > 0) != tt.refresh {
				t.Errorf("discovery refreshed %d times, want refresh %v", f.refreshes, tt.refresh)
			}
		})
	}
}

func TestRecoveryNamesTheExpiredLeaseHolder(t *testing.T) {
	f := newFakeReleaser()
	f.seed("ns", "a", owned(testDigest), plan.StatusSuperseded, plan.StatusPendingUpgrade)
	a, cs := testApply(f)
	putLease(t, cs, "a", "pono@dead/1", time.Now().Add(-time.Hour), 30)
	r := resultNamed(t, run(t, a, testPlatform(rel{name: "a"})), "a")
	if r.Outcome != OutcomeChanged || !strings.Contains(r.Detail, "recovered revision 2 from pending-upgrade (the lease of pono@dead/1 had expired)") {
		t.Errorf("result %s, detail %q", r.Outcome, r.Detail)
	}
	if _, err := cs.CoordinationV1().Leases("ns").Get(context.Background(), leaseName("a"), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("lease after the run: %v, want it deleted", err)
	}
}

func TestLiveLeaseHolderIsWaitedForThenReported(t *testing.T) {
	f := newFakeReleaser()
	a, cs := testApply(f)
	a.Timeout = 50 * time.Millisecond
	putLease(t, cs, "a", "pono@alive/2", time.Now(), 300)
	r := resultNamed(t, run(t, a, testPlatform(rel{name: "a"})), "a")
	if r.Outcome != OutcomeFailed || !strings.Contains(r.Error, "release ns/a is being changed by pono@alive/2") {
		t.Errorf("result %s, error %q", r.Outcome, r.Error)
	}
	if len(f.Calls()) != 0 {
		t.Errorf("calls %v, want none", f.Calls())
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	f := newFakeReleaser()
	f.seed("ns", "gone", owned(testDigest), plan.StatusDeployed)
	f.seed("ns", "theirs", nil, plan.StatusDeployed)
	a, cs := testApply(f)
	a.DryRun = true
	rep, err := a.Run(context.Background(), testPlatform(rel{name: "a"}, rel{name: "theirs"}))
	if err == nil {
		t.Error("dry run with a conflict: no error")
	}
	got := map[string]string{}
	for _, r := range rep.Results {
		got[r.Name] = string(r.Action) + "/" + string(r.Outcome)
	}
	want := map[string]string{"a": "install/planned", "gone": "uninstall/planned", "theirs": "conflict/failed"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s, want %s", k, got[k], w)
		}
	}
	if len(f.Calls()) != 0 || len(cs.Actions()) != 0 {
		t.Errorf("dry run wrote: releases %v, API %v", f.Calls(), cs.Actions())
	}
}

// putLease stores the lease of release ns/name as another run left it.
func putLease(t *testing.T, cs kubernetes.Interface, name, holder string, renewed time.Time, secs int32) {
	t.Helper()
	rt := metav1.NewMicroTime(renewed)
	_, err := cs.CoordinationV1().Leases("ns").Create(context.Background(), &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: leaseName(name), Namespace: "ns"},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &secs, RenewTime: &rt},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
}
