package workflow

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExample compiles testdata/example (four tasks, a fan-in, five
// parameters of five form types) and compares every output with
// testdata/example/want/ (-update rewrites it).
func TestExample(t *testing.T) {
	dir := filepath.Join("testdata", "example")
	res, diags := Compile(loadInput(t, os.DirFS(dir), "platform.yaml"))
	var d strings.Builder
	for _, dg := range diags {
		d.WriteString(dg.String() + "\n")
	}
	got := outputs(res)
	got["diagnostics"] = []byte(d.String())
	wantDir := filepath.Join(dir, "want")
	if *update {
		os.RemoveAll(wantDir)
		for name, b := range got {
			f := filepath.Join(wantDir, name)
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := map[string][]byte{}
	err := filepath.WalkDir(wantDir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(wantDir, p)
		want[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got))); diff != "" {
		t.Errorf("output files (-want +got):\n%s", diff)
	}
	for name, b := range want {
		if diff := cmp.Diff(string(b), string(got[name])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if len(res.Workflows) != 1 {
		t.Fatalf("want the example compiled, got errors:\n%s", d.String())
	}
	checkOutputs(t, res)
}
