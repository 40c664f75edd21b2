package livediff

import (
	"context"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

// storedValues holds, for each release of res with sensitive paths that
// the cluster has, the values Helm stored for it with the same sensitive
// paths: the stored manifest holds the old value of a rotated secret (a
// changed Secret reference, a new SOPS value), which the masker must know
// as it knows the new one.
func storedValues(ctx context.Context, h *helmsdk.Client, res *compiler.Result, p *plan.Plan) *compiler.Result {
	out := &compiler.Result{}
	for _, step := range p.Steps {
		rel, ok := res.Release(step.Name)
		if !ok || len(rel.Sensitive) == 0 || step.Observed == nil || step.Observed.Revision == 0 {
			continue
		}
		vals, err := h.ReleaseValues(ctx, step.Namespace, step.Name)
		if err != nil {
			continue // read again, and reported, with the manifest
		}
		out.Releases = append(out.Releases, compiler.Release{Name: rel.Name, Values: vals, Sensitive: rel.Sensitive})
	}
	return out
}
