package diff_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/test/bench/platformgen"
)

// BenchmarkGitDiff200 diffs two commits of a 200-extension platform in
// which 5 extensions changed. Unchanged releases are rendered once and
// reused by digest for the other side.
func BenchmarkGitDiff200(b *testing.B) {
	t := &testing.T{}
	r := &repo{t: t, dir: b.TempDir()}
	r.git("init", "-q", "-b", "main")
	if err := platformgen.Write(filepath.Join(r.dir, "p"), platformgen.Options{Extensions: 200}); err != nil {
		b.Fatal(err)
	}
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")
	if err := platformgen.Write(filepath.Join(r.dir, "p"), platformgen.Options{Extensions: 200, Variant: 1, Changed: 5}); err != nil {
		b.Fatal(err)
	}
	r.git("commit", "-q", "-am", "change 5")
	if t.Failed() {
		b.Fatal("setting up the repository failed")
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		cache := compiler.NewRenderCache()
		d := diff.NewGitDiff(&compiler.Config{RenderCache: cache})
		d.Base, d.Head = "main~1", "main"
		rep, err := d.Run(ctx, filepath.Join(r.dir, "p"))
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Reconfigured != 5 || rep.Summary.Unchanged != 195 {
			b.Fatalf("summary %+v, want 5 reconfigured and 195 unchanged", rep.Summary)
		}
		if cache.Hits() != 195 {
			b.Fatalf("render cache hits %d, want 195 (unchanged releases rendered once)", cache.Hits())
		}
	}
}
