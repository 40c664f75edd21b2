package workflow

import (
	"maps"
	"slices"

	"github.com/pono-gitops/pono/compiler/workflow/dag"
)

// generate writes a checked workflow's files.
func generate(rw *resolvedWorkflow) (*Compiled, error) {
	w := rw.w
	wj, err := WorkflowJSON(rw.name, w)
	if err != nil {
		return nil, err
	}
	def := w.definition()
	chartContent := map[string][]byte{
		"workflow.json": wj,
		def:             dag.Write(dagOf(rw)),
	}
	if rw.icon != nil {
		chartContent[iconKey(w.Icon)] = rw.icon
	}
	files := map[string][]byte{"workflow.json": wj, def: chartContent[def]}
	for _, id := range rw.ids {
		b, err := taskFile(rw, rw.tasks[id])
		if err != nil {
			return nil, err
		}
		files["tasks/"+id+".json"] = b
	}
	version := w.Chart.Version
	if version == "" {
		version = rw.plat.BuildVersion
	}
	chart, err := chartFiles(rw, chartContent, version)
	if err != nil {
		return nil, err
	}
	images := map[string]bool{}
	for _, id := range rw.ids {
		images[rw.tasks[id].container.image] = true
	}
	return &Compiled{
		Name:           rw.name,
		Title:          w.title(rw.name),
		ChartVersion:   version,
		Files:          files,
		Definition:     def,
		Chart:          chart,
		Graph:          buildGraph(rw),
		Images:         slices.Sorted(maps.Keys(images)),
		MaxRunIDLength: rw.maxRunID,
	}, nil
}

func dagOf(rw *resolvedWorkflow) *dag.DAG {
	d := &dag.DAG{Workflow: rw.name, UIVisible: rw.w.uiVisible(), Owner: rw.w.owner()}
	for _, id := range rw.order {
		rt := rw.tasks[id]
		t := dag.Task{
			ID:          id,
			Image:       rt.container.image,
			Template:    rt.t.Template,
			Command:     rt.t.Command,
			Labels:      rt.t.Labels,
			Annotations: rt.t.Annotations,
			Upstream:    rt.upstream,
		}
		if rt.container.byName {
			t.ImageName = rt.container.name
		}
		for _, e := range rt.env {
			t.Env = append(t.Env, dag.Env{Name: e.Name, Value: e.Value})
		}
		if r := rt.t.Resources; r != nil {
			t.Resources = &dag.Resources{Limits: stringMap(r.Limits), Requests: stringMap(r.Requests)}
		}
		if r := rt.t.Registry; r != nil {
			t.Registry = &dag.Registry{URL: r.URL, Username: r.Username, PasswordVariable: r.PasswordSecret.Name}
		}
		for _, b := range rt.inputs {
			t.Inputs = append(t.Inputs, dag.IOMapping{Upstream: b.task, Output: b.output, Input: b.channel})
		}
		d.Tasks = append(d.Tasks, t)
	}
	return d
}

func stringMap[V ~string](m map[string]V) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}
