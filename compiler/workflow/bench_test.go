package workflow

import (
	"fmt"
	"testing"
)

// benchPC is a processing-container.json with a source template and a
// step template (one input, one output, two env variables).
const benchPC = `{
    "name": "bench-%d",
    "description": "benchmark container",
    "templates": [
        {"identifier": "source", "description": "s", "env": [{"name": "N", "value": "1"}],
         "inputs": [], "outputs": [{"name": "out", "mounted_path": "/out"}]},
        {"identifier": "step", "description": "t", "env": [{"name": "N", "value": "1"}, {"name": "MODE", "value": "a", "choices": ["a", "b"]}],
         "inputs": [{"name": "in", "mounted_path": "/in"}, {"name": "side", "mounted_path": "/side"}],
         "outputs": [{"name": "out", "mounted_path": "/out"}]}
    ]
}`

// benchInput is 50 workflows of 10 tasks each, two containers per
// workflow with their own processing-container.json, every task after the
// first fed by the previous one and by the first (a fan-in), with env
// overrides and two parameters per workflow.
func benchInput() Input {
	files := map[string][]byte{}
	wfs := Workflows{}
	for w := range 50 {
		wf := Workflow{
			Labels:     map[string]string{"provider": "bench", "category": "bench"},
			Containers: map[string]Container{},
			Tasks:      map[string]Task{},
		}
		for c := range 2 {
			path := fmt.Sprintf("pc/%d-%d.json", w, c)
			files[path] = fmt.Appendf(nil, benchPC, w*2+c)
			wf.Containers[fmt.Sprintf("c%d", c)] = Container{ProcessingContainer: PCSource{Path: path}}
		}
		for i := range 10 {
			id := fmt.Sprintf("task_%02d", i)
			t := Task{Container: fmt.Sprintf("c%d", i%2), Template: "step", Env: map[string]EnvValue{"N": Str(fmt.Sprint(i))}}
			if i == 0 {
				t.Template = "source"
			} else {
				t.Inputs = Bindings{{Channel: "in", Source: fmt.Sprintf("task_%02d.out", i-1)}, {Channel: "side", Source: "task_00.out"}}
			}
			wf.Tasks[id] = t
		}
		def := []byte(`"a"`)
		wf.Parameters = []Parameter{
			{Task: "task_01", Env: "MODE", UIForm: UIForm{Type: "list", Title: "Mode", Description: "d", Options: []string{"a", "b"}, Default: def}},
			{Task: "task_02", Env: "N", UIForm: UIForm{Type: "str", Title: "N", Description: "d", RegexPattern: new(string), Default: []byte(`"3"`)}},
		}
		wfs[fmt.Sprintf("wf-%02d", w)] = wf
	}
	return Input{
		Workflows: wfs,
		Platform:  Platform{Registry: "registry.example.org/kaapana", BuildVersion: "0.6.0"},
		ReadFile: func(p string) ([]byte, error) {
			if b, ok := files[p]; ok {
				return b, nil
			}
			return nil, fmt.Errorf("%s: no such file", p)
		},
	}
}

// BenchmarkCompileWorkflows checks and generates 50 workflows × 10 tasks.
func BenchmarkCompileWorkflows(b *testing.B) {
	in := benchInput()
	for b.Loop() {
		res, diags := Compile(in)
		if diags.HasErrors() || len(res.Workflows) != 50 {
			b.Fatalf("%d workflows compiled: %v", len(res.Workflows), diags.AsError())
		}
	}
}
