package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A program is linked once per set of compiled packages: a second link of
// the same package (another test process) finds the first one's program.
func TestGoBinaryReusesTheLinkedProgram(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PONO_CACHE", cache)
	const pkg = "github.com/pono-gitops/pono/cmd/pono-graphviz"
	first, err := linkCached(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first, filepath.Join(cache, "testbin")+string(filepath.Separator)) || filepath.Base(first) != "pono-graphviz" {
		t.Fatalf("program at %s, want pono-graphviz under %s/testbin", first, cache)
	}
	fi, err := os.Stat(first)
	if err != nil {
		t.Fatal(err)
	}
	second, err := linkCached(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if second != first {
		t.Errorf("second link at %s, want the first one's %s", second, first)
	}
	if fi2, err := os.Stat(second); err != nil || !os.SameFile(fi, fi2) {
		t.Errorf("the program was linked again: %v", err)
	}
	// It is the real program.
	cmd := exec.Command(first)
	cmd.Stdin = strings.NewReader("digraph { a -> b }")
	cmd.Env = []string{"TMPDIR=" + t.TempDir()}
	if out, err := cmd.Output(); err != nil || !strings.HasPrefix(string(out), "<?xml") && !strings.Contains(string(out), "<svg") {
		t.Errorf("pono-graphviz: %v, %.60q", err, out)
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "testbin"))
	if len(entries) != 1 {
		t.Errorf("testbin holds %d entries, want the one program's directory (no leftover build dirs)", len(entries))
	}
}
