// Package uitest holds what the web page's tests share: the example
// workflow compiled.
package uitest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/workflow"
)

// ExampleWorkflows compiles compiler/workflow's example (four tasks, four
// bindings, five parameters).
func ExampleWorkflows(t testing.TB) []*workflow.Compiled {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "compiler", "workflow", "testdata", "example")
	src, err := os.ReadFile(filepath.Join(dir, "platform.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Registry     struct{ URL string } `json:"registry"`
		BuildVersion string               `json:"buildVersion"`
		Workflows    workflow.Workflows   `json:"workflows"`
	}
	if err := yaml.Unmarshal(src, &p); err != nil {
		t.Fatal(err)
	}
	res, diags := workflow.Compile(workflow.Input{
		Workflows: p.Workflows,
		Platform:  workflow.Platform{Registry: p.Registry.URL, BuildVersion: p.BuildVersion, Reserved: workflow.KaapanaCoreTitles},
		ReadFile:  func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))) },
	})
	if diags.HasErrors() || len(res.Workflows) != 1 {
		t.Fatalf("example workflow did not compile: %v", diags)
	}
	return res.Workflows
}
