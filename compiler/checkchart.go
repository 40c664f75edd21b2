package compiler

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/helmchart"
	"github.com/pono-gitops/pono/internal/safefs"
)

// injectedSource names the source of the checked chart: a name no
// platform can use (source names are DNS labels).
const injectedSource = "pono ext check"

// injectedChart is the packaged chart CheckChart puts into the platform.
type injectedChart struct{ chart *helmchart.Chart }

// CheckChart checks the packaged chart in file as the platform in dir
// would install it (an empty platform when dir is ""), for extension
// developers who still upload charts: in place of the extension that
// installs a chart of that name, with its parameters and values, else as
// one more extension. The whole platform is compiled, so the chart meets
// every check the platform's own charts do: Kaapana's keywords and
// parameters with the platform's globals, two renders, the policy, and
// objects and ports other releases already claim. Nothing is written.
func (c *Compile) CheckChart(ctx context.Context, dir, file string) (*Result, error) {
	b, err := safefs.ReadRegularFile(file, 0)
	if err != nil {
		return nil, err
	}
	ch, err := helmchart.LoadArchiveBytes(b, file)
	if err != nil {
		return nil, fmt.Errorf("%s is not a packaged chart: %s", file, strings.TrimPrefix(err.Error(), "load chart archive "+file+": "))
	}
	tmp := ""
	if dir == "" {
		if tmp, err = os.MkdirTemp("", "pono-ext-check-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if err := os.WriteFile(filepath.Join(tmp, "platform.yaml"), []byte("name: ext-check\n"), 0o644); err != nil {
			return nil, err
		}
		dir = tmp
	}
	cc := *c
	cc.injected = &injectedChart{chart: ch}
	cc.Locked = false // the lock is not the chart's business here
	res, err := cc.Run(ctx, dir)
	// What has no place in a platform file the user wrote is the chart's.
	at := func(l diag.List) {
		for i, d := range l {
			if d.Pos == "" || (tmp != "" && strings.HasPrefix(d.Pos, tmp)) {
				l[i].Pos = file
			}
		}
	}
	var de *diag.Err
	if errors.As(err, &de) {
		at(de.List)
	}
	if res != nil {
		at(res.Warnings)
	}
	return res, err
}

// addTo puts the chart into p; nil does nothing.
func (in *injectedChart) addTo(p *spec.Platform) {
	if in == nil {
		return
	}
	if p.Sources == nil {
		p.Sources = map[string]spec.Source{}
	}
	if p.Extensions == nil {
		p.Extensions = map[string]spec.Extension{}
	}
	// Extensions that took the only source by default keep it.
	if len(p.Sources) == 1 {
		for only := range p.Sources {
			for name, e := range p.Extensions {
				if e.Source == "" {
					e.Source = only
					p.Extensions[name] = e
				}
			}
		}
	}
	// Any one of path, repo, oci passes the source check; requests of this
	// source never reach it (source.Options.Injected).
	p.Sources[injectedSource] = spec.Source{OCI: "oci://ext-check.invalid"}
	name := in.chart.Name()
	for n, e := range p.Extensions {
		if e.Chart == name || (e.Chart == "" && n == name) {
			e.Source, e.Version, e.Chart = injectedSource, in.chart.Version(), name
			p.Extensions[n] = e
			return
		}
	}
	p.Extensions[name] = spec.Extension{Source: injectedSource, Chart: name, Version: in.chart.Version()}
}

func (in *injectedChart) source() *source.Injected {
	if in == nil {
		return nil
	}
	return &source.Injected{Source: injectedSource, Chart: in.chart}
}
