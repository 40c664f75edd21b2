// Package reconcile converges a cluster to a compiled platform through the
// Helm SDK (apply) and reports how far it is (status).
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/reconcile/plan"
)

// Config holds what apply and status share.
type Config struct {
	// RESTConfig reaches the cluster.
	RESTConfig *rest.Config
	// Logger receives debug logs (Helm's included); nil discards them.
	Logger *slog.Logger
	// Progress, if set, is called as each release starts and finishes. It
	// is called from several goroutines, one call at a time.
	Progress func(Event)
}

func (c *Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// Apply makes the cluster match a compiled platform. Its fields are the
// options; NewApply sets the defaults.
type Apply struct {
	// Prune uninstalls owned releases the platform no longer has.
	Prune bool
	// DryRun plans and reports without changing anything.
	DryRun bool
	// Concurrency bounds releases operated on at once.
	Concurrency int
	// Wait waits for each release to be ready before it counts as done.
	Wait bool
	// Timeout bounds one release's operation including its wait.
	Timeout time.Duration
	// Retries is how many times a failed operation is retried when the
	// failure looks transient (API errors, conflicts, unknown kinds).
	Retries int
	// Backoff is the first retry delay; it doubles each retry.
	Backoff time.Duration
	// RollbackOnFailure rolls a failed upgrade back to the last good
	// revision.
	RollbackOnFailure bool
	// UninstallOnFailure uninstalls a failed first install.
	UninstallOnFailure bool
	// MaxHistory caps stored revisions per release.
	MaxHistory int
	// LeaseDuration is how long a per-release Lease stays valid without
	// renewal; a release left pending by a dead run is recovered once it
	// expired.
	LeaseDuration time.Duration
	// Identity names this run in Leases (default: host/pid).
	Identity string
	// Drift names up-to-date releases (namespace/name) whose live objects
	// changed out of band, with a reason; they are upgraded to the same
	// inputs (plan.Correct), which makes Helm restore the objects.
	Drift map[string]string
	// Namespaces, when set, restricts apply to releases stored in these
	// namespaces: only they are listed (namespaced RBAC is enough) and a
	// platform with a release elsewhere is refused before any change.
	Namespaces []string
	// Origin, when set, is added to each Helm revision's description
	// (shown by `helm history`), e.g. the git commit and its signer.
	Origin string

	cfg *Config
}

// NewApply returns an Apply with pono's defaults.
func NewApply(cfg *Config) *Apply {
	return &Apply{
		Prune: true, Concurrency: 8, Wait: true, Timeout: 5 * time.Minute, Retries: 2,
		Backoff: time.Second, RollbackOnFailure: true, UninstallOnFailure: true,
		MaxHistory: 5, LeaseDuration: 30 * time.Second, cfg: cfg,
	}
}

// Outcome is how a release ended up.
type Outcome string

const (
	// Changed: the action succeeded.
	Changed Outcome = "ok"
	// Unchanged: nothing to do.
	Unchanged Outcome = "unchanged"
	// Kept: not in the platform, left in place (prune off).
	Kept Outcome = "kept"
	// Planned: dry run.
	Planned Outcome = "planned"
	// Failed: the action failed.
	Failed Outcome = "failed"
	// Blocked: not attempted because a release it needs failed.
	Blocked Outcome = "blocked"
)

// Result is one release's outcome.
type Result struct {
	Name      string        `json:"name"`
	Namespace string        `json:"namespace"`
	Action    plan.Action   `json:"action"`
	Reason    string        `json:"reason,omitempty"`
	Outcome   Outcome       `json:"outcome"`
	Detail    string        `json:"detail,omitempty"`
	Error     string        `json:"error,omitempty"`
	Attempts  int           `json:"attempts,omitempty"`
	Duration  time.Duration `json:"duration"`
	Wave      int           `json:"wave"`
}

// Report is the outcome of an apply.
type Report struct {
	Platform string        `json:"platform"`
	DryRun   bool          `json:"dryRun,omitempty"`
	Plan     *plan.Plan    `json:"-"`
	Results  []Result      `json:"results"`
	Duration time.Duration `json:"duration"`
}

// Failed returns the failed and blocked releases.
func (r *Report) Failed() []Result {
	var out []Result
	for _, x := range r.Results {
		if x.Outcome == Failed || x.Outcome == Blocked {
			out = append(out, x)
		}
	}
	return out
}

// Counts counts results by outcome.
func (r *Report) Counts() map[Outcome]int {
	m := map[Outcome]int{}
	for _, x := range r.Results {
		m[x.Outcome]++
	}
	return m
}

// FailedError is returned by Run when releases failed; the report is
// returned too.
type FailedError struct{ Releases []Result }

func (e *FailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d release(s) failed:", len(e.Releases))
	for _, r := range e.Releases {
		fmt.Fprintf(&b, "\n  %s (%s): %s", r.Name, r.Action, r.Error)
	}
	return b.String()
}

// EventType tells a start from an end.
type EventType string

const (
	EventStart  EventType = "start"
	EventFinish EventType = "finish"
)

// Event reports progress.
type Event struct {
	Type EventType
	Step *plan.Step
	// Result is set on EventFinish.
	Result *Result
	// Done, Running and Total count releases that act (skips excluded).
	Done, Running, Total int
}

// Run applies res. Nothing at all is changed when res is nil (the caller
// got a compile error) or when planning fails.
func (a *Apply) Run(ctx context.Context, res *compiler.Result) (*Report, error) {
	if res == nil {
		return nil, errors.New("apply: no compiled platform")
	}
	began := time.Now()
	log := a.cfg.logger()
	client, err := helmsdk.NewClient(a.cfg.RESTConfig, helmsdk.ClientOptions{Logger: log, MaxHistory: a.MaxHistory})
	if err != nil {
		return nil, err
	}
	p, observed, err := a.plan(ctx, client, res)
	if err != nil {
		return nil, err
	}
	log.Debug("planned", "platform", res.Platform.Name, "steps", len(p.Steps), "observed", len(observed))
	rep := &Report{Platform: res.Platform.Name, DryRun: a.DryRun, Plan: p}
	if a.DryRun {
		for _, s := range p.Steps {
			o := Planned
			switch s.Action {
			case plan.Skip:
				o = Unchanged
			case plan.Keep:
				o = Kept
			case plan.Conflict:
				o = Failed
			}
			r := Result{Name: s.Name, Namespace: s.Namespace, Action: s.Action, Reason: s.Reason, Outcome: o, Wave: s.Wave}
			if s.Action == plan.Conflict {
				r.Error = s.Reason
			}
			rep.Results = append(rep.Results, r)
		}
		rep.Duration = time.Since(began)
		return rep, failures(rep)
	}
	if err := a.ensureNamespaces(ctx, client, res, p); err != nil {
		return nil, err
	}
	ex := &executor{a: a, client: client, res: res, redact: newRedactor(res), log: log,
		lease: &leaser{cs: client.Kubernetes(), identity: a.identity(), duration: a.LeaseDuration, poll: 500 * time.Millisecond}}
	rep.Results = ex.run(ctx, p)
	rep.Duration = time.Since(began)
	return rep, failures(rep)
}

func failures(rep *Report) error {
	if f := rep.Failed(); len(f) > 0 {
		return &FailedError{Releases: f}
	}
	return nil
}

func (a *Apply) identity() string {
	if a.Identity != "" {
		return a.Identity
	}
	return defaultIdentity()
}

// plan observes the cluster (metadata only) and computes the plan.
func (a *Apply) plan(ctx context.Context, client *helmsdk.Client, res *compiler.Result) (*plan.Plan, []plan.Observed, error) {
	desired, err := plan.DesiredFrom(res)
	if err != nil {
		return nil, nil, err
	}
	infos, err := a.listReleases(ctx, client, desired)
	if err != nil {
		return nil, nil, err
	}
	wanted := map[string]bool{}
	for _, d := range desired {
		wanted[d.Namespace+"/"+d.Name] = true
	}
	observed := make([]plan.Observed, 0, len(infos))
	for _, in := range infos {
		o := observedFrom(in)
		if !wanted[o.Namespace+"/"+o.Name] && plan.Owned(o.Labels, res.Platform.Name) && a.Prune && o.Status != plan.StatusUninstalled {
			// A prune candidate: read its manifest to order deletions.
			if d, err := client.GetRelease(ctx, o.Namespace, o.Name); err == nil {
				if rs, err := plan.Inspect([]byte(d.Manifest)); err == nil {
					o.Resources = rs
				}
			}
		}
		observed = append(observed, o)
	}
	p := plan.Compute(plan.Input{Platform: res.Platform.Name, Desired: desired, Observed: observed, Prune: a.Prune})
	for i := range p.Steps {
		s := &p.Steps[i]
		if why, ok := a.Drift[s.Key()]; ok && s.Action == plan.Skip {
			s.Action, s.Reason = plan.Correct, why
		}
	}
	return p, observed, nil
}

// description is what a revision records about who made it and why.
func (a *Apply) description(action plan.Action) string {
	d := "pono apply: " + string(action)
	if a.Origin != "" {
		d += " (" + a.Origin + ")"
	}
	return d
}

// listReleases lists releases everywhere, or only in a.Namespaces.
func (a *Apply) listReleases(ctx context.Context, client *helmsdk.Client, desired []plan.Desired) ([]helmsdk.ReleaseInfo, error) {
	if len(a.Namespaces) == 0 {
		return client.ListReleases(ctx, "")
	}
	allowed := map[string]bool{}
	for _, ns := range a.Namespaces {
		allowed[ns] = true
	}
	for _, d := range desired {
		if !allowed[d.Namespace] {
			return nil, fmt.Errorf("release %s is stored in namespace %s, outside the restricted namespaces %s", d.Name, d.Namespace, strings.Join(a.Namespaces, ", "))
		}
	}
	var out []helmsdk.ReleaseInfo
	for _, ns := range a.Namespaces {
		infos, err := client.ListReleasesIn(ctx, ns, "")
		if err != nil {
			return nil, err
		}
		out = append(out, infos...)
	}
	return out, nil
}

func observedFrom(in helmsdk.ReleaseInfo) plan.Observed {
	return plan.Observed{
		Name: in.Name, Namespace: in.Namespace, Labels: in.Labels,
		Digest: in.Labels[plan.LabelDigest], ChartVersion: in.Labels[plan.LabelChartVersion],
		Status: in.Status, Revision: in.Revision, LastGood: in.LastGood,
	}
}

// ensureNamespaces creates the platform's namespaces and the namespaces
// releases are stored or placed in, unless a release creates them itself.
// It reads before it writes, and does nothing when no release changes.
func (a *Apply) ensureNamespaces(ctx context.Context, client *helmsdk.Client, res *compiler.Result, p *plan.Plan) error {
	changes := false
	created := map[string]bool{}
	need := map[string]bool{}
	for _, s := range p.Steps {
		if s.Desired == nil {
			continue
		}
		if s.Changes() {
			changes = true
		}
		for _, n := range s.Desired.Resources.Namespaces {
			created[n] = true
		}
	}
	if !changes {
		return nil
	}
	ns := res.Platform.Namespaces
	for _, n := range []string{ns.Admin, ns.Services, ns.Extensions, ns.Helm, ns.Releases} {
		if n != "" {
			need[n] = true
		}
	}
	for _, s := range p.Steps {
		if s.Desired == nil || !s.Changes() {
			continue
		}
		need[s.Namespace] = true
		for _, n := range s.Desired.Resources.InNamespaces {
			need[n] = true
		}
	}
	names := make([]string, 0, len(need))
	for n := range need {
		if !created[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	nsc := client.Kubernetes().CoreV1().Namespaces()
	for _, n := range names {
		_, err := nsc.Get(ctx, n, metav1.GetOptions{})
		if err == nil {
			continue
		}
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("namespace %s: %w", n, err)
		}
		_, err = nsc.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n, Labels: map[string]string{
			plan.LabelManagedBy: plan.ManagedByValue, plan.LabelPlatform: res.Platform.Name,
		}}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", n, err)
		}
	}
	return nil
}

