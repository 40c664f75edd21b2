package taskapi

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestBuildPodGolden builds the pod and registry secret for Kaapana's own
// dummy tasks and for a task using every k8s config field, and compares
// them with testdata/pod/<case>.yaml.
func TestBuildPodGolden(t *testing.T) {
	const mi = 1 << 20
	tests := []struct {
		name, task, pc string
		env            map[string]string
		size           int64
	}{
		{name: "kaapana-upstream", task: "task_api-dummy__upstream-task.json", pc: "task_api-dummy__processing-container.json"},
		// limits only, plus a limit scale rule: 25 x 3Mi + 10% = 83Mi > 50Mi.
		{name: "kaapana-downstream", task: "task_api-dummy__downstream-task.json", pc: "task_api-dummy__processing-container.json", size: 3 * mi},
		{name: "k8s-config", task: "testdata/pod/k8s-config-task.json", pc: "task_api-dummy__processing-container.json",
			env: map[string]string{"output_dir": "/data/out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pcSrc, err := os.ReadFile(kaapanaFile(t, tt.pc))
			if err != nil {
				t.Fatal(err)
			}
			pc, _, err := LoadProcessingContainer(tt.pc, pcSrc, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			taskFile := tt.task
			if filepath.Dir(taskFile) == "." {
				taskFile = kaapanaFile(t, taskFile)
			}
			src, err := os.ReadFile(taskFile)
			if err != nil {
				t.Fatal(err)
			}
			env := tt.env
			if env == nil {
				env = taskEnv
			}
			task, _, err := LoadTask(tt.task, src, ValidateOptions{Lookup: lookupMap(env), ProcessingContainer: pc})
			if err != nil {
				t.Fatal(err)
			}
			in, err := Resolve(task, pc)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ComputeResources(in, func(Channel) (int64, error) { return tt.size, nil })
			if err != nil {
				t.Fatal(err)
			}
			spec, err := BuildPod(in, res.Resources, PodOptions{Namespace: "fallback"})
			if err != nil {
				t.Fatal(err)
			}
			objs := []any{spec.Pod}
			if spec.Secret != nil {
				objs = []any{spec.Secret, spec.Pod}
			}
			var got []byte
			for _, obj := range objs {
				b, err := yaml.Marshal(obj)
				if err != nil {
					t.Fatal(err)
				}
				got = append(append(got, "---\n"...), b...)
			}
			goldentest.File(t, filepath.Join("testdata", "pod", tt.name+".yaml"), string(got))
		})
	}
}
