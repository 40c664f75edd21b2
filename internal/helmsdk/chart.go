package helmsdk

import (
	"context"
	"io/fs"

	"github.com/pono-gitops/pono/internal/helmchart"
)

// The chart side lives in internal/helmchart, so the compiler renders
// without linking this package's release client. These names forward to
// it for the cluster side, which installs the charts it loads.

// Chart is a loaded chart (helmchart.Chart).
type Chart = helmchart.Chart

// RenderOptions describe one client-side render (helmchart.RenderOptions).
type RenderOptions = helmchart.RenderOptions

// Rendered is a chart rendered for one release (helmchart.Rendered).
type Rendered = helmchart.Rendered

// LoadFS loads a chart whose Chart.yaml is at the root of fsys
// (helmchart.LoadFS).
func LoadFS(fsys fs.FS) (*Chart, error) { return helmchart.LoadFS(fsys) }

// Render renders ch client-side (helmchart.Render).
func Render(ctx context.Context, ch *Chart, opts RenderOptions) (*Rendered, error) {
	return helmchart.Render(ctx, ch, opts)
}

// ValidReleaseName reports why name cannot be a Helm release name, or nil
// (helmchart.ValidReleaseName).
func ValidReleaseName(name string) error { return helmchart.ValidReleaseName(name) }
