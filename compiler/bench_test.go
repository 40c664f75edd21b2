package compiler_test

import (
	"context"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/bench/platformgen"
)

// BenchmarkCompile200 compiles and renders (twice, for the determinism
// check) a platform of 200 extensions with local charts.
func BenchmarkCompile200(b *testing.B) {
	dir := b.TempDir()
	if err := platformgen.Write(dir, platformgen.Options{Extensions: 200}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := compiler.NewCompile(&compiler.Config{}).Run(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Releases) != 200 {
			b.Fatalf("%d releases, want 200", len(res.Releases))
		}
	}
}
