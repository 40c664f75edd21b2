// Package observe is the read-only step apply, status and diff --live
// share: read a platform's values from the cluster, list the deployed
// releases and plan against them. It changes nothing, so the commands
// that only look at a cluster need not link the apply engine.
package observe

import (
	"context"
	"fmt"
	"strings"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

// Releases is what observing reads of Helm's release storage.
// *helmsdk.Client implements it, and so does the apply engine's fake.
type Releases interface {
	ListReleasesIn(ctx context.Context, namespace, selector string) ([]helmsdk.ReleaseInfo, error)
	GetRelease(ctx context.Context, namespace, name string) (*helmsdk.ReleaseDetail, error)
}

// Scope is what a plan covers.
type Scope struct {
	// Prune plans the removal of owned releases the platform lacks.
	Prune bool
	// Namespaces, when set, restricts the releases read to these
	// namespaces (namespaced RBAC is enough); a platform with a release
	// elsewhere is refused.
	Namespaces []string
}

// Plan reads the cluster's releases (metadata only, and the manifests of
// prune candidates) and plans res, whose cluster values are resolved,
// against them.
func Plan(ctx context.Context, rel Releases, res *compiler.Result, sc Scope) (*plan.Plan, error) {
	desired, err := plan.DesiredFrom(res)
	if err != nil {
		return nil, err
	}
	infos, err := ListReleases(ctx, rel, sc.Namespaces, desired)
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
		if !wanted[o.Namespace+"/"+o.Name] && plan.Owned(o.Labels, res.Platform.Name) && sc.Prune && o.Status != plan.StatusUninstalled {
			// A prune candidate: read its manifest to order deletions.
			if d, err := rel.GetRelease(ctx, o.Namespace, o.Name); err == nil {
				if rs, err := plan.Inspect([]byte(d.Manifest)); err == nil {
					o.Resources = rs
				}
			}
		}
		observed = append(observed, o)
	}
	return plan.Compute(plan.Input{Platform: res.Platform.Name, Desired: desired, Observed: observed, Prune: sc.Prune}), nil
}

// ListReleases lists releases everywhere, or only in namespaces; a desired
// release stored outside them is refused.
func ListReleases(ctx context.Context, rel Releases, namespaces []string, desired []plan.Desired) ([]helmsdk.ReleaseInfo, error) {
	if len(namespaces) == 0 {
		return rel.ListReleasesIn(ctx, "", "")
	}
	allowed := map[string]bool{}
	for _, ns := range namespaces {
		allowed[ns] = true
	}
	for _, d := range desired {
		if !allowed[d.Namespace] {
			return nil, fmt.Errorf("release %s is stored in namespace %s, outside the restricted namespaces %s", d.Name, d.Namespace, strings.Join(namespaces, ", "))
		}
	}
	var out []helmsdk.ReleaseInfo
	for _, ns := range namespaces {
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
