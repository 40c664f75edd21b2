package taskrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pono-gitops/pono/internal/dockerengine"
	"github.com/pono-gitops/pono/test/dockerd"
)

const dummyImage = "pono.local/task-dummy:latest"

// dockerRunner starts (once per package) a private dockerd, builds the
// task-dummy example image and returns a docker-mode runner for it.
func dockerRunner(t *testing.T) (*Runner, *dockerd.Engine) {
	t.Helper()
	e := dockerd.Shared(t)
	buildOnce(t, e)
	r := New(Config{Mode: ModeDocker, DockerHost: e.Host, Network: "none", StopGrace: time.Second})
	t.Cleanup(func() { r.Close() })
	return r, e
}

var built bool

func buildOnce(t *testing.T, e *dockerd.Engine) {
	t.Helper()
	if !built {
		e.BuildImage(t, "../../examples/task-dummy", dummyImage)
		built = true
	}
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// runToEnd prepares, runs and waits for a task file, returning the record,
// final status and logs.
func runToEnd(t *testing.T, r *Runner, taskFile string, vars map[string]string) (*Record, *Status, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	plan, err := r.Prepare(ctx, taskFile, PrepareOptions{Lookup: env(vars)})
	if err != nil {
		t.Fatalf("prepare %s: %v", taskFile, err)
	}
	start := time.Now()
	rec, err := r.Run(ctx, plan)
	if err != nil {
		t.Fatalf("run %s: %v", taskFile, err)
	}
	var logs bytes.Buffer
	if err := r.Logs(ctx, rec, true, &logs); err != nil {
		t.Fatalf("logs: %v", err)
	}
	st, err := r.Wait(ctx, rec)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	t.Logf("%s: %s (exit %d) in %s", filepath.Base(taskFile), st.Phase, st.ExitCode, time.Since(start).Round(time.Millisecond))
	return rec, st, logs.String()
}

// TestDockerUpstreamDownstream runs the example's two tasks: upstream
// writes into host directories, downstream reads them read-only through
// its input channels, env overrides arrive, and the downstream scale rule
// sets the memory limit the container really gets.
func TestDockerUpstreamDownstream(t *testing.T) {
	r, _ := dockerRunner(t)
	out := t.TempDir()
	vars := map[string]string{"registryUrl": "pono.local", "output_dir": out, "MESSAGE": "hello from the task"}

	// The template comes from the image's /processing-container.json.
	_, st, logs := runToEnd(t, r, "../../examples/task-dummy/tasks/upstream-task.json", vars)
	if st.Phase != PhaseSucceeded {
		t.Fatalf("upstream: %+v\n%s", st, logs)
	}
	for _, c := range []string{"channel1", "channel2"} {
		b, err := os.ReadFile(filepath.Join(out, "dummy", c, "dummy.txt"))
		if err != nil {
			t.Fatalf("upstream output: %v", err)
		}
		// The task's env overrides the template default "hello from upstream".
		if got := string(b); got != "hello from the task\n" {
			t.Errorf("%s/dummy.txt = %q, want the task's MESSAGE", c, got)
		}
	}
	payload, err := os.Stat(filepath.Join(out, "dummy", "channel1", "payload.txt"))
	if err != nil || payload.Size() != 1<<20 {
		t.Fatalf("payload: %v, %v", payload, err)
	}

	rec, st, logs := runToEnd(t, r, "../../examples/task-dummy/tasks/downstream-task.json", vars)
	if st.Phase != PhaseSucceeded {
		t.Fatalf("downstream: %+v\n%s", st, logs)
	}
	// 25 x (1 MiB payload + 20 bytes of dummy.txt) + 10% = 27.5 MiB -> 28Mi,
	// above the template's static 16Mi.
	const want = 28 << 20
	if got := rec.Computed.Resources.Limits["memory"]; got != "28Mi" {
		t.Errorf("computed limits.memory = %q, want 28Mi", got)
	}
	if st.MemoryLimitBytes != want {
		t.Errorf("container HostConfig.Memory = %d, want %d", st.MemoryLimitBytes, want)
	}
	for _, line := range []string{
		"downstream: channel1/dummy.txt: hello from the task",
		"downstream: channel2/dummy.txt: hello from the task",
		"downstream: inputs are read-only",
		"downstream: memory limit " + strconv.Itoa(want), // what the kernel enforces (cgroup)
		"downstream: TIME_SLEEP=0",
	} {
		if !strings.Contains(logs, line+"\n") {
			t.Errorf("downstream logs lack %q:\n%s", line, logs)
		}
	}

	// The run record round-trips and is enough to read the status back.
	file := filepath.Join(t.TempDir(), "run.json")
	if err := WriteRecord(file, rec); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRecord(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec.Task, back.Task, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("record task (-wrote +read):\n%s", diff)
	}
	again, err := New(Config{}).Status(context.Background(), back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, again); diff != "" {
		t.Errorf("status from the re-read record (-want +got):\n%s", diff)
	}
}

// TestDockerOutcomes covers the exit code mapping with command overrides
// of the downstream template.
func TestDockerOutcomes(t *testing.T) {
	r, _ := dockerRunner(t)
	in := t.TempDir()
	for _, c := range []string{"channel1", "channel2"} {
		if err := os.MkdirAll(filepath.Join(in, c), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		command   []string
		resources map[string]any
		want      Status
	}{
		{name: "exit 126 is skipped", command: []string{"sh", "-c", "echo nothing to do; exit 126"},
			want: Status{Phase: PhaseSkipped, ExitCode: 126, Reason: "Skipped", Message: "the task exited 126: skipped"}},
		{name: "exit 3 fails", command: []string{"sh", "-c", "exit 3"},
			want: Status{Phase: PhaseFailed, ExitCode: 3, Reason: "Error", Message: "the task exited 3"}},
		// A shell string doubling until it exceeds the template's 16Mi.
		{name: "exceeding the memory limit is OOM", command: []string{"sh", "-c", "x=0123456789abcdef; while true; do x=$x$x; done"},
			want: Status{Phase: PhaseOOMKilled, ExitCode: 137, Reason: "OOMKilled", Message: "the task exceeded its memory limit and was killed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := map[string]any{
				"name": "outcome", "image": dummyImage, "taskTemplate": "downstream", "command": tt.command,
				"inputs": []any{
					map[string]any{"name": "channel1", "volume_source": map[string]any{"host_path": filepath.Join(in, "channel1")}},
				},
			}
			file := writeJSON(t, task)
			_, st, logs := runToEnd(t, r, file, nil)
			st.MemoryLimitBytes = 0
			if diff := cmp.Diff(&tt.want, st); diff != "" {
				t.Errorf("status (-want +got):\n%s\nlogs:\n%s", diff, logs)
			}
		})
	}
}

// TestDockerStop stops a running task from its record.
func TestDockerStop(t *testing.T) {
	r, _ := dockerRunner(t)
	ctx := context.Background()
	file := writeJSON(t, map[string]any{"name": "sleeper", "image": dummyImage, "taskTemplate": "downstream",
		"command": []string{"sleep", "600"}})
	plan, err := r.Prepare(ctx, file, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Run(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := r.Status(ctx, rec); err != nil || st.Phase != PhaseRunning {
		t.Fatalf("status before stop = %+v, %v; want Running", st, err)
	}
	if err := r.Stop(ctx, rec); err != nil {
		t.Fatal(err)
	}
	st, err := r.Status(ctx, rec)
	if err != nil || !st.Done() || st.Phase == PhaseSucceeded {
		t.Fatalf("status after stop = %+v, %v; want a failed end", st, err)
	}
}

// TestDockerProcessingContainer reads /processing-container.json from the
// image the way `pono task processing-container IMAGE` does.
func TestDockerProcessingContainer(t *testing.T) {
	r, _ := dockerRunner(t)
	got, err := r.ProcessingContainer(context.Background(), dummyImage)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../examples/task-dummy/processing-container.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("processing-container.json from the image differs from the example's")
	}
	if _, err := r.ProcessingContainer(context.Background(), "pono.local/no-such-image:1"); err == nil {
		t.Error("reading from a missing image succeeded")
	}
}

func writeJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "task.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestDockerMissingImage: a missing image is pulled, as `docker run` does;
// the private engine reaches no registry, so the run fails, naming both.
func TestDockerMissingImage(t *testing.T) {
	r, _ := dockerRunner(t)
	ctx := context.Background()
	file := writeJSON(t, map[string]any{"name": "missing", "image": "pono.local/no-such-image:1",
		"taskTemplate": map[string]any{"identifier": "x", "description": "inline", "inputs": []any{}, "outputs": []any{}, "env": []any{}}})
	plan, err := r.Prepare(ctx, file, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Run(ctx, plan)
	if !errors.Is(err, dockerengine.ErrNotFound) || !strings.Contains(err.Error(), "pull image pono.local/no-such-image:1") {
		t.Fatalf("err = %v, want not found and a failed pull", err)
	}
	t.Log(err)
}

// TestDockerMonitorMemory: the peak a task reaches is measured from its
// cgroup while it runs: at least the 4 MiB string it builds, at most its
// limit, and the samples never go down.
func TestDockerMonitorMemory(t *testing.T) {
	r, _ := dockerRunner(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	file := writeJSON(t, map[string]any{"name": "grow", "image": dummyImage, "taskTemplate": "downstream",
		"resources": map[string]any{"limits": map[string]any{"memory": "64Mi"}},
		"command":   []string{"sh", "-c", "x=0123456789abcdef; i=0; while [ $i -lt 18 ]; do x=$x$x; i=$((i+1)); done; sleep 2"}})
	plan, err := r.Prepare(ctx, file, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Run(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	var samples []MemorySample
	peak, err := r.MonitorMemory(ctx, rec, 50*time.Millisecond, func(s MemorySample) { samples = append(samples, s) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("peak %d bytes from %s over %d samples", peak.PeakBytes, peak.Source, len(samples))
	if peak.PeakBytes < 4<<20 || peak.PeakBytes > 64<<20 {
		t.Errorf("peak = %d bytes, want between the 4 MiB string and the 64 MiB limit", peak.PeakBytes)
	}
	if peak.LimitBytes != 64<<20 {
		t.Errorf("limit = %d, want 64 MiB", peak.LimitBytes)
	}
	for i := 1; i < len(samples); i++ {
		if samples[i].PeakBytes < samples[i-1].PeakBytes {
			t.Errorf("sample %d: peak went down from %d to %d", i, samples[i-1].PeakBytes, samples[i].PeakBytes)
		}
	}
	if st, err := r.Wait(ctx, rec); err != nil || st.Phase != PhaseSucceeded {
		t.Errorf("task ended %+v, %v", st, err)
	}
}

// TestDockerSmallRequest: Docker refuses a reservation below 6 MiB, which
// Kaapana runs; pono runs the task without one and says so, and refuses a
// limit below it before anything is created.
func TestDockerSmallRequest(t *testing.T) {
	r, _ := dockerRunner(t)
	ctx := context.Background()
	file := writeJSON(t, map[string]any{"name": "small", "image": dummyImage, "taskTemplate": "downstream",
		"resources": map[string]any{"limits": map[string]any{"memory": "16Mi"}, "requests": map[string]any{"memory": "4Mi"}},
		"command":   []string{"true"}})
	plan, err := r.Prepare(ctx, file, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantNote := "requests.memory 4Mi is below the Docker engine's minimum reservation of 6Mi: the container runs without a memory reservation"
	if diff := cmp.Diff([]string{wantNote}, plan.Computed.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	rec, err := r.Run(ctx, plan)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if st, err := r.Wait(ctx, rec); err != nil || st.Phase != PhaseSucceeded {
		t.Errorf("task ended %+v, %v", st, err)
	}
	small := writeJSON(t, map[string]any{"name": "small", "image": dummyImage, "taskTemplate": "downstream",
		"resources": map[string]any{"limits": map[string]any{"memory": "5Mi"}}, "command": []string{"true"}})
	if _, err := r.Prepare(ctx, small, PrepareOptions{}); err == nil || err.Error() != "limits.memory 5Mi is below the Docker engine's minimum of 6Mi: the container cannot be created" {
		t.Errorf("a 5Mi limit: err = %v", err)
	}
}
