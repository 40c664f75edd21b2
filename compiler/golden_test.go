package compiler_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/compiler"
)

var update = flag.Bool("update", false, "rewrite the out/ sections of golden txtar files")

// TestGolden compiles each testdata/golden/*.txtar. Input files are every
// section not under out/. Expected output: out/releases.yaml,
// out/manifests/* and out/workflows/* for a good platform, out/errors for
// a bad one, and out/warnings when the compile warns.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			want := map[string]string{}
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, "out/") {
					want[f.Name] = string(f.Data)
					continue
				}
				p := filepath.Join(dir, f.Name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := compileOutputs(t, dir)
			if *update {
				var kept []txtar.File
				for _, f := range ar.Files {
					if !strings.HasPrefix(f.Name, "out/") {
						kept = append(kept, f)
					}
				}
				for _, name := range sortedNames(got) {
					kept = append(kept, txtar.File{Name: name, Data: []byte(got[name])})
				}
				ar.Files = kept
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("compile output mismatch (-want +got), rerun with -update if intended:\n%s", diff)
			}
		})
	}
}

func compileOutputs(t *testing.T, dir string) map[string]string {
	t.Helper()
	env := ""
	if b, err := os.ReadFile(filepath.Join(dir, "ENV")); err == nil {
		env = strings.TrimSpace(string(b))
	}
	c := compiler.NewCompile(&compiler.Config{})
	c.Env = env
	res, err := c.Run(context.Background(), dir)
	out := map[string]string{}
	if err != nil {
		out["out/errors"] = strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "") + "\n"
		return out
	}
	rel, err := res.ReleasesYAML()
	if err != nil {
		t.Fatal(err)
	}
	out["out/releases.yaml"] = string(rel)
	for name, m := range res.Manifests {
		out["out/manifests/"+name+".yaml"] = string(m)
	}
	for _, w := range res.Workflows {
		for name, f := range w.Files {
			out["out/"+compiler.WorkflowsDir+"/"+w.Name+"/"+name] = string(f)
		}
	}
	if len(res.Warnings) > 0 {
		var w []string
		for _, d := range res.Warnings {
			w = append(w, d.String())
		}
		out["out/warnings"] = strings.Join(w, "\n") + "\n"
	}
	return out
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
