package workflow

import (
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/goldentest"
)

// update is goldentest's -update flag, which example_test.go also obeys.
var update = goldentest.Update

// TestGolden compiles platform.yaml of each testdata/*.txtar with the
// archive's other files beside it, and compares want/diagnostics (every
// error and warning, exactly) and every want/<output> with what Compile
// produced. good_* archives hold every output; the others only what their
// check is about.
func TestGolden(t *testing.T) {
	goldentest.RunExact(t, "testdata/*.txtar", "want/", func(t *testing.T, ar *txtar.Archive) map[string]string {
		fsys, _ := splitArchive(ar)
		res, diags := Compile(loadInput(t, fsys, "platform.yaml"))
		checkOutputs(t, res)
		// The subtest is named after the archive.
		good := strings.HasPrefix(path.Base(t.Name()), "good_")
		got := map[string]string{}
		for name, b := range outputs(res) {
			if _, ok := goldentest.Section(ar, "want/"+name); ok || good {
				got["want/"+name] = string(b)
			}
		}
		var d strings.Builder
		for _, dg := range diags {
			d.WriteString(dg.String() + "\n")
		}
		got["want/diagnostics"] = d.String()
		return got
	})
}

// checkOutputs holds every generated DAG to python3's parser and every
// task file to pono's Task API validation.
func checkOutputs(t *testing.T, res *Result) {
	t.Helper()
	for _, c := range res.Workflows {
		pythonParses(t, c.Definition, c.Files[c.Definition])
		for name, b := range c.Files {
			if !strings.HasPrefix(name, "tasks/") {
				continue
			}
			r, v := taskapi.Validate(name, b, taskapi.ValidateOptions{Kind: taskapi.KindTask, Strict: true,
				Lookup: func(k string) (string, bool) { return "/run", k == RunDirVar || k == "REGISTRY_CREDS" }})
			if v == nil || len(r.Diagnostics) > 0 {
				t.Errorf("%s/%s does not validate: %v", c.Name, name, r.Diagnostics)
			}
		}
	}
}

// splitArchive separates an archive's input files from its want/ files.
func splitArchive(ar *txtar.Archive) (fstest.MapFS, map[string][]byte) {
	fsys := fstest.MapFS{}
	want := map[string][]byte{}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "want/"); ok {
			want[name] = f.Data
		} else {
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	return fsys, want
}

// readArchive returns the input files of a golden.
func readArchive(t testing.TB, file string) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := splitArchive(ar)
	return fsys
}
