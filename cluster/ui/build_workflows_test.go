package ui

import (
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
)

// TestPlatformWorkflowsReachThePage compiles the Kaapana-like example, whose
// platform describes the organ-report workflow, and checks that the page
// shows it from the compile result alone, as the reconciler and `pono ui`
// publish it.
func TestPlatformWorkflowsReachThePage(t *testing.T) {
	res, err := compiler.NewCompile(&compiler.Config{CacheDir: t.TempDir()}).Run(t.Context(), "../../examples/kaapana-like")
	if err != nil {
		t.Fatal(err)
	}
	snap := Build(Input{Result: res})
	if len(snap.Workflows) != 1 || snap.Workflows[0].Name != "organ-report" {
		t.Fatalf("workflows on the page: %+v, want organ-report", snap.Workflows)
	}
	w := snap.Workflows[0]
	if w.Release == nil || w.Release.Release != "organ-report" {
		t.Errorf("organ-report's release row: %+v", w.Release)
	}
	if len(w.Parameters) == 0 {
		t.Error("organ-report's form has no fields")
	}
	s := New(Options{Releases: fakeReleases{}})
	s.Publish(snap)
	_, body := get(t, s.Handler(), "/ui/workflows/organ-report")
	if n := strings.Count(body, `class="node"`); n != 4 {
		t.Errorf("graph nodes = %d, want 4", n)
	}
}
