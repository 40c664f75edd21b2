package helmchart

import (
	"fmt"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// HelmCopy returns a copy of the Helm chart that an action may change
// (Helm prunes disabled subcharts in place), for internal/helmsdk's
// install and upgrade.
func (c *Chart) HelmCopy() *chart.Chart { return cloneChart(c.c) }

// cloneChart copies the parts of a chart that rendering mutates (metadata
// dependency flags, the dependency list, values), sharing file contents.
func cloneChart(c *chart.Chart) *chart.Chart {
	md := *c.Metadata
	md.Dependencies = nil
	for _, d := range c.Metadata.Dependencies {
		dc := *d
		md.Dependencies = append(md.Dependencies, &dc)
	}
	out := &chart.Chart{
		Metadata:  &md,
		Lock:      c.Lock,
		Templates: append([]*chart.File(nil), c.Templates...),
		Values:    CopyValues(c.Values),
		Schema:    c.Schema,
		Files:     append([]*chart.File(nil), c.Files...),
		Raw:       c.Raw,
	}
	var deps []*chart.Chart
	for _, d := range c.Dependencies() {
		deps = append(deps, cloneChart(d))
	}
	out.SetDependencies(deps...)
	return out
}

// CopyValues deep-copies a values tree (maps and lists), so Helm's
// coalescing, which writes into it, cannot change the caller's; nil gives
// an empty map.
func CopyValues(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopy(v)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return CopyValues(x)
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// ValidReleaseName reports why name cannot be a Helm release name, or nil.
func ValidReleaseName(name string) error {
	if err := chartutil.ValidateReleaseName(name); err != nil {
		return fmt.Errorf("%q is not a valid Helm release name (lowercase letters, digits, '-' and '.', starting and ending alphanumeric, at most 53 characters)", name)
	}
	return nil
}
