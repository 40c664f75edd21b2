package helmchart

import (
	"fmt"

	"github.com/pono-gitops/pono/internal/values"
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
		Values:    values.Copy(c.Values),
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

// ValidReleaseName reports why name cannot be a Helm release name, or nil.
func ValidReleaseName(name string) error {
	if err := chartutil.ValidateReleaseName(name); err != nil {
		return fmt.Errorf("%q is not a valid Helm release name (lowercase letters, digits, '-' and '.', starting and ending alphanumeric, at most 53 characters)", name)
	}
	return nil
}
