package workflowrun

import (
	"fmt"
	"slices"

	"github.com/pono-gitops/pono/compiler/workflow"
)

// FromCompiled is the workflow to run from what the compiler generated:
// the task graph (dependency order) and the task files (tasks/<id>.json).
// pcFile gives a container's processing-container.json on this machine
// ("" reads it from the image).
func FromCompiled(g *workflow.Graph, files map[string][]byte, pcFile func(container string) string) (*Workflow, error) {
	w := &Workflow{Name: g.Workflow}
	up := map[string][]string{}
	for _, e := range g.Edges {
		if !slices.Contains(up[e.To], e.From) {
			up[e.To] = append(up[e.To], e.From)
		}
	}
	for _, n := range g.Nodes {
		f, ok := files["tasks/"+n.ID+".json"]
		if !ok {
			return nil, fmt.Errorf("workflow %s: no generated task file for task %s", g.Workflow, n.ID)
		}
		u := up[n.ID]
		slices.Sort(u)
		w.Tasks = append(w.Tasks, Task{ID: n.ID, File: f, ProcessingContainerFile: pcFile(n.Container), Upstream: u})
	}
	return w, nil
}
