package platformgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// benchPC is a processing-container.json with a source template and a
// step template (two inputs, one output, two env variables).
const benchPC = `{
    "name": "bench-%[1]d",
    "description": "benchmark container %[1]d",
    "api_version": 1,
    "templates": [
        {"identifier": "source", "description": "reads a dataset", "env": [{"name": "N", "value": "1"}],
         "inputs": [], "outputs": [{"name": "out", "mounted_path": "/out"}]},
        {"identifier": "step", "description": "one step", "env": [{"name": "N", "value": "1"}, {"name": "MODE", "value": "a", "choices": ["a", "b"]}],
         "inputs": [{"name": "in", "mounted_path": "/in"}, {"name": "side", "mounted_path": "/side"}],
         "outputs": [{"name": "out", "mounted_path": "/out"}]}
    ]
}
`

// WriteWorkflows adds n workflows of tasks tasks each to the platform in
// dir (workflows.yaml plus processing-containers/): two containers per
// workflow, every task after the first fed by the previous one and by the
// first (a fan-in), an env override per task and two parameters per
// workflow. The platform's build version comes from a global.
func WriteWorkflows(dir string, n, tasks int) error {
	var p strings.Builder
	p.WriteString("globals:\n  kaapana_build_version: \"0.6.0\"\nregistry:\n  url: registry.example.org/kaapana\nworkflows:\n")
	for w := range n {
		fmt.Fprintf(&p, "  wf-%02d:\n    labels: {provider: bench, category: bench}\n    containers:\n", w)
		for c := range 2 {
			path := fmt.Sprintf("processing-containers/bench-%d/processing-container.json", w*2+c)
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, path), fmt.Appendf(nil, benchPC, w*2+c), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(&p, "      bench-%d:\n        processing_container: {path: %s}\n", w*2+c, path)
		}
		p.WriteString("    tasks:\n")
		for i := range tasks {
			fmt.Fprintf(&p, "      task_%02d:\n        container: bench-%d\n        env: {N: \"%d\"}\n", i, w*2+i%2, i)
			if i == 0 {
				p.WriteString("        template: source\n")
				continue
			}
			fmt.Fprintf(&p, "        template: step\n        inputs: {in: task_%02d.out, side: task_00.out}\n", i-1)
		}
		p.WriteString(`    parameters:
      - {task: task_01, env: MODE, ui_form: {type: list, title: Mode, description: d, options: [a, b], default: a}}
      - {task: task_02, env: N, ui_form: {type: str, title: N, description: d, regex_pattern: "^[0-9]+$", default: "3"}}
`)
	}
	return os.WriteFile(filepath.Join(dir, "workflows.yaml"), []byte(p.String()), 0o644)
}
