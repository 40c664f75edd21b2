package workflow

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

var update = flag.Bool("update", false, "rewrite the goldens in testdata/*.txtar")

// TestGolden compiles platform.yaml of each testdata/*.txtar with the
// archive's other files beside it, and compares want/diagnostics (every
// error and warning, exactly) and every want/<output> with what Compile
// produced. good_* archives hold every output; the others only what their
// check is about.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no goldens")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys, want := splitArchive(ar)
			res, diags := Compile(loadInput(t, fsys, "platform.yaml"))
			got := outputs(res)
			var d strings.Builder
			for _, dg := range diags {
				d.WriteString(dg.String() + "\n")
			}
			got["diagnostics"] = []byte(d.String())
			good := strings.HasPrefix(filepath.Base(file), "good_")
			if *update {
				rewrite(t, file, ar, got, good)
				return
			}
			if _, ok := want["diagnostics"]; !ok {
				t.Fatal("the archive has no want/diagnostics")
			}
			for _, name := range slices.Sorted(maps.Keys(want)) {
				g, ok := got[name]
				if !ok {
					t.Errorf("%s was not produced", name)
					continue
				}
				if diff := cmp.Diff(string(want[name]), string(g)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", name, diff)
				}
			}
			if good {
				for _, name := range slices.Sorted(maps.Keys(got)) {
					if _, ok := want[name]; !ok {
						t.Errorf("%s is produced but not in the golden", name)
					}
				}
			}
			checkOutputs(t, res)
		})
	}
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

func rewrite(t *testing.T, file string, ar *txtar.Archive, got map[string][]byte, good bool) {
	t.Helper()
	var keep []txtar.File
	for _, f := range ar.Files {
		name, isWant := strings.CutPrefix(f.Name, "want/")
		if !isWant {
			keep = append(keep, f)
			continue
		}
		if b, ok := got[name]; ok && !good {
			keep = append(keep, txtar.File{Name: f.Name, Data: b})
		}
	}
	if good {
		for _, name := range slices.Sorted(maps.Keys(got)) {
			keep = append(keep, txtar.File{Name: "want/" + name, Data: got[name]})
		}
	} else if !slices.ContainsFunc(keep, func(f txtar.File) bool { return f.Name == "want/diagnostics" }) {
		keep = append(keep, txtar.File{Name: "want/diagnostics", Data: got["diagnostics"]})
	}
	ar.Files = keep
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
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
