package workflowrun

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pono-gitops/pono/compiler/workflow"
)

// toolsPC is the processing-container.json of the test workflows: every
// template runs a shell command, so one image serves them all.
const toolsPC = `{
  "name": "tools", "description": "test tools",
  "templates": [
    {"identifier": "produce", "description": "writes MSG to out/msg.txt",
     "env": [{"name": "MSG", "value": "template default"}, {"name": "LEVEL", "value": "template"}, {"name": "EXIT", "value": "0"}],
     "inputs": [{"name": "seed", "mounted_path": "/in/seed"}],
     "outputs": [{"name": "out", "mounted_path": "/out"}],
     "command": ["/bin/sh", "-c", "cat /in/seed/* > /out/msg.txt 2>/dev/null; echo \"$MSG\" >> /out/msg.txt; exit $EXIT"]},
    {"identifier": "combine", "description": "concatenates a and b",
     "env": [{"name": "EXIT", "value": "0"}],
     "inputs": [{"name": "a", "mounted_path": "/in/a"}, {"name": "b", "mounted_path": "/in/b"}],
     "outputs": [{"name": "out", "mounted_path": "/out"}],
     "command": ["/bin/sh", "-c", "cat /in/a/msg.txt /in/b/msg.txt > /out/all.txt; exit $EXIT"]}
  ]
}`

// compileWorkflow compiles one workflow of the tools container (image
// image) with compiler/workflow and returns it ready to run.
func compileWorkflow(t *testing.T, image string, tasks map[string]workflow.Task) *Workflow {
	t.Helper()
	dir := t.TempDir()
	pcFile := filepath.Join(dir, "pc.json")
	if err := os.WriteFile(pcFile, []byte(toolsPC), 0o644); err != nil {
		t.Fatal(err)
	}
	res, diags := workflow.Compile(workflow.Input{
		Workflows: workflow.Workflows{"wf": {
			Labels:     map[string]string{"provider": "pono", "category": "test"},
			Containers: map[string]workflow.Container{"tools": {Image: image, ProcessingContainer: workflow.PCSource{Path: "pc.json"}}},
			Tasks:      tasks,
		}},
		Platform: workflow.Platform{BuildVersion: "0.1.0"},
		ReadFile: func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, p)) },
	})
	if diags.HasErrors() || len(res.Workflows) != 1 {
		t.Fatalf("compile: %v", diags)
	}
	cw := res.Workflows[0]
	w, err := FromCompiled(cw.Graph, cw.Files, func(string) string { return pcFile })
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func produce(env map[string]workflow.EnvValue, inputs ...workflow.Binding) workflow.Task {
	return workflow.Task{Container: "tools", Template: "produce", Env: env, Inputs: inputs}
}

func combine(a, b string) workflow.Task {
	return workflow.Task{Container: "tools", Template: "combine", Inputs: workflow.Bindings{{Channel: "a", Source: a}, {Channel: "b", Source: b}}}
}
