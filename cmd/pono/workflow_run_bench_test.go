package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pono-gitops/pono/internal/dockerengine"
	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/pono-gitops/pono/run/workflowrun"
)

const benchTasks = 20

// BenchmarkWorkflowRunOverhead measures what pono adds per task around
// the container (its start to exit, as the engine records it, excluded)
// for a workflow of 20 independent no-op tasks: `pono workflow run
// --parallel 1` beside the same 20 task files run one by one with `pono
// task run --wait`, each a process of the pono binary, as a user runs
// them. It reports the medians over b.N rounds (docs/benchmarks.md):
//
//	go test -run XXX -bench WorkflowRunOverhead -benchtime 5x ./cmd/pono/
func BenchmarkWorkflowRunOverhead(b *testing.B) {
	if testing.Short() {
		b.Skip("needs a private Docker engine")
	}
	engine, bin := ponoWithEngine(b)
	dc := engine.Client(b)
	dir := b.TempDir()
	plat := filepath.Join(dir, "p")
	writeBenchPlatform(b, plat)
	pono := func(env []string, args ...string) time.Duration {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), append(env, "DOCKER_HOST="+engine.Host)...)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("pono %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return time.Since(start)
	}
	var wf, one, par []float64
	b.ResetTimer()
	for i := range b.N {
		runDir := filepath.Join(dir, fmt.Sprintf("run%d", i))
		wall := pono(nil, "workflow", "run", plat, "noop", "--run-dir", runDir, "--parallel", "1", "--network", "none")
		rec, err := workflowrun.ReadRecord(runDir)
		if err != nil {
			b.Fatal(err)
		}
		var ids []string
		for _, t := range rec.Tasks {
			ids = append(ids, t.Run.ID)
		}
		wf = append(wf, overheadPerTask(b, dc, wall, ids))

		// The same task files, one `pono task run` each.
		var total time.Duration
		ids = ids[:0]
		for _, t := range rec.Tasks {
			out := filepath.Join(runDir, "one-"+t.ID+".json")
			total += pono([]string{"run_dir=" + runDir}, "task", "run", filepath.Join(runDir, t.TaskFile), "--wait", "--network", "none",
				"--processing-container", filepath.Join(plat, "pc", "noop.json"), "-o", out)
			r, err := taskrun.ReadRecord(out)
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		one = append(one, overheadPerTask(b, dc, total, ids))

		wall = pono(nil, "workflow", "run", plat, "noop", "--run-dir", runDir+"-p4", "--parallel", "4", "--network", "none")
		par = append(par, float64(wall.Milliseconds())/benchTasks)
	}
	b.StopTimer()
	b.ReportMetric(median(wf), "workflow-run-overhead-ms/task")
	b.ReportMetric(median(one), "task-run-overhead-ms/task")
	b.ReportMetric(median(par), "parallel4-wall-ms/task")
}

// overheadPerTask is (wall - the containers' own run time) / tasks, in ms.
func overheadPerTask(b *testing.B, dc *dockerengine.Client, wall time.Duration, ids []string) float64 {
	var inContainer time.Duration
	for _, id := range ids {
		st, err := dc.Inspect(context.Background(), id)
		if err != nil {
			b.Fatal(err)
		}
		inContainer += st.FinishedAt.Sub(st.StartedAt)
	}
	return float64((wall - inContainer).Microseconds()) / 1000 / float64(len(ids))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func writeBenchPlatform(b *testing.B, dir string) {
	var tasks strings.Builder
	for i := range benchTasks {
		fmt.Fprintf(&tasks, "      t%02d: {container: noop, template: noop}\n", i)
	}
	writeFiles(b, dir, map[string]string{
		"platform.yaml": "name: bench\nglobals:\n  kaapana_build_version: \"0.1.0\"\nworkflows:\n  noop:\n" +
			"    labels: {provider: pono, category: bench}\n    containers:\n      noop:\n        image: pono.local/task-dummy:latest\n" +
			"        processing_container: {path: pc/noop.json}\n    tasks:\n" + tasks.String(),
		"pc/noop.json": `{"name": "noop", "description": "does nothing", "templates": [{"identifier": "noop", "description": "exits 0",
  "env": [], "inputs": [], "outputs": [{"name": "out", "mounted_path": "/out"}], "command": ["true"]}]}`,
	})
}
