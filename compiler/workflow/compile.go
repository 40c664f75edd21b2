package workflow

import (
	"maps"
	"slices"

	"github.com/pono-gitops/pono/compiler/diag"
)

// Positions maps a field path of the platform, such as
// ["workflows", "w", "tasks", "t", "inputs", "in"] (list indexes as decimal
// strings), to the "file:line:col" the user wrote it at, or to its nearest
// ancestor's; "" when nothing is known. Path elements are kept apart
// because task ids may contain dots.
type Positions func(path []string) string

// Platform is what a workflow takes from the rest of the platform.
type Platform struct {
	// Registry is the platform's registry.url: default images are
	// <Registry>/<container>:<BuildVersion>.
	Registry string
	// BuildVersion is Kaapana's build version: the default image tag and
	// chart version.
	BuildVersion string
	// Reserved maps workflow titles another release already registers
	// with workflow-api to that release (see KaapanaCoreTitles).
	Reserved map[string]string
}

// KaapanaCoreTitles are the workflows Kaapana's preinstalled
// kaapana-workflows-core chart registers.
var KaapanaCoreTitles = map[string]string{
	"dummy-workflow":        "kaapana-workflows-core",
	"registration-workflow": "kaapana-workflows-core",
}

// Input is everything Compile reads.
type Input struct {
	Workflows Workflows
	Platform  Platform
	// ReadFile reads a file named in the platform (a processing-container
	// path or an icon), relative to the platform directory. The caller
	// confines it (internal/safefs).
	ReadFile func(path string) ([]byte, error)
	// ImageFile reads /processing-container.json out of an image, for
	// containers with from_image (the compiler reads the registry and pins
	// the image's digest in pono.lock); nil refuses them.
	ImageFile func(image string) ([]byte, error)
	// Positions locates platform fields; nil reports no positions.
	Positions Positions
}

// Result holds the workflows that compiled without errors, by name.
type Result struct {
	Workflows []*Compiled
}

// Compiled is one workflow's generated files.
type Compiled struct {
	// Name is the workflow's name in the platform (the chart's name).
	Name  string
	Title string
	// ChartVersion is the generated chart's version.
	ChartVersion string
	// Files are written under OUT/workflows/<Name>/: workflow.json, the
	// DAG (Definition) and tasks/<task>.json.
	Files map[string][]byte
	// Definition is the DAG file's name among Files.
	Definition string
	// Chart is the kaapanaworkflow-v2 chart: path in the chart → content.
	Chart map[string][]byte
	// Graph is the task graph, for list, show and the mermaid/dot export.
	Graph *Graph
	// Images are the images the tasks run, sorted.
	Images []string
	// MaxRunIDLength is the longest Airflow run id for which every task
	// still gets its own pod name (KaapanaTaskOperator cuts
	// "<run id>-<task id>" to 62 characters).
	MaxRunIDLength int
}

// Compile checks every workflow and generates the files of those without
// errors. The list holds every error and warning, sorted; a workflow with
// an error produces nothing.
func Compile(in Input) (*Result, diag.List) {
	pcs := newPCCache(in.ReadFile, in.ImageFile)
	pcs.prefetch(pcPaths(in.Workflows, in.Platform))
	var all diag.List
	var resolved []*resolvedWorkflow
	for _, name := range slices.Sorted(maps.Keys(in.Workflows)) {
		w := in.Workflows[name]
		c := &checker{pos: in.Positions, name: name}
		rw := resolve(c, name, &w, in.Platform, pcs, in.ReadFile)
		checkWorkflow(rw)
		resolved = append(resolved, rw)
	}
	checkTitles(in, resolved)
	res := &Result{}
	for _, rw := range resolved {
		all = append(all, rw.c.diags...)
		if rw.c.diags.HasErrors() {
			continue
		}
		cw, err := generate(rw)
		if err != nil {
			// Generators only fail on input the checks let through: report
			// it at the workflow rather than writing half a workflow.
			all = append(all, rw.c.errorAt(nil, "cannot generate: %v", err))
			continue
		}
		res.Workflows = append(res.Workflows, cw)
	}
	return res, all.Sorted()
}

// pcPaths are the distinct processing-container.json paths the workflows
// name, and the images they read one from (imageKey), sorted.
func pcPaths(ws Workflows, plat Platform) []string {
	seen := map[string]bool{}
	for _, w := range ws {
		for name, c := range w.Containers {
			switch src := c.ProcessingContainer; {
			case src.FromImage && src.Path == "" && (c.Image != "" || plat.BuildVersion != ""):
				seen[imageKey(containerImage(name, c, plat))] = true
			case src.Path != "" && !src.FromImage:
				seen[src.Path] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
