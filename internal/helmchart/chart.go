package helmchart

import (
	"strings"

	"helm.sh/helm/v3/pkg/chart"
)

// Chart is a loaded chart with its dependencies resolved, ready to render or
// install. It is immutable once loaded and safe to share between goroutines.
type Chart struct {
	c *chart.Chart
	// Digest is sha256:<hex> of the chart content.
	Digest string
	// Location is where the chart was loaded from.
	Location string
	// Warnings are what Helm's loader said about the chart and its
	// dependencies without refusing them.
	Warnings []Warning
}

// IsLibrary reports a library chart (type: library): Helm renders its
// templates only as a dependency and refuses to install it.
func (c *Chart) IsLibrary() bool { return c.c.Metadata.Type == "library" }

// Name is the chart's name from Chart.yaml.
func (c *Chart) Name() string { return c.c.Metadata.Name }

// Version is the chart's version from Chart.yaml (after pono substituted a
// Kaapana 0.0.0 source version, if any).
func (c *Chart) Version() string { return c.c.Metadata.Version }

// Keywords are the chart's Chart.yaml keywords.
func (c *Chart) Keywords() []string { return c.c.Metadata.Keywords }

// Values are the chart's default values (values.yaml).
func (c *Chart) Values() map[string]any { return c.c.Values }

// Raw returns the named file as read from the chart (for example Chart.yaml,
// values.yaml, requirements.yaml), or nil.
func (c *Chart) Raw(name string) []byte {
	for _, f := range c.c.Raw {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// Dependencies are the names of the charts vendored or resolved as subcharts.
func (c *Chart) Dependencies() []string {
	var out []string
	for _, d := range c.c.Dependencies() {
		out = append(out, d.Metadata.Name)
	}
	return out
}

// DeclaredDependencies are the dependency names from Chart.yaml (or
// requirements.yaml) in declaration order.
func (c *Chart) DeclaredDependencies() []string {
	var out []string
	for _, d := range c.c.Metadata.Dependencies {
		out = append(out, d.Name)
	}
	return out
}

// TemplatesMention reports whether a template of the chart or of one of
// its dependencies contains s.
func (c *Chart) TemplatesMention(s string) bool { return mentions(c.c, s) }

func mentions(c *chart.Chart, s string) bool {
	for _, t := range c.Templates {
		if strings.Contains(string(t.Data), s) {
			return true
		}
	}
	for _, d := range c.Dependencies() {
		if mentions(d, s) {
			return true
		}
	}
	return false
}
