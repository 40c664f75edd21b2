// Package apply is `pono apply`: it converges a cluster to a compiled
// platform through the Helm SDK. The GitOps loop (cluster/reconcile) runs
// the same engine.
//
// The apply engine, one file per concern: apply.go (options, Run),
// apply_plan.go (planning through cluster/observe), apply_values.go (the
// cluster values a run plans and executes with), apply_report.go
// (results), apply_execute.go (the dependency scheduler), apply_operate.go
// (one release: lease, operation, retries), apply_remediate.go (recovery of
// pending releases, removal of failed installs, rollback and uninstall after
// a failure), apply_retry.go (which failures are transient),
// apply_namespaces.go, lease.go, and releaser.go (the Helm
// operations the engine needs, the seam its unit tests use).
package apply

import (
	"context"
	"errors"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/observe"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/plan"
)

// backend is what the engine operates through: the Config's Helm client,
// or the in-memory releaser of the engine's unit tests.
func (a *Apply) backend() (releaser, kubernetes.Interface, error) {
	if a.rel != nil {
		return a.rel, a.kube, nil
	}
	h, err := a.cfg.Client()
	if err != nil {
		return nil, nil, err
	}
	return h, h.Kubernetes(), nil
}

// Apply makes the cluster match a compiled platform. Options are its
// settings (NewApply: pono's defaults); the fields below are per run.
type Apply struct {
	Options

	// Identity names this run in Leases (default: host/pid).
	Identity string
	// Drift names up-to-date releases (namespace/name) whose live objects
	// changed out of band, with a reason; Run upgrades them to the same
	// inputs (plan.Plan.Correct), which makes Helm restore the objects.
	Drift map[string]string
	// Origin, when set, is added to each Helm revision's description
	// (shown by `helm history`), e.g. the git commit and its signer.
	Origin string

	// Progress, if set, is called as each release starts and finishes. It
	// is called from several goroutines, one call at a time.
	Progress func(Event)

	cfg *kube.Config
	// rel and kube replace the Helm client in the engine's unit tests.
	rel  releaser
	kube kubernetes.Interface
	// poll is how often a lease held by another run is checked.
	poll time.Duration

	// values are the cluster values of valuesOf (values_from.go).
	valuesMu sync.Mutex
	valuesOf *compiler.Result
	values   *observe.ValuesFromResult
}

// NewApply returns an Apply with pono's defaults (DefaultOptions).
func NewApply(cfg *kube.Config) *Apply { return New(cfg, DefaultOptions()) }

// New returns an Apply with the options o.
func New(cfg *kube.Config, o Options) *Apply {
	return &Apply{Options: o, cfg: cfg, poll: 500 * time.Millisecond}
}

// Run plans res against the cluster and carries the plan out (Plan, then
// Execute), correcting the releases named in Drift. Nothing at all is
// changed when res is nil (the caller got a compile error) or when planning
// fails.
func (a *Apply) Run(ctx context.Context, res *compiler.Result) (*Report, error) {
	if res == nil {
		return nil, errors.New("apply: no compiled platform")
	}
	began := time.Now()
	p, err := a.Plan(ctx, res)
	if err != nil {
		return nil, err
	}
	p.Correct(a.Drift)
	return a.execute(ctx, res, p, began)
}

// Execute carries out p, a plan Plan computed for res against this
// cluster (and possibly corrected for drift): the plan that was reported is
// the plan that runs. A dry run only reports it.
func (a *Apply) Execute(ctx context.Context, res *compiler.Result, p *plan.Plan) (*Report, error) {
	if res == nil || p == nil {
		return nil, errors.New("apply: no compiled platform or plan")
	}
	return a.execute(ctx, res, p, time.Now())
}

func (a *Apply) execute(ctx context.Context, res *compiler.Result, p *plan.Plan, began time.Time) (*Report, error) {
	rep := &Report{Platform: res.Platform.Name, DryRun: a.DryRun, Plan: p}
	vr, err := a.resolvedValues(ctx, res)
	if err != nil {
		return nil, err
	}
	res = vr.Result
	if a.DryRun {
		for i := range p.Steps {
			r := unexecuted(&p.Steps[i])
			if f := vr.Failed[r.Name]; f != nil && p.Steps[i].Desired != nil {
				r.Outcome, r.Error = OutcomeFailed, f.Error()
			}
			rep.Results = append(rep.Results, r)
		}
		rep.Duration = time.Since(began)
		return rep, failures(rep)
	}
	rel, cs, err := a.backend()
	if err != nil {
		return nil, err
	}
	if err := ensureNamespaces(ctx, cs, res, p); err != nil {
		return nil, err
	}
	log := a.cfg.Log()
	ex := &executor{a: a, rel: rel, res: res, redact: compiler.MaskSet(res), log: log, failed: vr.Failed,
		lease: &leaser{cs: cs, identity: a.identity(), duration: a.LeaseDuration, poll: a.poll}}
	// Results, errors and Helm's debug log hide sensitive values as diff
	// and the compile output do (compiler/mask).
	if !ex.redact.Empty() {
		a.cfg.SetRedactor(ex.redact)
	} else {
		a.cfg.SetRedactor(nil)
	}
	rep.Results = ex.run(ctx, p)
	rep.Duration = time.Since(began)
	return rep, failures(rep)
}

func (a *Apply) identity() string {
	if a.Identity != "" {
		return a.Identity
	}
	return DefaultIdentity()
}

// description is what a revision records about who made it and why.
func (a *Apply) description(action plan.Action) string {
	d := "pono apply: " + string(action)
	if a.Origin != "" {
		d += " (" + a.Origin + ")"
	}
	return d
}
