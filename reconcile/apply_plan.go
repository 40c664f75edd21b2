package reconcile

import (
	"context"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/reconcile/plan"
)

// Plan reads the cluster's releases and returns the plan Run would carry
// out, changing nothing. `pono diff --live` reports from it, so what it
// shows is what apply does.
func (a *Apply) Plan(ctx context.Context, res *compiler.Result) (*plan.Plan, error) {
	client, err := helmsdk.NewClient(a.cfg.RESTConfig, helmsdk.ClientOptions{Logger: a.cfg.logger()})
	if err != nil {
		return nil, err
	}
	p, _, err := a.plan(ctx, client, res)
	return p, err
}
