package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/internal/helmchart"
	"github.com/pono-gitops/pono/internal/safefs"
)

// WorkflowsDir is the directory of a compile output that holds each
// workflow's generated files: workflows/<name>/workflow.json, the DAG and
// tasks/<task>.json.
const WorkflowsDir = "workflows"

// WorkflowInfo is one workflow of the platform: what `pono workflow`
// shows and what `pono diff` compares.
type WorkflowInfo struct {
	Name         string `json:"name"`
	Title        string `json:"title"`
	Release      string `json:"release"`
	ChartVersion string `json:"chartVersion"`
	// Definition is the DAG file's name among Files.
	Definition string `json:"definition"`
	// Tasks are the task ids in dependency order.
	Tasks []string `json:"tasks"`
	// Containers are the images the tasks run, by container name.
	Containers []WorkflowContainer `json:"containers"`
	Parameters []kaapana.Param     `json:"parameters,omitempty"`
	// MaxRunIDLength is the longest Airflow run id for which every task
	// gets its own pod name.
	MaxRunIDLength int `json:"maxRunIdLength"`
	// Graph is the task graph (Mermaid, Dot).
	Graph *workflow.Graph `json:"graph"`
	// Files are the generated files by name (written under
	// OUT/workflows/<Name>/).
	Files map[string][]byte `json:"-"`
}

// WorkflowContainer is a container of a workflow and the image it names.
type WorkflowContainer struct {
	Name  string `json:"name"`
	Image string `json:"image"`
	// ProcessingContainer is its processing-container.json in the
	// platform directory (empty: read from the image).
	ProcessingContainer string `json:"processingContainer,omitempty"`
}

// Workflow returns the named workflow.
func (r *Result) Workflow(name string) (WorkflowInfo, bool) {
	for _, w := range r.Workflows {
		if w.Name == name {
			return w, true
		}
	}
	return WorkflowInfo{}, false
}

// compileWorkflows checks and generates the platform's workflows
// (compiler/workflow); each one that compiles becomes a release of its
// generated chart, which then goes through render, policy and the
// conflict checks like an extension's.
func (b *build) compileWorkflows(res *Result) []*pending {
	if len(b.p.Workflows) == 0 {
		return nil
	}
	root, err := safefs.Open(b.dir, b.dir)
	if err != nil {
		b.errAt(spec.P("workflows"), "workflows", "%v", err)
		return nil
	}
	defer root.Close()
	out, diags := workflow.Compile(workflow.Input{
		Workflows: b.p.Workflows,
		Platform:  workflow.Platform{Registry: b.p.Registry.URL, BuildVersion: b.buildVersion(), Reserved: workflow.KaapanaCoreTitles},
		ReadFile:  readFileReason(root),
		ImageFile: b.imageFile,
		Positions: func(path []string) string { return diag.FormatPos(b.pos.Of(spec.Path(path))) },
	})
	b.mu.Lock()
	b.diags = append(b.diags, diags...)
	b.mu.Unlock()
	if res == nil {
		return nil
	}
	var rels []*pending
	for _, cw := range out.Workflows {
		p, info, err := b.workflowRelease(cw)
		if err != nil {
			b.errAt(spec.P("workflows", cw.Name), "workflow "+cw.Name, "generated chart: %v", err)
			continue
		}
		res.Workflows = append(res.Workflows, info)
		res.Extensions = append(res.Extensions, workflowExtension(info, p))
		rels = append(rels, p)
	}
	return rels
}

// readFileReason reads a file the workflows name; its errors give the
// reason only ("it is a named pipe (FIFO), not a regular file"), because
// the workflow's message already names the file.
func readFileReason(root *safefs.Dir) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		b, err := root.ReadFile(name)
		if err == nil {
			return b, nil
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && !errors.Is(err, safefs.ErrEscapes) && !errors.Is(err, safefs.ErrNotRegular) {
			return nil, pe.Err
		}
		msg := err.Error()
		for _, p := range []string{root.Display(name) + " ", name + " "} {
			if rest, ok := strings.CutPrefix(msg, p); ok {
				return nil, errors.New(strings.Replace(rest, "is ", "it is ", 1))
			}
		}
		return nil, err
	}
}

