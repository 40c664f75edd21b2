package compiler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestGolden compiles each testdata/golden/*.txtar. Input files are every
// section not under out/. Expected output, exactly the out/ sections:
// out/releases.yaml, out/manifests/* and out/workflows/* for a good
// platform, out/errors for a bad one, and out/warnings when the compile
// warns.
func TestGolden(t *testing.T) {
	goldentest.RunExact(t, "testdata/golden/*.txtar", "out/", func(t *testing.T, ar *txtar.Archive) map[string]string {
		t.Parallel()
		dir := t.TempDir()
		goldentest.WriteFiles(t, ar, dir, func(name string) bool { return strings.HasPrefix(name, "out/") })
		return compileOutputs(t, dir)
	})
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
