package reconcile_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/internal/schedule"
)

// running is a Reconciler.Run in the background.
type running struct {
	addr   string
	cycles chan *reconcile.CycleReport
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

func start(t *testing.T, r *reconcile.Reconciler, ro reconcile.RunOptions) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	run := &running{cycles: make(chan *reconcile.CycleReport, 100), cancel: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	ro.Listen = "127.0.0.1:0"
	ro.Ready = func(addr string) { ready <- addr }
	ro.OnCycle = func(rep *reconcile.CycleReport) { run.cycles <- rep }
	if ro.Schedule == nil {
		ro.Schedule, _ = schedule.Every(time.Hour)
	}
	go func() { run.done <- r.Run(ctx, ro) }()
	select {
	case run.addr = <-ready:
	case err := <-run.done:
		t.Fatalf("Run returned before serving: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not start serving within 10s")
	}
	t.Cleanup(func() { run.stop(t) })
	return run
}

func (r *running) stop(t *testing.T) {
	r.once.Do(func() {
		r.cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("Run did not return within 30s of cancellation")
		}
	})
}

// next waits for the next cycle.
func (r *running) next(t *testing.T, within time.Duration) *reconcile.CycleReport {
	t.Helper()
	select {
	case rep := <-r.cycles:
		return rep
	case <-time.After(within):
		t.Fatalf("no cycle within %s", within)
		return nil
	}
}

