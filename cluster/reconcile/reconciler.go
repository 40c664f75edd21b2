// Package reconcile is `pono reconcile`, pono's GitOps loop: it pulls a
// platform repository, compiles the platform at the ref's commit and
// converges the cluster to it
// through the same engine as `pono apply`, on a schedule or on demand, and
// records what it did in a status ConfigMap, Events and metrics.
//
// A Reconciler runs one cycle at a time (Cycle); Run adds the schedule,
// allow windows, on-demand triggers, leader election and graceful shutdown.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/livediff"
	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/cluster/ui"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/internal/schedule"
	"github.com/pono-gitops/pono/plan"
)

// Mode is what a cycle may do; CycleResult is how a cycle ended (both part of
// the status document, cluster/statusdoc, which documents each value).
type (
	Mode        = statusdoc.Mode
	CycleResult = statusdoc.CycleResult
)

const (
	ModeApply      = statusdoc.ModeApply
	ModeObserve    = statusdoc.ModeObserve
	CycleApplied   = statusdoc.CycleApplied
	CycleUnchanged = statusdoc.CycleUnchanged
	CyclePlanned   = statusdoc.CyclePlanned
	CycleInvalid   = statusdoc.CycleInvalid
	CycleRefused   = statusdoc.CycleRefused
	CycleFailed    = statusdoc.CycleFailed
)

// Options are the reconciler's settings.
type Options struct {
	// RepoURL is the platform repository (https://, ssh:// or a path).
	RepoURL string
	// Ref selects the commit: a branch, tag, semver range over tags or a
	// commit (see gitrepo.ParseRef).
	Ref string
	// Path is the platform directory inside the repository.
	Path string
	// Env selects an environment overlay.
	Env string
	// Auth are the git credentials (nil: none).
	Auth *gitrepo.Auth
	// Verifier, when set, requires the commit to be signed by a trusted
	// key; an unsigned or untrusted commit is refused.
	Verifier *gitrepo.Verifier
	// Mode is apply (default) or observe.
	Mode Mode
	// Windows allow changes only inside them; empty means always.
	Windows schedule.Windows
	// Namespace holds the status ConfigMap, Events and the leader Lease.
	Namespace string
	// CacheDir holds the git cache and the chart cache.
	CacheDir string
	// StatusHeartbeat refreshes the status ConfigMap at most this often
	// when nothing changed (0: only on change).
	StatusHeartbeat time.Duration
	// Apply are the apply engine's options (prune, timeouts,
	// concurrency...); nil: apply.DefaultOptions, the defaults of pono
	// apply. DryRun is ignored: mode observe is the loop's dry run.
	Apply *apply.Options
	// Progress receives apply's per-release events (optional).
	Progress func(apply.Event)
	// Identity names this process in Leases and the status.
	Identity string
}

// Reconciler runs cycles. It keeps the compiled platform of the commit it
// saw last and of the last good commit, so a cycle where the ref has not
// moved neither fetches nor compiles.
type Reconciler struct {
	opts Options
	log  *slog.Logger

	ref    gitrepo.Ref
	remote *gitrepo.Remote
	// cluster holds the one Helm client (discovery, REST mapper) every
	// cycle plans, checks drift and applies through.
	cluster *kube.Config
	drift   *livediff.DriftCheck
	cs      kubernetes.Interface
	status  *statusStore
	events  *eventSink
	metric  *metrics
	now     func() time.Time

	triggers chan string
	leader   atomic.Bool
	running  atomic.Bool

	page *ui.Server // the web page, when served

	head *compiled // the commit the ref pointed at last cycle
	good *compiled // the last commit that compiled (and passed policy)
	last ReconcilerStatus
}

// compiled is a commit and what compiling it gave.
type compiled struct {
	commit gitrepo.CommitInfo
	res    *compiler.Result
	err    error // compile or signature error
	result CycleResult
	signer string
}

// New returns a Reconciler. It checks the options but contacts neither git
// nor the cluster.
func New(cfg *kube.Config, opts Options) (*Reconciler, error) {
	if opts.RepoURL == "" {
		return nil, errors.New("reconcile: a repository URL is required")
	}
	if opts.Mode == "" {
		opts.Mode = ModeApply
	}
	if opts.Mode != ModeApply && opts.Mode != ModeObserve {
		return nil, fmt.Errorf("reconcile: mode %q: want apply or observe", opts.Mode)
	}
	if opts.Path == "" {
		opts.Path = "."
	}
	if opts.Namespace == "" {
		opts.Namespace = ownership.SystemNamespace
	}
	if opts.CacheDir == "" {
		opts.CacheDir = compiler.DefaultCacheDir()
	}
	if opts.Identity == "" {
		opts.Identity = apply.DefaultIdentity()
	}
	ref, err := gitrepo.ParseRef(opts.Ref)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	remote, err := gitrepo.NewRemote(gitrepo.RemoteOptions{URL: opts.RepoURL, Auth: opts.Auth, CacheDir: gitCacheDir(opts.CacheDir), Logger: log})
	if err != nil {
		return nil, err
	}
	hc, err := cfg.Client()
	if err != nil {
		return nil, err
	}
	// Its own clientset (and so its own client-side rate limiter): status
	// and Event writes do not queue behind an apply's requests.
	cs, err := kubernetes.NewForConfig(cfg.RESTConfig)
	if err != nil {
		return nil, err
	}
	r := &Reconciler{
		opts: opts, log: log, ref: ref, remote: remote, cluster: cfg, drift: livediff.NewDriftCheckWith(hc), cs: cs,
		status: &statusStore{cs: cs, namespace: opts.Namespace, heartbeat: opts.StatusHeartbeat},
		events: &eventSink{cs: cs, namespace: opts.Namespace, component: "pono-reconcile", host: opts.Identity},
		metric: newMetrics(),
		now:    time.Now,
	}
	r.last = ReconcilerStatus{Repo: gitrepo.RedactURL(opts.RepoURL), Ref: opts.Ref, Path: opts.Path, Env: opts.Env, Mode: opts.Mode, Reconciler: opts.Identity}
	return r, nil
}

