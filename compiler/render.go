package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
	"github.com/pono-gitops/pono/compiler/internal/policy"
	"github.com/pono-gitops/pono/internal/helmchart"
)

type rendered struct {
	// objs are the objects to write: the first render, masked where the
	// second differs.
	objs []manifest.Object
	// first and second are both renders unmasked: policy looks at every
	// object either render produced, conflicts at the first.
	first, second []manifest.Object
	diffs         manifest.Differences
	// canon is objs as the manifest file holds them, built on the render
	// workers (it costs as much as a render for a large ConfigMap).
	canon    []byte
	canonErr error
	err      error
	// helmWarnings are what Helm logged while rendering.
	helmWarnings []string
}

// render renders every release twice, reports fields that differ between
// the two renders, applies the policy, rejects objects Helm would refuse
// (nested Lists, duplicates, objects of two releases) and fills res.
func (b *build) render(rels []*pending, res *Result) {
	out := make([]rendered, len(rels))
	b.parallel(len(rels), func(i int) {
		if r, ok := b.cache.get(rels[i].rel.Digest); ok {
			out[i] = r
			return
		}
		out[i] = b.renderOne(rels[i])
		if out[i].err == nil {
			out[i].canon, out[i].canonErr = manifest.Canonical(out[i].objs)
		}
		b.cache.put(rels[i].rel.Digest, out[i])
	})
	var all []manifest.Object
	for i, r := range out {
		if r.err != nil {
			b.errAt(rels[i].extPath, "release "+rels[i].rel.Name, "%v", r.err)
			continue
		}
		all = append(all, r.first...)
	}
	scopes := manifest.NewScopes(all)
	owners := objectOwners{}
	ports := portClaims{}
	res.Manifests = map[string][]byte{}
	res.Objects = map[string][]ObjectRef{}
	res.charts = map[string]*helmchart.Chart{}
	for i, r := range out {
		if r.err != nil {
			continue
		}
		p := rels[i]
		subject := "release " + p.rel.Name
		allowed := map[string]bool{}
		for _, rule := range b.p.Policy.Allow[p.rel.Extension] {
			allowed[rule] = true
		}
		for _, v := range policy.Check(policy.Input{
			ReleaseNamespace: p.rel.Namespace,
			AdminNamespace:   b.p.Namespaces.Admin,
			Objects:          append(append([]manifest.Object(nil), r.first...), r.second...),
			Scopes:           scopes,
			Allowed:          allowed,
		}) {
			b.errAt(p.extPath, subject,
				"%s violates rule %s: %s (allow it with policy.allow.%s: [%q])", v.Object, v.Rule, v.Detail, p.rel.Extension, v.Rule)
		}
		for _, msg := range owners.add(p.rel, r.first, scopes) {
			b.errAt(p.extPath, subject, "%s", msg)
		}
		for _, msg := range ports.add(p.rel, r.first, scopes) {
			b.errAt(p.extPath, subject, "%s", msg)
		}
		b.warnDifferences(subject, r.diffs)
		for _, w := range r.helmWarnings {
			b.warn(subject, "chart %s: Helm says: %s", p.chart.Name(), w)
		}
		if r.canonErr != nil {
			b.errAt(p.extPath, subject, "%v", r.canonErr)
			continue
		}
		res.Manifests[p.rel.Name] = r.canon
		res.Objects[p.rel.Name] = refsOf(r.objs)
		res.charts[p.rel.Name] = p.chart
		res.Releases = append(res.Releases, p.rel)
	}
	sort.Slice(res.Releases, func(i, j int) bool { return res.Releases[i].Name < res.Releases[j].Name })
}

func (b *build) warnDifferences(subject string, d manifest.Differences) {
	for _, f := range d.Fields {
		if strings.Contains(f.Object, manifest.Varies) {
			f.Object += " (rendered by " + f.Source + ")"
		}
		if f.OneSided {
			where := "field " + f.Field + " has keys"
			if f.Field == "" {
				where = "it has top-level fields"
			}
			b.warn(subject, "%s: %s that only one of two renders of the same input produces (a randomised name or condition): they are left out of the compiled manifests, and every upgrade changes them", f.Object, where)
			continue
		}
		b.warn(subject, "%s: field %s differs between two renders of the same input (randAlphaNum, now, uuid or similar): every upgrade changes it", f.Object, f.Field)
	}
	if len(d.OnlyFirst)+len(d.OnlySecond) == 0 {
		return
	}
	var parts []string
	if len(d.OnlyFirst) > 0 {
		parts = append(parts, "only in the first: "+strings.Join(d.OnlyFirst, ", "))
	}
	if len(d.OnlySecond) > 0 {
		parts = append(parts, "only in the second: "+strings.Join(d.OnlySecond, ", "))
	}
	b.warn(subject, "two renders of the same input produce different objects (%s): a randomised object count; they are left out of the compiled manifests, and every upgrade changes them", strings.Join(parts, "; "))
}

func (b *build) renderOne(p *pending) rendered {
	opts := helmchart.RenderOptions{
		ReleaseName: p.rel.Name,
		Namespace:   p.rel.Namespace,
		KubeVersion: b.p.Kubernetes.Version,
		APIVersions: b.p.Kubernetes.APIVersions,
		Values:      p.rel.Values,
		Labels:      p.rel.Labels,
	}
	if p.generated {
		// pono's own generated charts are not checked for determinism.
		first, err := helmchart.Render(b.ctx, p.chart, opts)
		if err != nil {
			return rendered{err: fmt.Errorf("chart %s %s: %w", p.chart.Name(), p.chart.Version(), err)}
		}
		objs, err := objects(first)
		if err != nil {
			return rendered{err: err}
		}
		manifest.Sort(objs)
		return rendered{objs: objs, first: objs, helmWarnings: first.Warnings}
	}
	first, second, err := helmchart.RenderTwice(b.ctx, p.chart, opts)
	if err != nil {
		return rendered{err: fmt.Errorf("chart %s %s: %w", p.chart.Name(), p.chart.Version(), err)}
	}
	r := b.renderedFrom(first, second)
	r.helmWarnings = first.Warnings
	return r
}

// renderedFrom compares two renders of the same input and masks where they
// differ.
func (b *build) renderedFrom(first, second *helmchart.Rendered) rendered {
	a, err := objects(first)
	if err != nil {
		return rendered{err: err}
	}
	manifest.Sort(a)
	// Identical renders give identical objects: the second is neither parsed
	// nor kept (policy would only find the first's violations again), which
	// at 5000 releases saves a sixth of the compile's CPU and its memory.
	if first == second || first.Manifest == second.Manifest && sameHooks(first, second) {
		return rendered{objs: a, first: a}
	}
	objs2, err := objects(second)
	if err != nil {
		return rendered{err: err}
	}
	manifest.Sort(objs2)
	// Masking changes a's bodies: keep an unmasked copy for the checks.
	raw, err := objects(first)
	if err != nil {
		return rendered{err: err}
	}
	manifest.Sort(raw)
	masked, diffs := manifest.MaskDifferences(a, objs2)
	return rendered{objs: masked, first: raw, second: objs2, diffs: diffs}
}

// objects parses a render into the objects Helm sends, hooks included.
func objects(r *helmchart.Rendered) ([]manifest.Object, error) {
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

func sameHooks(a, b *helmchart.Rendered) bool {
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