func (r *running) post(t *testing.T, path string, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+r.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+r.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEndpointsAndTriggers runs the loop with its HTTP endpoints: probes,
// metrics, POST /reconcile and the webhook with each accepted secret form.
func TestEndpointsAndTriggers(t *testing.T) {
	f := newFixture(t, "gitops-serve", "hello")
	r := f.reconciler(t, f.options(t))
	const secret = "webhook-shared-secret"
	const token = "trigger-token-0123"
	run := start(t, r, reconcile.RunOptions{WebhookSecret: []byte(secret), TriggerToken: []byte(token)})
	if rep := run.next(t, time.Minute); rep.Result != reconcile.CycleApplied {
		t.Fatalf("first cycle = %s (%v), want applied", rep.Result, rep.Err)
	}

	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body := run.get(t, p); code != http.StatusOK {
			t.Errorf("GET %s = %d %s", p, code, body)
		}
	}
	code, metrics := run.get(t, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`pono_reconcile_cycles_total{result="applied"} 1`,
		`pono_reconcile_cycle_duration_seconds_count{result="applied"} 1`,
		`pono_reconcile_last_success_timestamp_seconds `,
		`pono_reconcile_releases{state="ok"} 1`,
		`pono_reconcile_drifted_releases 0`,
		`pono_reconcile_commit_info{commit="`,
		`pono_reconcile_leader 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// POST /reconcile wants the trigger token.
	for name, h := range map[string]map[string]string{
		"none":         nil,
		"wrong bearer": {"Authorization": "Bearer guess"},
		"webhook one":  {"Authorization": "Bearer " + secret},
	} {
		if code, _ := run.post(t, "/reconcile", "", h); code != http.StatusUnauthorized {
			t.Errorf("POST /reconcile with %s = %d, want 401", name, code)
		}
	}
	// An on-demand cycle picks up a new commit without waiting an hour.
	f.commit(t, "bonjour", "say bonjour")
	if code, body := run.post(t, "/reconcile", "", map[string]string{"Authorization": "Bearer " + token}); code != http.StatusAccepted {
		t.Fatalf("POST /reconcile = %d %s", code, body)
	}
	if rep := run.next(t, time.Minute); rep.Trigger != "api" || rep.Result != reconcile.CycleApplied {
		t.Fatalf("triggered cycle = %s %s (%v), want api applied", rep.Trigger, rep.Result, rep.Err)
	}
	if got := f.greeting(t); got != "bonjour" {
		t.Errorf("greeting = %q, want bonjour", got)
	}

	// The webhook refuses a wrong or missing secret...
	for name, h := range map[string]map[string]string{
		"none":          nil,
		"wrong token":   {"X-Gitlab-Token": "guess"},
		"wrong bearer":  {"Authorization": "Bearer guess"},
		"wrong hmac":    {"X-Hub-Signature-256": "sha256=" + strings.Repeat("0", 64)},
		"malformed sig": {"X-Hub-Signature-256": "sha256=zz"},
	} {
		if code, _ := run.post(t, "/webhook", `{"ref":"refs/heads/main"}`, h); code != http.StatusUnauthorized {
			t.Errorf("webhook with %s = %d, want 401", name, code)
		}
	}
	// ...and accepts GitHub's signature, GitLab's token and a bearer token.
	body := `{"ref":"refs/heads/main"}`
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	for name, h := range map[string]map[string]string{
		"github": {"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))},
		"gitlab": {"X-Gitlab-Token": secret},
		"bearer": {"Authorization": "Bearer " + secret},
	} {
		if code, resp := run.post(t, "/webhook", body, h); code != http.StatusAccepted {
			t.Errorf("webhook with %s = %d %s, want 202", name, code, resp)
			continue
		}
		if rep := run.next(t, time.Minute); rep.Trigger != "webhook" || rep.Result != reconcile.CycleUnchanged {
			t.Errorf("webhook (%s) cycle = %s %s (%v), want webhook unchanged", name, rep.Trigger, rep.Result, rep.Err)
		}
	}
}

// TestWindowsHoldChanges: outside every allow window a change (even one
// asked for on demand) is planned and reported, not applied.
func TestWindowsHoldChanges(t *testing.T) {
	ctx := t.Context()
	f := newFixture(t, "gitops-window", "hello")
	opts := f.options(t)
	shut, err := schedule.ParseWindows([]string{"0 0 1 1 * +1m"}) // one minute a year
	if err != nil {
		t.Fatal(err)
	}
	opts.Windows = shut
	r := f.reconciler(t, opts)
	rep := cycle(t, ctx, r, reconcile.CyclePlanned)
	if rep.WindowOpen || rep.NextWindow.IsZero() {
		t.Errorf("window open=%v next=%v, want closed with a next opening", rep.WindowOpen, rep.NextWindow)
	}
	if len(rep.Releases) != 1 || rep.Releases[0].Action != "install" || rep.Releases[0].Outcome != "planned" {
		t.Errorf("releases = %+v, want the install planned", rep.Releases)
	}
	if _, err := f.c.Client().CoreV1().ConfigMaps(f.platform).Get(ctx, "web", metav1.GetOptions{}); err == nil {
		t.Fatal("applied outside the window")
	}
	st, err := reconcile.ReadStatus(ctx, f.c.Client(), f.ponoNS)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(st.LastAttempt.Window, "closed until ") {
		t.Errorf("status window = %q, want closed until ...", st.LastAttempt.Window)
	}

	// The same reconciler with an always-open window applies.
	open, err := schedule.ParseWindows([]string{"* * * * * +1m"})
	if err != nil {
		t.Fatal(err)
	}
	opts.Windows = open
	cycle(t, ctx, f.reconciler(t, opts), reconcile.CycleApplied)
}

// TestOnlyTheLeaderApplies runs two reconcilers for one platform: one
// leads and runs cycles, the other follows and refuses triggers; when the
// leader stops, the follower takes over.
func TestOnlyTheLeaderApplies(t *testing.T) {
	f := newFixture(t, "gitops-leader", "hello")
	ro := reconcile.RunOptions{LeaderElection: true, LeaseDuration: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 500 * time.Millisecond, TriggerToken: []byte("leader-token")}
	auth := map[string]string{"Authorization": "Bearer leader-token"}
	optsA, optsB := f.options(t), f.options(t)
	optsA.Identity, optsB.Identity = "replica-a", "replica-b"
	a := start(t, f.reconciler(t, optsA), ro)
	if rep := a.next(t, time.Minute); rep.Result != reconcile.CycleApplied {
		t.Fatalf("a's first cycle = %s (%v)", rep.Result, rep.Err)
	}
	b := start(t, f.reconciler(t, optsB), ro)
	if code, body := b.post(t, "/reconcile", "", auth); code != http.StatusServiceUnavailable {
		t.Errorf("follower POST /reconcile = %d %s, want 503", code, body)
	}
	_, mb := b.get(t, "/metrics")
	if !strings.Contains(mb, "pono_reconcile_leader 0") || strings.Contains(mb, "pono_reconcile_cycles_total{") {
		t.Errorf("follower metrics: want leader 0 and no cycles")
	}
	// A change is applied by the leader alone.
	f.commit(t, "bonjour", "say bonjour")
	if code, _ := a.post(t, "/reconcile", "", auth); code != http.StatusAccepted {
		t.Fatalf("leader POST /reconcile = %d", code)
	}
	if rep := a.next(t, time.Minute); rep.Result != reconcile.CycleApplied {
		t.Fatalf("leader cycle = %s (%v)", rep.Result, rep.Err)
	}
	select {
	case rep := <-b.cycles:
		t.Fatalf("the follower ran a cycle: %+v", rep)
	default:
	}
	lease, err := f.c.Client().CoordinationV1().Leases(f.ponoNS).Get(t.Context(), reconcile.LeaderLease, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity != "replica-a" {
		t.Errorf("lease holder = %v, want replica-a", lease.Spec.HolderIdentity)
	}

	// The leader shuts down and releases the lease; the follower leads.
	a.stop(t)
	if rep := b.next(t, time.Minute); rep.Err != nil {
		t.Fatalf("b's first cycle as leader = %s (%v)", rep.Result, rep.Err)
	}
	st, err := reconcile.ReadStatus(t.Context(), f.c.Client(), f.ponoNS)
	if err != nil {
		t.Fatal(err)
	}
	if st.Reconciler != "replica-b" {
		t.Errorf("status reconciler = %q", st.Reconciler)
	}
}