// CycleReport is what one cycle did.
type CycleReport struct {
	Trigger  string
	Started  time.Time
	Duration time.Duration
	// Commit is the commit the ref pointed at.
	Commit CommitRef
	// Moved: the ref points at another commit than last cycle.
	Moved bool
	// Target is the commit whose platform the cycle converged to: Commit,
	// or the last good commit when Commit is invalid or refused.
	Target   CommitRef
	Result   CycleResult
	Err      error
	Releases []ReleaseRecord
	Drift    []DriftedRelease
	// WindowOpen is false when the cycle was outside the allow windows.
	WindowOpen bool
	// NextWindow is when the next window opens (zero when open or none).
	NextWindow time.Time
	// StatusWritten reports whether the status ConfigMap was written.
	StatusWritten bool
}

// Cycle runs one reconcile: resolve the ref, fetch and compile when it
// moved, plan, check drift and apply (or only report), then record status.
// Its error is the cycle's failure, also in the report.
func (r *Reconciler) Cycle(ctx context.Context, trigger string) *CycleReport {
	rep := &CycleReport{Trigger: trigger, Started: r.now(), WindowOpen: true}
	rep.Err = r.cycle(ctx, rep)
	rep.Duration = r.now().Sub(rep.Started)
	if rep.Err != nil && rep.Result == "" {
		rep.Result = CycleFailed
	}
	// Record even when ctx was cancelled (shutdown): the status should say
	// how the last cycle ended.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	r.record(rctx, rep)
	return rep
}

func (r *Reconciler) cycle(ctx context.Context, rep *CycleReport) error {
	head, err := r.remote.Resolve(ctx, r.ref)
	if err != nil {
		return err
	}
	rep.Moved = r.head == nil || r.head.commit.Hash != head.Commit
	// A fetch that failed is retried; a commit that is invalid or refused
	// stays so until the ref moves.
	if rep.Moved || r.head.result == CycleFailed {
		r.head = r.load(ctx, head)
		if r.head.err == nil {
			r.good = r.head
		}
	}
	rep.Commit = commitRef(r.head.commit)
	if r.head.err != nil {
		rep.Result = r.head.result
		if r.good == nil {
			r.good = r.recoverGood(ctx)
		}
		if r.good == nil {
			// Nothing known good to hold the cluster to: change nothing.
			return r.head.err
		}
		// Keep the last good commit's platform in place (drift included),
		// and still fail the cycle so the bad commit is reported.
		rep.Target = commitRef(r.good.commit)
		if _, err := r.converge(ctx, rep, r.good); err != nil {
			return errors.Join(r.head.err, err)
		}
		rep.Result = r.head.result
		return r.head.err
	}
	rep.Target = rep.Commit
	res, err := r.converge(ctx, rep, r.head)
	rep.Result = res
	return err
}

// recoverGood loads the commit the status ConfigMap records as last
// applied, so a reconciler that starts on an invalid head still holds the
// cluster to the last good platform (drift included). nil when there is
// none or it does not load.
func (r *Reconciler) recoverGood(ctx context.Context) *compiled {
	st, err := ReadStatus(ctx, r.cs, r.opts.Namespace)
	if err != nil || st.LastApplied == nil || st.LastApplied.Commit == "" || st.Repo != r.last.Repo || st.Path != r.opts.Path || st.Env != r.opts.Env {
		return nil
	}
	c := st.LastApplied.Commit
	good := r.load(ctx, gitrepo.Head{Ref: gitrepo.Ref{Kind: gitrepo.KindCommit, Name: c}, Commit: c})
	if good.err != nil {
		r.log.Warn("the last applied commit does not load either", "commit", short(c), "err", good.err)
		return nil
	}
	r.log.Info("holding the cluster at the last applied commit", "commit", short(c))
	return good
}

