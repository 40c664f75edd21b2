package platformgen

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrite checks the layout docs/benchmarks.md describes (one local
// chart of three templates per extension) and the variant's changed
// parameter, without compiling.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Options{Extensions: 3, Variant: 2, Changed: 1}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, ext := range []string{"ext-000", "ext-001", "ext-002"} {
		for _, f := range []string{"Chart.yaml", "templates/configmap.yaml", "templates/deployment.yaml", "templates/service.yaml", "values.yaml"} {
			want = append(want, "charts/"+ext+"-chart/"+f)
		}
	}
	want = append(want, "platform.yaml")
	if diff := cmp.Diff(want, files(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	wantPlatform := `name: bench
sources:
  local:
    path: charts
extensions:
  ext-000:
    chart: ext-000-chart
    version: "1.0.0"
    parameters:
      greeting: "hello-v2"
      size: medium
  ext-001:
    chart: ext-001-chart
    version: "1.0.0"
    parameters:
      greeting: "hello"
      size: medium
  ext-002:
    chart: ext-002-chart
    version: "1.0.0"
    parameters:
      greeting: "hello"
      size: medium
`
	if diff := cmp.Diff(wantPlatform, read(t, dir, "platform.yaml")); diff != "" {
		t.Errorf("platform.yaml (-want +got):\n%s", diff)
	}
	if got := read(t, dir, "charts/ext-001-chart/Chart.yaml"); !strings.Contains(got, "name: ext-001-chart\n") {
		t.Errorf("Chart.yaml does not name its chart:\n%s", got)
	}
}

// TestWriteWorkflows checks the workflow files: workflows.yaml and two
// processing containers per workflow.
func TestWriteWorkflows(t *testing.T) {
	dir := t.TempDir()
	if err := WriteWorkflows(dir, 2, 3); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"processing-containers/bench-0/processing-container.json",
		"processing-containers/bench-1/processing-container.json",
		"processing-containers/bench-2/processing-container.json",
		"processing-containers/bench-3/processing-container.json",
		"workflows.yaml",
	}
	if diff := cmp.Diff(want, files(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	wf := read(t, dir, "workflows.yaml")
	for _, s := range []string{"  wf-00:\n", "  wf-01:\n", "      task_02:\n        container: bench-2\n", "inputs: {in: task_01.out, side: task_00.out}"} {
		if !strings.Contains(wf, s) {
			t.Errorf("workflows.yaml lacks %q:\n%s", s, wf)
		}
	}
}

// files lists the regular files under dir, slash-separated, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
