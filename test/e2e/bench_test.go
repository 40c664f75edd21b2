package e2e

import (
	"context"
	"testing"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/test/cluster"
)

// BenchmarkNoopApply200 applies an unchanged platform of 200 releases
// (compile included) and reports API requests per apply; any write fails
// the benchmark.
//
//	go test -run XXX -bench NoopApply200 -benchtime 5x ./test/e2e/
func BenchmarkNoopApply200(b *testing.B) {
	c := cluster.Shared(b)
	dir := smallPlatform(b, "bn", 200)
	if rep, _, _ := mustApply(b, c, dir, func(a *apply.Apply) { a.Concurrency = 16 }); rep.Counts()[apply.OutcomeChanged]+rep.Counts()[apply.OutcomeUnchanged] != 200 {
		b.Fatalf("setup:\n%s", table(rep))
	}
	benchNoopApply(b, c, dir, 200)
}

// benchNoopApply times no-op applies (compile included) of the converged
// platform dir of n releases; any write fails it.
func benchNoopApply(b *testing.B, c *cluster.Cluster, dir string, n int) {
	cfg, wc := countingConfig(c)
	a := apply.NewApply(&kube.Config{RESTConfig: cfg})
	b.ResetTimer()
	for b.Loop() {
		res := compile(b, dir)
		rep, err := a.Run(context.Background(), res)
		if err != nil || rep.Counts()[apply.OutcomeUnchanged] != n {
			b.Fatalf("no-op apply: %v\n%s", err, table(rep))
		}
	}
	b.StopTimer()
	if w := wc.Writes(); len(w) != 0 {
		b.Fatalf("no-op applies wrote %d times: %v", len(w), w)
	}
	b.ReportMetric(float64(wc.reads.Load())/float64(b.N), "reads/op")
	b.ReportMetric(0, "writes/op")
}
