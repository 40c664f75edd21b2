package apply

import (
	"context"

	"github.com/pono-gitops/pono/cluster/observe"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/plan"
)

// Plan reads the cluster's releases (metadata only) and returns the plan
// Execute carries out, changing nothing. The GitOps loop reports from it,
// so what it shows is what apply does; `pono diff --live` plans through
// the same observe.Plan.
func (a *Apply) Plan(ctx context.Context, res *compiler.Result) (*plan.Plan, error) {
	rel, _, err := a.backend()
	if err != nil {
		return nil, err
	}
	vr, err := a.resolvedValues(ctx, res)
	if err != nil {
		return nil, err
	}
	p, err := observe.Plan(ctx, rel, vr.Result, observe.Scope{Prune: a.Prune, Namespaces: a.Namespaces})
	if err != nil {
		return nil, err
	}
	a.cfg.Log().Debug("planned", "platform", res.Platform.Name, "steps", len(p.Steps))
	return p, nil
}
