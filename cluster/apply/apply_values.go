package apply

import (
	"context"

	"github.com/pono-gitops/pono/cluster/observe"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/plan"
)

// ValuesFrom returns res's values from the cluster as Plan uses them
// (read once per Apply), for reports that show the plan.
func (a *Apply) ValuesFrom(ctx context.Context, res *compiler.Result) (*observe.ValuesFromResult, error) {
	return a.resolvedValues(ctx, res)
}

// resolvedValues resolves res's cluster values once per Apply: Plan and
// the Execute that follows see the same values (and digests), even if a
// Secret changes in between.
func (a *Apply) resolvedValues(ctx context.Context, res *compiler.Result) (*observe.ValuesFromResult, error) {
	a.valuesMu.Lock()
	defer a.valuesMu.Unlock()
	if a.valuesOf == res && a.values != nil {
		return a.values, nil
	}
	_, kube, err := a.backend()
	if err != nil {
		return nil, err
	}
	vr := observe.ValuesFrom(ctx, kube, res)
	a.valuesOf, a.values = res, vr
	return vr, nil
}

// valuesFailure is the error of a step whose release lacks a required
// value from the cluster, or nil.
func (e *executor) valuesFailure(s *plan.Step) error {
	if s.Desired == nil {
		return nil
	}
	if f := e.failed[s.Name]; f != nil {
		return f
	}
	return nil
}
