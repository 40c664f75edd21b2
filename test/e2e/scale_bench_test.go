package e2e

import (
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// BenchmarkScale shows how pono's cost grows from 100 to 1000 releases of
// the small chart (issue 17): the full install by the pono binary at its
// default concurrency (wall time and peak RSS, logged: it runs once), then
// no-op applies (compile included) and idle reconcile cycles of the
// converged platform. ms/release is the per-release figure the goal
// compares between the sizes; any write fails the benchmark.
//
//	go test -run XXX -bench Scale -benchtime 5x -timeout 60m ./test/e2e/
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c := cluster.Shared(b)
			name := fmt.Sprintf("bs%d", n)
			dir := smallPlatform(b, name, n)
			cmd := exec.Command(testenv.Pono(b), "apply", dir, "--kubeconfig", c.Kubeconfig, "--cache-dir", b.TempDir())
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("install of %d releases: %v\n%s", n, err, out)
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
			b.Logf("install of %d releases by `pono apply`: %.1f s, peak RSS %d MiB", n, time.Since(start).Seconds(), rss/1024)
			b.Run("noop-apply", func(b *testing.B) {
				benchNoopApply(b, c, dir, n)
				perRelease(b, n)
			})
			url, srv := gitPlatform(b, dir, n)
			b.Run("idle-cycle", func(b *testing.B) {
				benchIdleCycles(b, c, name, url, srv)
				perRelease(b, n)
			})
		})
	}
}

// perRelease reports the time per operation divided by n releases.
func perRelease(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(n), "ms/release")
}
