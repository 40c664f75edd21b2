package ui

import (
	"bytes"
	"context"

	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/internal/graphsvg"
)

// graphStyle replaces the plain node defaults of workflow.Graph.Dot with
// the page's look; the graph's content is unchanged.
var graphStyle = []byte(`node [shape=box, style="rounded,filled", fillcolor="#eef4fa", color="#1f5f8b", fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=10, color="#5b6775"];`)

// graphSVG lays out a workflow's graph, once per snapshot.
func (s *Server) graphSVG(ctx context.Context, snap *Snapshot, wf *Workflow) ([]byte, error) {
	s.svgMu.Lock()
	defer s.svgMu.Unlock()
	if s.svgAt != snap.Generation {
		s.svgs, s.svgAt = map[string][]byte{}, snap.Generation
	}
	if b, ok := s.svgs[wf.Name]; ok {
		return b, nil
	}
	svg, err := GraphSVG(ctx, wf.Graph)
	if err != nil {
		return nil, err
	}
	s.svgs[wf.Name] = svg
	return svg, nil
}

// GraphSVG lays out a workflow's task graph as the page shows it: the
// renderer behind both the page and `pono workflow graph -o svg`.
func GraphSVG(ctx context.Context, g *workflow.Graph) ([]byte, error) {
	dot := bytes.Replace(g.Dot(), []byte("node [shape=box];"), graphStyle, 1)
	return graphsvg.Render(ctx, dot)
}
