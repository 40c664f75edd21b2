package compiler_test

import (
	"context"
	"fmt"
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

// BenchmarkCompileScale compiles generated platforms of 100, 1000 and 5000
// extensions (issue 17: per-extension cost at 1000 within 1.5x of that at
// 100, 5000 under 10 s). ns/ext is the per-extension figure.
//
//	go test -run XXX -bench CompileScale -benchtime 1x -count 3 ./compiler/
func BenchmarkCompileScale(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := platformgen.Write(dir, platformgen.Options{Extensions: n}); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				res, err := compiler.NewCompile(&compiler.Config{}).Run(ctx, dir)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Releases) != n {
					b.Fatalf("%d releases, want %d", len(res.Releases), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/ext")
		})
	}
}
