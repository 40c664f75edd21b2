package compiler

import (
	"fmt"
	"sort"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
	"github.com/pono-gitops/pono/compiler/internal/policy"
	"github.com/pono-gitops/pono/internal/helmsdk"
)

type rendered struct {
	objs  []manifest.Object
	diffs []manifest.FieldDiff
	err   error
}

// render renders every release twice, reports fields that differ between
// the two renders, applies the policy and fills res.
func (b *build) render(rels []*pending, res *Result) {
	out := make([]rendered, len(rels))
	b.parallel(len(rels), func(i int) {
		if r, ok := b.cache.get(rels[i].rel.Digest); ok {
			out[i] = r
			return
		}
		out[i] = b.renderOne(rels[i])
		b.cache.put(rels[i].rel.Digest, out[i])
	})
	var all []manifest.Object
	for i, r := range out {
		if r.err != nil {
			b.errAt(rels[i].extPath, "release "+rels[i].rel.Name, "%v", r.err)
			continue
		}
		all = append(all, r.objs...)
	}
	scopes := manifest.NewScopes(all)
	res.Manifests = map[string][]byte{}
	res.charts = map[string]*helmsdk.Chart{}
	for i, r := range out {
		if r.err != nil {
			continue
		}
		p := rels[i]
		allowed := map[string]bool{}
		for _, rule := range b.p.Policy.Allow[p.rel.Extension] {
			allowed[rule] = true
		}
		for _, v := range policy.Check(policy.Input{
			ReleaseNamespace: p.rel.Namespace,
			AdminNamespace:   b.p.Namespaces.Admin,
			Objects:          r.objs,
			Scopes:           scopes,
			Allowed:          allowed,
		}) {
			b.errAt(p.extPath, "release "+p.rel.Name,
				"%s violates rule %s: %s (allow it with policy.allow.%s: [%q])", v.Object, v.Rule, v.Detail, p.rel.Extension, v.Rule)
		}
		for _, d := range r.diffs {
			b.warn("release "+p.rel.Name, "%s: field %s differs between two renders of the same input (randAlphaNum, now, uuid or similar): every upgrade changes it", d.Object, d.Field)
		}
		canon, err := manifest.Canonical(r.objs)
		if err != nil {
			b.errAt(p.extPath, "release "+p.rel.Name, "%v", err)
			continue
		}
		res.Manifests[p.rel.Name] = canon
		res.charts[p.rel.Name] = p.chart
		res.Releases = append(res.Releases, p.rel)
	}
	sort.Slice(res.Releases, func(i, j int) bool { return res.Releases[i].Name < res.Releases[j].Name })
}

func (b *build) renderOne(p *pending) rendered {
	opts := helmsdk.RenderOptions{
		ReleaseName: p.rel.Name,
		Namespace:   p.rel.Namespace,
		KubeVersion: b.p.Kubernetes.Version,
		APIVersions: b.p.Kubernetes.APIVersions,
		Values:      p.rel.Values,
		Labels:      p.rel.Labels,
	}
	first, err := helmsdk.Render(b.ctx, p.chart, opts)
	if err != nil {
		return rendered{err: fmt.Errorf("chart %s %s: %w", p.chart.Name(), p.chart.Version(), err)}
	}
	second, err := helmsdk.Render(b.ctx, p.chart, opts)
	if err != nil {
		return rendered{err: fmt.Errorf("chart %s %s (second render): %w", p.chart.Name(), p.chart.Version(), err)}
	}
	a, err := objects(first)
	if err != nil {
		return rendered{err: err}
	}
	objs2, err := objects(second)
	if err != nil {
		return rendered{err: err}
	}
	manifest.Sort(a)
	manifest.Sort(objs2)
	var diffs []manifest.FieldDiff
	if first.Manifest != second.Manifest || !sameHooks(first, second) {
		diffs = manifest.MaskDifferences(a, objs2)
	}
	return rendered{objs: a, diffs: diffs}
}

func objects(r *helmsdk.Rendered) ([]manifest.Object, error) {
	objs, err := manifest.Parse(r.Manifest, "", false, nil)
	if err != nil {
		return nil, err
	}
	for _, h := range r.Hooks {
		ho, err := manifest.Parse(h.Manifest, h.Path, true, h.Events)
		if err != nil {
			return nil, err
		}
		objs = append(objs, ho...)
	}
	return objs, nil
}

func sameHooks(a, b *helmsdk.Rendered) bool {
	if len(a.Hooks) != len(b.Hooks) {
		return false
	}
	for i := range a.Hooks {
		if a.Hooks[i].Manifest != b.Hooks[i].Manifest {
			return false
		}
	}
	return true
}
