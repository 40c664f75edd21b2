package helmsdk

import (
	"context"
	"fmt"
	"sort"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// RenderOptions describe one client-side render, pinned so that the same
// inputs give the same output on any machine.
type RenderOptions struct {
	ReleaseName string
	Namespace   string
	// KubeVersion is the Kubernetes version charts see (v1.36.3).
	KubeVersion string
	// APIVersions are added to Helm's default API version set.
	APIVersions []string
	Values      map[string]any
	// Labels are Helm release labels (checked against Helm's reserved names).
	Labels map[string]string
}

// Rendered is a chart rendered for one release.
type Rendered struct {
	// Manifest holds the non-hook resources, CRDs from crds/ included.
	Manifest string
	// Hooks holds each hook's manifest, with the template path it came from.
	Hooks []Hook
	// Warnings are what Helm logged while rendering (a dependency condition
	// that is not a boolean), one a line, "Warning: " dropped.
	Warnings []string
}

// Hook is one rendered Helm hook.
type Hook struct {
	Path     string
	Manifest string
	Events   []string
}

// Render renders ch as `helm template` does (client only, CRDs included),
// with the Kubernetes version and API versions pinned. Each call works on
// its own copy of the chart, because Helm prunes disabled subcharts in place.
func Render(ctx context.Context, ch *Chart, opts RenderOptions) (*Rendered, error) {
	kv, err := chartutil.ParseKubeVersion(opts.KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("kubernetes version %q: %w", opts.KubeVersion, err)
	}
	cfg := &action.Configuration{Log: func(string, ...any) {}}
	inst := action.NewInstall(cfg)
	inst.DryRun = true
	inst.DryRunOption = "client"
	inst.ClientOnly = true
	inst.Replace = true
	inst.IncludeCRDs = true
	inst.DisableHooks = false
	inst.ReleaseName = opts.ReleaseName
	inst.Namespace = opts.Namespace
	inst.KubeVersion = kv
	inst.APIVersions = chartutil.VersionSet(opts.APIVersions)
	inst.Labels = opts.Labels

	helmLog.RLock()
	scope := beginRenderLog()
	rel, err := inst.RunWithContext(ctx, cloneChart(ch.c), deepCopyMap(opts.Values))
	warnings, shared := endRenderLog(scope)
	helmLog.RUnlock()
	if err != nil {
		return nil, err
	}
	if len(warnings) > 0 && shared {
		// Another render ran beside this one: render again alone, so the
		// warnings are this chart's only.
		warnings, err = captureHelmLog(func() (err error) {
			rel, err = inst.RunWithContext(ctx, cloneChart(ch.c), deepCopyMap(opts.Values))
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	out := &Rendered{Manifest: rel.Manifest, Warnings: warnings}
	for _, h := range rel.Hooks {
		var events []string
		for _, e := range h.Events {
			events = append(events, string(e))
		}
		sort.Strings(events)
		out.Hooks = append(out.Hooks, Hook{Path: h.Path, Manifest: h.Manifest, Events: events})
	}
	sort.SliceStable(out.Hooks, func(i, j int) bool { return out.Hooks[i].Path < out.Hooks[j].Path })
	return out, nil
}

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
		Values:    deepCopyMap(c.Values),
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

func deepCopyMap(m map[string]any) map[string]any {
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
		return deepCopyMap(x)
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