// redactor hides the values of sensitive parameters in messages.
type redactor struct{ secrets []string }

func newRedactor(res *compiler.Result) *redactor {
	r := &redactor{}
	for _, rel := range res.Releases {
		for _, path := range rel.Sensitive {
			var cur any = rel.Values
			for _, k := range strings.Split(path, ".") {
				m, ok := cur.(map[string]any)
				if !ok {
					cur = nil
					break
				}
				cur = m[k]
			}
			collectStrings(cur, &r.secrets)
		}
	}
	// Longest first, so a secret containing another is hidden whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

func collectStrings(v any, out *[]string) {
	switch x := v.(type) {
	case nil:
	case string:
		if len(x) >= 3 {
			*out = append(*out, x)
		}
	case []any:
		for _, e := range x {
			collectStrings(e, out)
		}
	case map[string]any:
		for _, e := range x {
			collectStrings(e, out)
		}
	default:
		if s := fmt.Sprint(x); len(s) >= 3 {
			*out = append(*out, s)
		}
	}
}

func (r *redactor) String(s string) string {
	for _, x := range r.secrets {
		s = strings.ReplaceAll(s, x, "***")
	}
	return s
}

// executor runs a plan.
type executor struct {
	a      *Apply
	client *helmsdk.Client
	res    *compiler.Result
	lease  *leaser
	redact *redactor
	log    *slog.Logger

	mu               sync.Mutex
	done, running, n int
}

func (e *executor) emit(ev Event) {
	if e.a.cfg.Progress == nil {
		return
	}
	ev.Done, ev.Running, ev.Total = e.done, e.running, e.n
	e.a.cfg.Progress(ev)
}

// run executes the apply steps as a DAG (a step starts as soon as what it
// waits for succeeded; a failure blocks only its dependents), then the
// deletions in reverse dependency order, with bounded concurrency.
func (e *executor) run(ctx context.Context, p *plan.Plan) []Result {
	results := make([]Result, len(p.Steps))
	var moved, applies, deletes []int
	for i, s := range p.Steps {
		if s.Changes() {
			e.n++
		}
		switch {
		case s.Desired != nil:
			applies = append(applies, i)
		case s.Moved:
			moved = append(moved, i)
		default:
			deletes = append(deletes, i)
		}
	}
	e.runSet(ctx, p, moved, results)
	e.runSet(ctx, p, applies, results)
	e.runSet(ctx, p, deletes, results)
	return results
}

func (e *executor) runSet(ctx context.Context, p *plan.Plan, idx []int, results []Result) {
	byName := map[string][]int{}
	for _, i := range idx {
		byName[p.Steps[i].Name] = append(byName[p.Steps[i].Name], i)
	}
	finished := map[int]bool{}
	started := map[int]bool{}
	sem := make(chan struct{}, max(e.a.Concurrency, 1))
	doneCh := make(chan int)
	inflight := 0
	for len(finished) < len(idx) {
		progressed := false
		for _, i := range idx {
			if started[i] {
				continue
			}
			s := &p.Steps[i]
			ready, blockedBy := true, ""
			for _, dep := range s.After {
				for _, j := range byName[dep] {
					if !finished[j] {
						ready = false
					} else if o := results[j].Outcome; o == Failed || o == Blocked {
						blockedBy = dep
					}
				}
			}
			if !ready {
				continue
			}
			started[i] = true
			progressed = true
			if blockedBy != "" {
				results[i] = Result{Name: s.Name, Namespace: s.Namespace, Action: s.Action, Reason: s.Reason, Wave: s.Wave, Outcome: Blocked,
					Error: fmt.Sprintf("not attempted: it needs %s, which failed", blockedBy)}
				finished[i] = true
				if s.Changes() {
					e.mu.Lock()
					e.done++
					e.emit(Event{Type: EventFinish, Step: s, Result: &results[i]})
					e.mu.Unlock()
				}
				continue
			}
			if !s.Changes() {
				results[i] = e.noop(s)
				finished[i] = true
				continue
			}
			inflight++
			go func(i int) {
				sem <- struct{}{}
				defer func() { <-sem }()
				results[i] = e.step(ctx, &p.Steps[i])
				doneCh <- i
			}(i)
		}
		if progressed {
			continue
		}
		if inflight == 0 {
			// Only unsatisfiable waits remain (a need outside this set).
			for _, i := range idx {
				if !started[i] {
					s := &p.Steps[i]
					results[i] = Result{Name: s.Name, Namespace: s.Namespace, Action: s.Action, Wave: s.Wave, Outcome: Blocked, Error: "not attempted: unresolved dependencies"}
					finished[i] = true
					started[i] = true
				}
			}
			break
		}
		i := <-doneCh
		inflight--
		finished[i] = true
	}
}

func (e *executor) noop(s *plan.Step) Result {
	r := Result{Name: s.Name, Namespace: s.Namespace, Action: s.Action, Reason: s.Reason, Wave: s.Wave}
	switch s.Action {
	case plan.Skip:
		r.Outcome = Unchanged
	case plan.Keep:
		r.Outcome = Kept
	case plan.Conflict:
		r.Outcome, r.Error = Failed, s.Reason+"; pono never changes it (rename the extension or remove that release)"
	}
	return r
}

// step runs one acting step: lease, recovery, operation with retries and
// remediation.
func (e *executor) step(ctx context.Context, s *plan.Step) Result {
	began := time.Now()
	e.mu.Lock()
	e.running++
	e.emit(Event{Type: EventStart, Step: s})
	e.mu.Unlock()
	r := Result{Name: s.Name, Namespace: s.Namespace, Action: s.Action, Reason: s.Reason, Wave: s.Wave}
	detail, attempts, err := e.operate(ctx, s)
	r.Attempts = attempts
	r.Detail = e.redact.String(detail)
	if err != nil {
		r.Outcome, r.Error = Failed, e.redact.String(err.Error())
	} else {
		r.Outcome = Changed
	}
	r.Duration = time.Since(began)
	e.mu.Lock()
	e.running--
	e.done++
	e.emit(Event{Type: EventFinish, Step: s, Result: &r})
	e.mu.Unlock()
	return r
}

func (e *executor) operate(ctx context.Context, s *plan.Step) (string, int, error) {
	a := e.a
	held, release, err := e.lease.acquire(ctx, s.Namespace, s.Name, a.Timeout)
	if err != nil {
		return "", 0, err
	}
	defer release()
	var notes []string
	if held.Waited > time.Second {
		notes = append(notes, fmt.Sprintf("waited %s for the release's lease", held.Waited.Round(time.Second)))
	}

	if s.Op() == plan.OpUninstall {
		err := e.client.Uninstall(ctx, s.Namespace, s.Name, a.Timeout, false)
		return strings.Join(notes, "; "), 1, err
	}

	if s.Action == plan.Recover {
		o := s.Observed
		why := fmt.Sprintf("pono: recovered from %s left by %s", o.Status, shortHolder(held.Previous))
		if o.Status == plan.StatusUninstalling {
			if err := e.client.Uninstall(ctx, s.Namespace, s.Name, a.Timeout, true); err != nil {
				return "", 0, fmt.Errorf("recover from %s: %w", o.Status, err)
			}
			notes = append(notes, fmt.Sprintf("recovered from %s: finished the uninstall without hooks", o.Status))
		} else {
			was, err := e.client.Unlock(ctx, s.Namespace, s.Name, why)
			if err != nil {
				return "", 0, fmt.Errorf("recover from %s: %w", o.Status, err)
			}
			what := "no live operation held it"
			if held.Previous != "" {
				what = fmt.Sprintf("the lease of %s had expired", held.Previous)
			}
			notes = append(notes, fmt.Sprintf("recovered revision %d from %s (%s)", o.Revision, was, what))
		}
	}

	op := s.Op()
	if s.Action == plan.Recover && s.Observed.Status == plan.StatusUninstalling {
		op = plan.OpInstall
	}
	if op == plan.OpInstall && s.Observed != nil && s.Observed.Revision > 0 &&
		s.Observed.Status != plan.StatusUninstalled && s.Observed.Status != plan.StatusUninstalling {
		// A first install that never succeeded: remove what it left (failed
		// Jobs, half-created objects) and install afresh, as Kaapana does.
		if err := e.client.Uninstall(ctx, s.Namespace, s.Name, a.Timeout, false); err != nil {
			return strings.Join(notes, "; "), 0, fmt.Errorf("remove the failed install before installing again: %w", err)
		}
		notes = append(notes, fmt.Sprintf("removed failed revision %d", s.Observed.Revision))
	}
	rel, _ := e.res.Release(s.Name)
	var oldLabels map[string]string
	if s.Observed != nil {
		oldLabels = s.Observed.Labels
	}
	req := helmsdk.ReleaseRequest{
		Name: s.Name, Namespace: s.Namespace, Chart: e.res.Chart(s.Name), Values: rel.Values,
		Labels: plan.ReleaseLabels(rel.Labels, *s.Desired, oldLabels),
		Wait:   a.Wait, Timeout: a.Timeout, Description: a.description(s.Action),
	}
	// The revision to roll back to if an upgrade fails.
	good := 0
	if s.Observed != nil {
		good = s.Observed.LastGood
		if s.Observed.Status == plan.StatusDeployed {
			good = s.Observed.Revision
		}
	}
	backoff := a.Backoff
	for attempt := 1; ; attempt++ {
		var rev *helmsdk.Revision
		var err error
		if op == plan.OpInstall {
			req.Labels = plan.ReleaseLabels(rel.Labels, *s.Desired, nil)
			rev, err = e.client.Install(ctx, req)
		} else {
			rev, err = e.client.Upgrade(ctx, req)
		}
		if err == nil {
			notes = append(notes, fmt.Sprintf("revision %d", rev.Revision))
			if attempt > 1 {
				notes = append(notes, fmt.Sprintf("succeeded on attempt %d", attempt))
			}
			if len(s.Desired.Resources.CRDs) > 0 {
				e.client.RefreshDiscovery()
			}
			return strings.Join(notes, "; "), attempt, nil
		}
		if ctx.Err() != nil {
			return strings.Join(notes, "; "), attempt, err
		}
		e.log.Debug("release operation failed", "release", s.Name, "attempt", attempt, "err", e.redact.String(err.Error()))
		// Remediate, then decide whether another attempt can help.
		created := rev != nil && rev.Revision > 0
		switch {
		case op == plan.OpInstall && created && a.UninstallOnFailure:
			if uerr := e.client.Uninstall(ctx, s.Namespace, s.Name, a.Timeout, false); uerr != nil {
				notes = append(notes, "uninstall after the failed install also failed: "+uerr.Error())
			} else {
				notes = append(notes, "uninstalled after the failed install")
			}
		case op == plan.OpUpgrade && created && a.RollbackOnFailure && good > 0:
			if rerr := e.client.Rollback(ctx, s.Namespace, s.Name, good, a.Wait, a.Timeout); rerr != nil {
				notes = append(notes, fmt.Sprintf("rollback to revision %d also failed: %v", good, rerr))
			} else {
				notes = append(notes, fmt.Sprintf("rolled back to revision %d", good))
			}
		}
		if attempt > a.Retries || !retryable(err) {
			if len(notes) > 0 {
				err = fmt.Errorf("%w (%s)", err, strings.Join(notes, "; "))
			}
			return strings.Join(notes, "; "), attempt, err
		}
		if strings.Contains(err.Error(), "no matches for kind") {
			// A kind defined by a CRD installed since discovery was read.
			e.client.RefreshDiscovery()
		}
		if op == plan.OpInstall && created && !a.UninstallOnFailure {
			op = plan.OpUpgrade
		}
		select {
		case <-ctx.Done():
			return strings.Join(notes, "; "), attempt, ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// retryable reports failures another attempt may fix: transient API
// errors, conflicts, kinds not known yet (a CRD just installed), another
// operation in progress. Invalid objects and unready workloads are final.
func retryable(err error) bool {
	if errors.Is(err, helmsdk.ErrNotReady) {
		return false
	}
	if apierrors.IsConflict(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
		apierrors.IsTooManyRequests(err) || apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"the object has been modified", "connection refused", "connection reset", "i/o timeout",
		"TLS handshake timeout", "etcdserver", "no matches for kind", "ensure CRDs are installed first",
		"another operation (install/upgrade/rollback) is in progress", "please retry", "try again later",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
