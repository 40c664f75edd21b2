package kaapanadir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/test/testenv"
)

func lines(l diag.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// TestKaapanaWorkflows validates Kaapana's own v2 workflows and asserts
// every finding: dummy-workflow's parameters name env variables its
// templates do not declare and pass a bool; registration-workflow's five
// parameters name a task "registration" its DAG does not have, and its
// get-input-task image is built from processing-containers/download.
func TestKaapanaWorkflows(t *testing.T) {
	root := testenv.SharedDir(t, "kaapana-src/data-processing/workflows")
	for _, name := range []string{"dummy-workflow", "registration-workflow"} {
		t.Run(name, func(t *testing.T) {
			res, err := Validate(Options{Dir: filepath.Join(root, name), Display: name})
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", "kaapana", name+".diagnostics"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), lines(res.Diagnostics)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if len(res.Unconvertible) > 0 {
				t.Errorf("the reader could not read all of %s:\n%s", name, lines(res.Unconvertible))
			}
		})
	}
}

// TestImportKaapanaWorkflows imports both workflows and compiles the
// result as pono's platform would, with the processing-container.json
// files where the import says they are: the same template findings come
// back, now at the platform's fields.
func TestImportKaapanaWorkflows(t *testing.T) {
	root := testenv.SharedDir(t, "kaapana-src/data-processing/workflows")
	for _, name := range []string{"dummy-workflow", "registration-workflow"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(root, name)
			out, _, err := Import(ImportOptions{Options: Options{Dir: dir, Display: name}})
			if err != nil {
				t.Fatal(err)
			}
			again, _, _ := Import(ImportOptions{Options: Options{Dir: dir, Display: name}})
			if string(again) != string(out) {
				t.Error("two imports differ")
			}
			want, err := os.ReadFile(filepath.Join("testdata", "kaapana", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(out)); diff != "" {
				t.Errorf("import (-want +got):\n%s", diff)
			}
			var plat struct {
				Workflows workflow.Workflows `json:"workflows"`
			}
			if err := yaml.UnmarshalStrict(out, &plat); err != nil {
				t.Fatalf("the import is not pono's format: %v", err)
			}
			_, diags := workflow.Compile(workflow.Input{
				Workflows: plat.Workflows,
				Platform:  workflow.Platform{BuildVersion: "0.6.0"},
				ReadFile:  func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, p)) },
			})
			wantC, err := os.ReadFile(filepath.Join("testdata", "kaapana", name+".compiled"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantC), lines(diags)); diff != "" {
				t.Errorf("compiling the import (-want +got):\n%s", diff)
			}
		})
	}
}
