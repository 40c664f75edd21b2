package helmchart

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/internal/values"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/releaseutil"
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
// its own copy of the chart, because Helm prunes disabled subcharts in
// place. Helm's engine cannot be interrupted, so ctx is not consulted.
func Render(ctx context.Context, ch *Chart, opts RenderOptions) (*Rendered, error) {
	caps, err := capabilities(opts)
	if err != nil {
		return nil, err
	}
	out, _, err := renderLogged(ch, opts, caps, nil)
	return out, err
}

// RenderTwice renders ch twice, for a check that the chart renders the same
// way each time. When the engine's output is the same both times (the
// normal case) the second result is the first, same pointer: sorting and
// joining identical templates again would only repeat a third of the work.
// The second render's warnings are not collected (they are the first's).
func RenderTwice(ctx context.Context, ch *Chart, opts RenderOptions) (first, second *Rendered, err error) {
	caps, err := capabilities(opts)
	if err != nil {
		return nil, nil, err
	}
	first, files, err := renderLogged(ch, opts, caps, nil)
	if err != nil {
		return nil, nil, err
	}
	helmLog.RLock()
	scope := beginRenderLog()
	second, _, err = renderCopy(ch, opts, caps, files)
	endRenderLog(scope)
	helmLog.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("second render: %w", err)
	}
	if second == nil {
		second = first
	}
	return first, second, nil
}

func capabilities(opts RenderOptions) (*chartutil.Capabilities, error) {
	kv, err := chartutil.ParseKubeVersion(opts.KubeVersion)
	if err != nil {
		return nil, fmt.Errorf("kubernetes version %q: %w", opts.KubeVersion, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	// A fresh slice: appending to the shared default set could race.
	caps.APIVersions = slices.Concat(caps.APIVersions, chartutil.VersionSet(opts.APIVersions))
	return caps, nil
}

// renderLogged renders with Helm's log captured as the render's warnings,
// and returns the engine's files too (see renderCopy).
func renderLogged(ch *Chart, opts RenderOptions, caps *chartutil.Capabilities, same map[string]string) (*Rendered, map[string]string, error) {
	helmLog.RLock()
	scope := beginRenderLog()
	out, files, err := renderCopy(ch, opts, caps, same)
	warnings, shared := endRenderLog(scope)
	helmLog.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	if len(warnings) > 0 && shared {
		// Another render ran beside this one: render again alone, so the
		// warnings are this chart's only.
		warnings, err = captureHelmLog(func() (err error) {
			out, files, err = renderCopy(ch, opts, caps, same)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	if out != nil {
		out.Warnings = warnings
	}
	return out, files, nil
}

// systemLabels are the label names Helm's release storage reserves
// (pkg/storage/driver, which this package does not link).
var systemLabels = []string{"name", "owner", "status", "version", "createdAt", "modifiedAt"}

// renderCopy renders a copy of ch the way pkg/action's Install does with
// ClientOnly, DryRun and IncludeCRDs (Helm 3.22, Install.RunWithContext and
// Configuration.renderResources), in the same order and with the same
// messages: release name, dependency conditions and values, the values
// passed to templates, reserved labels, the chart's kubeVersion, the
// engine, then NOTES.txt dropped and the rest split into hooks and
// manifests sorted in install order, CRDs first. It also returns the
// engine's files; when they equal same, it stops there and returns a nil
// Rendered.
func renderCopy(ch *Chart, opts RenderOptions, caps *chartutil.Capabilities, same map[string]string) (*Rendered, map[string]string, error) {
	if err := chartutil.ValidateReleaseName(opts.ReleaseName); err != nil {
		return nil, nil, fmt.Errorf("release name %q: %w", opts.ReleaseName, err)
	}
	c, vals := cloneChart(ch.c), values.Copy(opts.Values)
	if err := chartutil.ProcessDependenciesWithMerge(c, vals); err != nil {
		return nil, nil, err
	}
	relOpts := chartutil.ReleaseOptions{Name: opts.ReleaseName, Namespace: opts.Namespace, Revision: 1, IsInstall: true}
	values, err := chartutil.ToRenderValuesWithSchemaValidation(c, vals, relOpts, caps, false)
	if err != nil {
		return nil, nil, err
	}
	for k := range opts.Labels {
		if slices.Contains(systemLabels, k) {
			return nil, nil, fmt.Errorf("user supplied labels contains system reserved label name. System labels: %+v", systemLabels)
		}
	}
	if c.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(c.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", c.Metadata.KubeVersion, caps.KubeVersion.String())
	}
	var e engine.Engine // no cluster: lookup returns nothing, as in helm template
	files, err := e.Render(c, values)
	if err != nil {
		return nil, nil, err
	}
	for k := range files {
		if strings.HasSuffix(k, "NOTES.txt") {
			delete(files, k)
		}
	}
	if same != nil && maps.Equal(files, same) {
		return nil, files, nil
	}
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, nil, err
	}
	return &Rendered{Manifest: manifestOf(c, manifests), Hooks: hooksOf(hooks)}, files, nil
}

// manifestOf joins the chart's CRDs and its rendered manifests into one
// document stream, each headed by the file it came from.
func manifestOf(c *chart.Chart, manifests []releaseutil.Manifest) string {
	var b bytes.Buffer
	for _, crd := range c.CRDObjects() {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", crd.Filename, string(crd.File.Data))
	}
	for _, m := range manifests {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.Name, m.Content)
	}
	return b.String()
}

// hooksOf lists hooks by template path, their events sorted.
func hooksOf(hs []*release.Hook) []Hook {
	var out []Hook
	for _, h := range hs {
		var events []string
		for _, e := range h.Events {
			events = append(events, string(e))
		}
		sort.Strings(events)
		out = append(out, Hook{Path: h.Path, Manifest: h.Manifest, Events: events})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
