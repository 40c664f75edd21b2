package workflowrun

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/pono-gitops/pono/test/dockerd"
)

const toolsImage = "pono.local/workflow-tools:latest"

var buildImage sync.Once

// dockerRunner is a docker-mode taskrun runner on the package's private
// dockerd, with the tools image built.
func dockerRunner(t *testing.T) (*taskrun.Runner, *dockerd.Engine) {
	t.Helper()
	e := dockerd.Shared(t)
	buildImage.Do(func() { e.BuildImage(t, "testdata/image", toolsImage) })
	r := taskrun.New(taskrun.Config{Mode: taskrun.ModeDocker, DockerHost: e.Host, Network: "none", StopGrace: time.Second})
	t.Cleanup(func() { r.Close() })
	return r, e
}

func env(kv ...string) map[string]workflow.EnvValue {
	m := map[string]workflow.EnvValue{}
	for i := 0; i < len(kv); i += 2 {
		b, _ := json.Marshal(kv[i+1])
		m[kv[i]] = workflow.EnvValue{Raw: b}
	}
	return m
}

func seedBinding() workflow.Binding { return workflow.Binding{Channel: "seed", Source: "a.out"} }

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDockerFanIn runs a → (b, c) → d in containers: a reads the seed
// directory given with --input, b and c read a's output, d (the fan-in)
// concatenates theirs; then the same run directory runs again with other
// input and gives the new result, stale files gone.
func TestDockerFanIn(t *testing.T) {
	r, _ := dockerRunner(t)
	w := compileWorkflow(t, toolsImage, map[string]workflow.Task{
		"a": produce(env("MSG", "from a")),
		"b": produce(env("MSG", "from b"), seedBinding()),
		"c": produce(env("MSG", "from c"), seedBinding()),
		"d": combine("b.out", "c.out"),
	})
	seed := t.TempDir()
	os.WriteFile(filepath.Join(seed, "seed.txt"), []byte("seed\n"), 0o644)
	dir := t.TempDir()
	run := func(set string) *Record {
		var in Input
		if err := in.AddInputDir(w, "a.seed="+seed); err != nil {
			t.Fatal(err)
		}
		if err := in.AddSet(w, set); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		start := time.Now()
		rec, err := Run(ctx, r, w, Options{RunDir: dir, Input: in})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("4 tasks in %s", time.Since(start).Round(time.Millisecond))
		if rec.State != RunSucceeded {
			t.Fatalf("run %s: %v", rec.State, states(rec))
		}
		return rec
	}
	rec := run("b.MSG=set for b")
	if got, want := readFile(t, filepath.Join(dir, "d", "out", "all.txt")), "seed\nfrom a\nset for b\nseed\nfrom a\nfrom c\n"; got != want {
		t.Errorf("d/out/all.txt = %q, want %q", got, want)
	}
	d, _ := rec.Task("d")
	if d.ExitCode == nil || *d.ExitCode != 0 || d.Run == nil || d.Run.Docker == nil {
		t.Errorf("d's record = %+v", d)
	}
	if d.PeakMemoryBytes <= 0 {
		t.Logf("no peak memory measured for d (the engine's stats may miss a short task)")
	}

	// Rerun into the same directory: outputs start empty.
	stale := filepath.Join(dir, "d", "out", "stale.txt")
	os.WriteFile(stale, []byte("old"), 0o644)
	run("b.MSG=again")
	if got, want := readFile(t, filepath.Join(dir, "d", "out", "all.txt")), "seed\nfrom a\nagain\nseed\nfrom a\nfrom c\n"; got != want {
		t.Errorf("after the rerun d/out/all.txt = %q, want %q", got, want)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("%s survived the rerun", stale)
	}
}

// TestDockerOutcomes: b exits 126 (skipped, and d with it), c exits 3
// (failed); e, independent, still runs.
func TestDockerOutcomes(t *testing.T) {
	r, _ := dockerRunner(t)
	w := compileWorkflow(t, toolsImage, map[string]workflow.Task{
		"a": produce(nil),
		"b": produce(env("EXIT", "126"), seedBinding()),
		"c": produce(env("EXIT", "3"), seedBinding()),
		"d": combine("b.out", "c.out"),
		"e": produce(nil),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rec, err := Run(ctx, r, w, Options{RunDir: t.TempDir(), Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "succeeded", "b": "skipped: the task exited 126 (skip)", "c": "failed: the task exited 3",
		"d": "skipped: upstream task b was skipped", "e": "succeeded"}
	if diff := cmp.Diff(want, states(rec)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if rec.State != RunFailed {
		t.Errorf("run state %s, want failed", rec.State)
	}
}

// TestDockerSIGTERM sends the process a real SIGTERM while two tasks run:
// both are stopped and recorded cancelled (with the peak memory sampled
// while they ran), the one waiting for them never starts, and no container
// is left running.
func TestDockerSIGTERM(t *testing.T) {
	r, e := dockerRunner(t)
	sleep := produce(nil)
	sleep.Command = []string{"sleep", "600"}
	w := compileWorkflow(t, toolsImage, map[string]workflow.Task{
		"a": sleep, "e": sleep,
		"c": produce(nil, seedBinding()),
	})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	// SIGTERM once both containers run (and have been sampled a few times).
	go func() {
		for ctx.Err() == nil {
			if len(strings.Fields(dockerPS(t, e.Host))) == 2 {
				time.Sleep(500 * time.Millisecond)
				syscall.Kill(os.Getpid(), syscall.SIGTERM)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	rec, err := Run(ctx, r, w, Options{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "cancelled: the run was stopped", "e": "cancelled: the run was stopped",
		"c": "cancelled: the run was stopped before the task started"}
	if diff := cmp.Diff(want, states(rec)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	for _, id := range []string{"a", "e"} {
		tr, _ := rec.Task(id)
		st, err := r.Status(context.Background(), tr.Run)
		if err != nil || st.Phase == taskrun.PhaseRunning {
			t.Errorf("task %s after SIGTERM: %+v, %v", id, st, err)
		}
		// It ran for a second: its memory was sampled.
		if tr.PeakMemoryBytes <= 0 {
			t.Errorf("task %s: no peak memory recorded", id)
		}
	}
	if s := dockerPS(t, e.Host); s != "" {
		t.Errorf("containers still running: %s", s)
	}
}

// dockerPS lists the running containers' ids.
func dockerPS(t *testing.T, host string) string {
	out, err := exec.Command("docker", "-H", host, "ps", "-q").CombinedOutput()
	if err != nil {
		t.Errorf("docker ps: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out))
}
