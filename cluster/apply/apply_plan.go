package apply

import (
	"context"
	"fmt"
	"strings"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

// Plan reads the cluster's releases (metadata only) and returns the plan
// Execute carries out, changing nothing. `pono diff --live` and the GitOps
// loop report from it, so what they show is what apply does.
func (a *Apply) Plan(ctx context.Context, res *compiler.Result) (*plan.Plan, error) {
	rel, _, err := a.cfg.backend()
	if err != nil {
		return nil, err
	}
	vr, err := a.resolvedValues(ctx, res)
	if err != nil {
		return nil, err
	}
	res = vr.Result
	desired, err := plan.DesiredFrom(res)
	if err != nil {
		return nil, err
	}
	infos, err := a.listReleases(ctx, rel, desired)
	if err != nil {
		return nil, err
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
			if d, err := rel.GetRelease(ctx, o.Namespace, o.Name); err == nil {
				if rs, err := plan.Inspect([]byte(d.Manifest)); err == nil {
					o.Resources = rs
				}
			}
		}
		observed = append(observed, o)
	}
	p := plan.Compute(plan.Input{Platform: res.Platform.Name, Desired: desired, Observed: observed, Prune: a.Prune})
	a.cfg.logger().Debug("planned", "platform", res.Platform.Name, "steps", len(p.Steps), "observed", len(observed))
	return p, nil
}

// listReleases lists releases everywhere, or only in a.Namespaces.
func (a *Apply) listReleases(ctx context.Context, rel releaser, desired []plan.Desired) ([]helmsdk.ReleaseInfo, error) {
	if len(a.Namespaces) == 0 {
		return rel.ListReleasesIn(ctx, "", "")
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
		infos, err := rel.ListReleasesIn(ctx, ns, "")
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