// workflowRelease is the release of a workflow's generated chart.
func (b *build) workflowRelease(cw *workflow.Compiled) (*pending, WorkflowInfo, error) {
	ch, err := helmchart.LoadFS(chartFS(cw.Chart))
	if err != nil {
		return nil, WorkflowInfo{}, err
	}
	// The digest LoadFS computes covers every generated file: it is what
	// the release digest (and so apply's "nothing to do") follows.
	ch.Location = "generated:" + WorkflowsDir + "/" + cw.Name
	meta, err := chartMeta(ch)
	if err != nil {
		return nil, WorkflowInfo{}, err
	}
	p := b.pendingRelease(releaseSpec{
		name: cw.Name, extension: cw.Name, chart: ch, meta: meta,
		ref:    ChartRef{Name: ch.Name(), Version: ch.Version(), Location: ch.Location, Digest: ch.Digest},
		values: kaapana.Values(b.globals(), meta, nil, map[string]any{}),
		at:     spec.P("workflows", cw.Name), subject: "workflow " + cw.Name, generated: true,
	})
	info := WorkflowInfo{
		Name: cw.Name, Title: cw.Title, Release: p.rel.Name, ChartVersion: cw.ChartVersion,
		Definition: cw.Definition, MaxRunIDLength: cw.MaxRunIDLength, Graph: cw.Graph, Files: cw.Files,
	}
	images := map[string]string{}
	for _, n := range cw.Graph.Nodes {
		info.Tasks = append(info.Tasks, n.ID)
		images[n.Container] = n.Image
	}
	for _, c := range slices.Sorted(maps.Keys(images)) {
		info.Containers = append(info.Containers, WorkflowContainer{Name: c, Image: images[c],
			ProcessingContainer: b.p.Workflows[cw.Name].Containers[c].ProcessingContainer.Path})
	}
	for _, pm := range b.p.Workflows[cw.Name].Parameters {
		info.Parameters = append(info.Parameters, kaapana.Param{Name: pm.Task + "." + pm.Env, Type: pm.UIForm.Type, Options: pm.UIForm.Options})
	}
	return p, info, nil
}

// workflowExtension is a workflow's row on the Extensions page.
func workflowExtension(w WorkflowInfo, p *pending) ExtensionInfo {
	return ExtensionInfo{
		Name: w.Name, Chart: p.rel.Chart.Name, Version: p.rel.Chart.Version, Kind: p.rel.Kind, Stability: "stable",
		Parameters: w.Parameters, Tasks: w.Tasks, Containers: w.containerNames(),
	}
}

func (w WorkflowInfo) containerNames() []string {
	out := make([]string, len(w.Containers))
	for i, c := range w.Containers {
		out[i] = c.Name
	}
	return out
}

// chartFS serves generated chart files to the chart loader.
func chartFS(files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys[name] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return fsys
}

// buildVersion is Kaapana's build version for the workflows: the
// kaapana_build_version global when set, else the buildVersion the path
// sources agree on.
func (b *build) buildVersion() string {
	if v, ok := b.p.Globals["kaapana_build_version"].(string); ok && v != "" {
		return v
	}
	seen := map[string]bool{}
	for _, s := range b.p.Sources {
		if s.BuildVersion != "" {
			seen[s.BuildVersion] = true
		}
	}
	if len(seen) == 1 {
		for v := range seen {
			return v
		}
	}
	return ""
}

// workflowFiles are the generated workflow files of the output by
// slash-separated name.
func (r *Result) workflowFiles() map[string][]byte {
	out := map[string][]byte{}
	for _, w := range r.Workflows {
		for name, b := range w.Files {
			out[fmt.Sprintf("%s/%s/%s", WorkflowsDir, w.Name, name)] = b
		}
	}
	return out
}

// WorkflowShape is the tasks (dependency order) and container names of
// the workflow a release installs; nil for other releases.
func (r *Result) WorkflowShape(release string) (tasks, containers []string) {
	for _, w := range r.Workflows {
		if w.Release == release {
			return w.Tasks, w.containerNames()
		}
	}
	return nil, nil
}