// load fetches, verifies and compiles a commit. Failures are kept in the
// returned value: the loop keeps running on the last good commit.
func (r *Reconciler) load(ctx context.Context, head gitrepo.Head) *compiled {
	c := &compiled{commit: gitrepo.CommitInfo{Hash: head.Commit}}
	if err := r.remote.Fetch(ctx, head); err != nil {
		c.err, c.result = err, CycleFailed
		return c
	}
	if info, err := r.remote.CommitInfo(head.Commit); err == nil {
		c.commit = info
	}
	if r.opts.Verifier != nil {
		signer, err := r.remote.Verify(head.Commit, r.opts.Verifier)
		if err != nil {
			c.err, c.result = fmt.Errorf("commit %s refused: %w", short(head.Commit), err), CycleRefused
			return c
		}
		r.log.Info("commit signature verified", "commit", short(head.Commit), "signer", signer)
		c.signer = signer
	}
	res, err := r.compile(ctx, head.Commit)
	if err != nil {
		c.err, c.result = fmt.Errorf("commit %s (%s): %w", short(head.Commit), c.commit.Subject, err), CycleInvalid
		return c
	}
	c.res = res
	return c
}

// converge plans the platform against the cluster, checks drift of the
// releases that are up to date, and, when the mode and the windows allow,
// carries out the plan it reports (planned once, drift corrected on it).
func (r *Reconciler) converge(ctx context.Context, rep *CycleReport, target *compiled) (CycleResult, error) {
	res := target.res
	a := r.newApply()
	a.Origin = "commit " + short(target.commit.Hash)
	if target.signer != "" {
		a.Origin += " signed by " + target.signer
	}
	p, err := a.Plan(ctx, res)
	if err != nil {
		return CycleFailed, err
	}
	var check []livediff.DriftRelease
	for _, s := range p.Steps {
		if s.Action == plan.Skip && s.Observed != nil {
			check = append(check, livediff.DriftRelease{Name: s.Name, Namespace: s.Namespace, Revision: s.Observed.Revision})
		}
	}
	drifted, err := r.drift.Run(ctx, res, check)
	if err != nil {
		return CycleFailed, fmt.Errorf("drift check: %w", err)
	}
	reasons := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(drifted)) {
		var ids []string
		for _, o := range drifted[key] {
			ids = append(ids, o.ID+": "+o.Field)
		}
		rep.Drift = append(rep.Drift, DriftedRelease{Release: key, Objects: ids})
		reasons[key] = "drift: " + strings.Join(ids, "; ")
	}
	p.Correct(reasons)
	changes := false
	for _, s := range p.Steps {
		if s.Changes() || s.Action == plan.Conflict {
			changes = true
		}
	}
	if len(r.opts.Windows) > 0 {
		now := r.now()
		rep.WindowOpen = r.opts.Windows.Open(now)
		if !rep.WindowOpen {
			rep.NextWindow = r.opts.Windows.NextOpen(now)
		}
	}
	if !changes {
		rep.Releases = planResults(p)
		return CycleUnchanged, nil
	}
	if r.opts.Mode == ModeObserve || !rep.WindowOpen {
		rep.Releases = planResults(p)
		return CyclePlanned, nil
	}
	out, err := a.Execute(ctx, res, p)
	if out != nil {
		rep.Releases = applyResults(out)
		for i := range rep.Drift {
			rep.Drift[i].Corrected = corrected(out, rep.Drift[i].Release)
		}
	}
	if err != nil {
		return CycleFailed, err
	}
	return CycleApplied, nil
}

func (r *Reconciler) newApply() *apply.Apply {
	o := apply.DefaultOptions()
	if r.opts.Apply != nil {
		o = *r.opts.Apply
	}
	o.DryRun = false
	a := apply.New(r.cluster, o)
	a.Progress = r.opts.Progress
	a.Identity = r.opts.Identity
	return a
}

// planResults reports a plan that is not carried out.
func planResults(p *plan.Plan) []ReleaseRecord {
	out := make([]ReleaseRecord, 0, len(p.Steps))
	for i := range p.Steps {
		s := &p.Steps[i]
		o, msg := s.Unexecuted()
		out = append(out, ReleaseRecord{Name: s.Name, Namespace: s.Namespace, Action: string(s.Action), Reason: s.Reason, Outcome: string(o), Error: msg})
	}
	return out
}

func applyResults(rep *apply.Report) []ReleaseRecord {
	out := make([]ReleaseRecord, 0, len(rep.Results))
	for _, x := range rep.Results {
		out = append(out, ReleaseRecord{Name: x.Name, Namespace: x.Namespace, Action: string(x.Action), Reason: x.Reason, Outcome: string(x.Outcome), Error: x.Error})
	}
	return out
}

func corrected(rep *apply.Report, key string) bool {
	for _, x := range rep.Results {
		if x.Namespace+"/"+x.Name == key {
			return x.Action == plan.Correct && x.Outcome == apply.OutcomeChanged
		}
	}
	return false
}

func commitRef(c gitrepo.CommitInfo) CommitRef {
	return CommitRef{Commit: c.Hash, Subject: c.Subject, Author: c.Author, Time: c.Time}
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
