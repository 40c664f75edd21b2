package compiler_test

import (
	"context"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/bench/platformgen"
)

// BenchmarkCompileWorkflows compiles a platform of 20 extensions without
// and with 50 workflows of 10 tasks each, in the same run: the difference
// is what the workflows cost (docs/benchmarks.md).
func BenchmarkCompileWorkflows(b *testing.B) {
	for _, wf := range []int{0, 50} {
		name := "extensions-20"
		if wf > 0 {
			name += "+workflows-50x10"
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			if err := platformgen.Write(dir, platformgen.Options{Extensions: 20}); err != nil {
				b.Fatal(err)
			}
			if wf > 0 {
				if err := platformgen.WriteWorkflows(dir, wf, 10); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				res, err := compiler.NewCompile(&compiler.Config{}).Run(ctx, dir)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Releases) != 20+wf || len(res.Workflows) != wf {
					b.Fatalf("%d releases and %d workflows, want %d and %d", len(res.Releases), len(res.Workflows), 20+wf, wf)
				}
			}
		})
	}
}
