package workflowrun

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/run/taskrun"
)

// fakeRunner prepares tasks with the real taskrun (which needs no engine
// when the processing-container.json is given) and fakes the containers:
// each task "runs" for delay and exits with exit[task].
type fakeRunner struct {
	real  *taskrun.Runner
	exit  map[string]int
	delay time.Duration
	// block makes the named task run until the context ends.
	block string

	mu      sync.Mutex
	plans   map[string]*taskrun.Plan
	order   []string
	running int
	peak    int
	stopped []string
}

func newFake() *fakeRunner {
	return &fakeRunner{real: taskrun.New(taskrun.Config{Mode: taskrun.ModeDocker}), exit: map[string]int{}, plans: map[string]*taskrun.Plan{}}
}

func (f *fakeRunner) Prepare(ctx context.Context, file string, o taskrun.PrepareOptions) (*taskrun.Plan, error) {
	return f.real.Prepare(ctx, file, o)
}

func (f *fakeRunner) ProcessingContainer(context.Context, string) ([]byte, error) {
	return nil, os.ErrNotExist
}

func (f *fakeRunner) Run(_ context.Context, p *taskrun.Plan) (*taskrun.Record, error) {
	id := strings.TrimPrefix(p.Instance.Name, "wf-")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plans[id] = p
	f.order = append(f.order, id)
	f.running++
	f.peak = max(f.peak, f.running)
	return &taskrun.Record{Kind: taskrun.RecordKind, Version: taskrun.RecordVersion, ID: id, Mode: taskrun.ModeDocker, Task: *p.Instance}, nil
}

func (f *fakeRunner) Wait(ctx context.Context, rec *taskrun.Record) (*taskrun.Status, error) {
	defer func() { f.mu.Lock(); f.running--; f.mu.Unlock() }()
	d := f.delay
	if rec.ID == f.block {
		d = time.Hour
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(d):
	}
	switch code := f.exit[rec.ID]; code {
	case 0:
		return &taskrun.Status{Phase: taskrun.PhaseSucceeded}, nil
	case taskrun.SkipExitCode:
		return &taskrun.Status{Phase: taskrun.PhaseSkipped, ExitCode: code}, nil
	case taskrun.OOMExitCode:
		return &taskrun.Status{Phase: taskrun.PhaseOOMKilled, ExitCode: code, Message: "the task exceeded its memory limit and was killed"}, nil
	default:
		return &taskrun.Status{Phase: taskrun.PhaseFailed, ExitCode: code, Message: "the task exited " + string(rune('0'+code))}, nil
	}
}

func (f *fakeRunner) Stop(_ context.Context, rec *taskrun.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, rec.ID)
	return nil
}

// diamond: a feeds b and c, which both feed d (a fan-in); e stands alone.
func diamond(t *testing.T) *Workflow {
	return compileWorkflow(t, "tools:1", map[string]workflow.Task{
		"a": produce(nil),
		"b": produce(nil, workflow.Binding{Channel: "seed", Source: "a.out"}),
		"c": produce(nil, workflow.Binding{Channel: "seed", Source: "a.out"}),
		"d": combine("b.out", "c.out"),
		"e": produce(nil),
	})
}

func states(rec *Record) map[string]string {
	out := map[string]string{}
	for _, t := range rec.Tasks {
		out[t.ID] = string(t.State)
		if t.Reason != "" {
			out[t.ID] += ": " + t.Reason
		}
	}
	return out
}

func TestOrderAndChannels(t *testing.T) {
	f := newFake()
	dir := t.TempDir()
	rec, err := Run(context.Background(), f, diamond(t), Options{RunDir: dir, Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != RunSucceeded {
		t.Errorf("run state %s, want succeeded: %v", rec.State, states(rec))
	}
	// With one task at a time, the dependency order the compiler gives.
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "e"}, f.order); diff != "" {
		t.Errorf("start order (-want +got):\n%s", diff)
	}
	// d's inputs are the directories b and c write, as KaapanaTaskOperator
	// mounts them.
	d := f.plans["d"].Instance
	got := map[string]string{}
	for _, ch := range d.Inputs {
		got[ch.Name] = ch.HostPath
	}
	want := map[string]string{"a": filepath.Join(dir, "b", "out"), "b": filepath.Join(dir, "c", "out")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("d's inputs (-want +got):\n%s", diff)
	}
	back, err := ReadRecord(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tr, _ := back.Task("d"); tr.Inputs["a"] != want["a"] || tr.Outputs["out"] != filepath.Join(dir, "d", "out") || tr.RecordFile != "task_run-d.json" {
		t.Errorf("record of d = %+v", tr)
	}
	if _, err := taskrun.ReadRecord(filepath.Join(dir, "task_run-d.json")); err != nil {
		t.Errorf("task record: %v", err)
	}
}

func TestParallelBound(t *testing.T) {
	for _, n := range []int{1, 2} {
		f := newFake()
		f.delay = 50 * time.Millisecond
		if _, err := Run(context.Background(), f, diamond(t), Options{RunDir: t.TempDir(), Parallel: n}); err != nil {
			t.Fatal(err)
		}
		// b, c and e can run together: the bound, never more.
		if f.peak != n {
			t.Errorf("--parallel %d: at most %d tasks ran at once, want %d", n, f.peak, n)
		}
	}
}

func TestSkipAndFailPropagate(t *testing.T) {
	tests := []struct {
		name string
		exit map[string]int
		want map[string]string
		run  RunState
	}{
		{"b skipped: d skipped, c runs", map[string]int{"b": 126},
			map[string]string{"a": "succeeded", "b": "skipped: the task exited 126 (skip)", "c": "succeeded", "d": "skipped: upstream task b was skipped", "e": "succeeded"}, RunSucceeded},
		{"a fails: everything downstream skipped, e runs", map[string]int{"a": 3},
			map[string]string{"a": "failed: the task exited 3", "b": "skipped: upstream task a failed", "c": "skipped: upstream task a failed", "d": "skipped: upstream task b was skipped", "e": "succeeded"}, RunFailed},
		{"c OOM-killed", map[string]int{"c": 137},
			map[string]string{"a": "succeeded", "b": "succeeded", "c": "oom-killed: the task exceeded its memory limit and was killed", "d": "skipped: upstream task c was OOM-killed", "e": "succeeded"}, RunFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.exit = tt.exit
			rec, err := Run(context.Background(), f, diamond(t), Options{RunDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, states(rec)); diff != "" {
				t.Errorf("states (-want +got):\n%s", diff)
			}
			if rec.State != tt.run {
				t.Errorf("run state %s, want %s", rec.State, tt.run)
			}
		})
	}
}

func TestCancelStopsRunningTasks(t *testing.T) {
	f := newFake()
	f.block = "b"
	f.delay = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var events []string
	var once sync.Once
	rec, err := Run(ctx, f, diamond(t), Options{RunDir: t.TempDir(), Parallel: 1, Progress: func(e Event) {
		events = append(events, e.Task+" "+string(e.State))
		if e.Task == "b" && e.State == StateRunning {
			once.Do(func() { time.AfterFunc(20*time.Millisecond, cancel) })
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "succeeded", "b": "cancelled: the run was stopped",
		"c": "cancelled: the run was stopped before the task started", "d": "cancelled: the run was stopped before the task started",
		"e": "cancelled: the run was stopped before the task started"}
	if diff := cmp.Diff(want, states(rec)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b"}, f.stopped); diff != "" {
		t.Errorf("stopped (-want +got):\n%s", diff)
	}
	if rec.State != RunCancelled {
		t.Errorf("run state %s", rec.State)
	}
	if events[0] != "a running" || events[1] != "a succeeded" {
		t.Errorf("events = %v", events)
	}
}

// TestEnvPrecedence: run input > the platform's env for the task > the
// template default; --set after --conf.
func TestEnvPrecedence(t *testing.T) {
	w := compileWorkflow(t, "tools:1", map[string]workflow.Task{
		"a": produce(map[string]workflow.EnvValue{"MSG": {Raw: json.RawMessage(`"platform"`)}, "LEVEL": {Raw: json.RawMessage(`"platform"`)}}),
		"b": produce(nil, workflow.Binding{Channel: "seed", Source: "a.out"}),
	})
	var in Input
	conf := `{"task_form": {"a": {"env": [{"name": "MSG", "value": "conf"}]}, "b": {"env": [{"name": "MSG", "value": "conf"}]}}}`
	if _, err := in.AddConf(w, "conf.json", []byte(conf)); err != nil {
		t.Fatal(err)
	}
	if err := in.AddSet(w, "b.MSG=set"); err != nil {
		t.Fatal(err)
	}
	f := newFake()
	if _, err := Run(context.Background(), f, w, Options{RunDir: t.TempDir(), Input: in}); err != nil {
		t.Fatal(err)
	}
	env := func(id string) map[string]string {
		out := map[string]string{}
		for _, e := range f.plans[id].Instance.Env {
			out[e.Name] = e.Value
		}
		return out
	}
	if diff := cmp.Diff(map[string]string{"MSG": "conf", "LEVEL": "platform", "EXIT": "0"}, env("a")); diff != "" {
		t.Errorf("a's env (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"MSG": "set", "LEVEL": "template", "EXIT": "0"}, env("b")); diff != "" {
		t.Errorf("b's env (-want +got):\n%s", diff)
	}
}

func TestConf(t *testing.T) {
	w := diamond(t)
	tests := []struct {
		name, conf string
		want       map[string][]EnvValue
		warnings   []string
		err        string
	}{
		{name: "kaapana's shape", conf: `{"task_form": {"a": {"env": [{"name": "MSG", "value": "x"}]}}, "project_form": {"kubernetes_namespace": "project-x"}}`,
			want: map[string][]EnvValue{"a": {{Name: "MSG", Value: "x", From: "c.json: task_form.a.env[0]"}}}},
		{name: "flat form warns", conf: `{"task_form": {"a": {"MSG": "x"}}}`,
			want:     map[string][]EnvValue{"a": {{Name: "MSG", Value: "x", From: "c.json: task_form.a.MSG"}}},
			warnings: []string{"c.json: task_form.a.MSG: Kaapana reads only task_form.a.env and ignores variables written directly under the task (the form its docs show); pono applies it, a run in Kaapana would not"}},
		{name: "unknown task warns", conf: `{"task_form": {"zz": {"env": []}}}`,
			warnings: []string{`c.json: task_form.zz: workflow wf has no task "zz" (tasks: a, b, c, d, e); Kaapana ignores it, and so does pono`}},
		{name: "a number", conf: `{"task_form": {"a": {"env": [{"name": "MSG", "value": 5}]}}}`,
			err: `c.json: task_form.a.env[0].value is a number (5): Kaapana's BaseEnv.value takes only strings, so the task would fail (write "5")`},
		{name: "a bool in the flat form", conf: `{"task_form": {"a": {"MSG": true}}}`,
			err: `c.json: task_form.a.MSG is a boolean (true): Kaapana's BaseEnv.value takes only strings, so the task would fail (write "true")`},
		{name: "null", conf: `{"task_form": {"a": {"env": [{"name": "MSG", "value": null}]}}}`,
			err: `c.json: task_form.a.env[0].value is null: Kaapana's BaseEnv.value takes only strings, so the task would fail`},
		{name: "a task field", conf: `{"task_form": {"a": {"command": ["x"]}}}`,
			err: `c.json: task_form.a.command: pono workflow run takes only env from a conf (Kaapana would replace the task's command with it); set it in the platform`},
		{name: "not an object", conf: `[1]`, err: `c.json: the conf is a list, not an object`},
		{name: "broken JSON", conf: "{\n  \"task_form\": {,}\n}", err: `c.json:2:17: invalid JSON: invalid character ',' looking for beginning of object key string`},
		{name: "env not a list", conf: `{"task_form": {"a": {"env": {"MSG": "x"}}}}`, err: `c.json: task_form.a.env is an object, not a list of {"name": ..., "value": ...}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in Input
			c, err := in.AddConf(w, "c.json", []byte(tt.conf))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v\nwant %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, in.Env); diff != "" {
				t.Errorf("env (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, c.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBadInputRunsNothing(t *testing.T) {
	w := diamond(t)
	seed := t.TempDir()
	tests := []struct {
		name string
		add  func(*Input) error
		err  string
	}{
		{"unknown variable", func(in *Input) error { return in.AddSet(w, "a.NOPE=1") },
			`--set a.NOPE: task a's template produce has no env variable "NOPE" (its env: MSG, LEVEL, EXIT)`},
		{"bound channel", func(in *Input) error { return in.AddInputDir(w, "b.seed="+seed) },
			`--input b.seed: input channel seed of task b is fed by an upstream task (a.out); --input is for channels nothing upstream feeds`},
		{"unknown channel", func(in *Input) error { return in.AddInputDir(w, "a.nope="+seed) },
			`--input a.nope: task a's template produce has no input channel "nope" (input channels: seed)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in Input
			if err := tt.add(&in); err != nil {
				t.Fatal(err)
			}
			f := newFake()
			dir := filepath.Join(t.TempDir(), "run")
			_, err := Run(context.Background(), f, w, Options{RunDir: dir, Input: in})
			if err == nil || err.Error() != tt.err {
				t.Fatalf("err = %v\nwant %s", err, tt.err)
			}
			if len(f.order) > 0 {
				t.Errorf("tasks ran: %v", f.order)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("the run directory was created")
			}
		})
	}
}

func TestSetAndInputSyntax(t *testing.T) {
	w := compileWorkflow(t, "tools:1", map[string]workflow.Task{"a": produce(nil), "a.b": produce(nil)})
	var in Input
	// The longest task id wins, as in the platform's bindings.
	if err := in.AddSet(w, "a.b.MSG=x=y"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string][]EnvValue{"a.b": {{Name: "MSG", Value: "x=y", From: "--set a.b.MSG"}}}, in.Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	for arg, want := range map[string]string{
		"MSG":      `--set "MSG": want TASK.VAR=value`,
		"zz.MSG=1": `--set "zz.MSG=1": workflow wf has no task "zz" (tasks: a, a.b)`,
		"a.=1":     `--set "a.=1": want TASK.VAR=value (no variable name after "a.")`,
	} {
		if err := in.AddSet(w, arg); err == nil || err.Error() != want {
			t.Errorf("--set %s: err = %v, want %s", arg, err, want)
		}
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for arg, want := range map[string]string{
		"a.seed":           `--input "a.seed": want TASK.CHANNEL=HOSTDIR`,
		"a.seed=/nonexist": `--input "a.seed=/nonexist": directory /nonexist does not exist`,
		"a.seed=" + file:   `--input "a.seed=` + file + `": ` + file + ` is not a directory`,
	} {
		if err := in.AddInputDir(w, arg); err == nil || err.Error() != want {
			t.Errorf("--input %s: err = %v, want %s", arg, err, want)
		}
	}
}

// TestRerunRemovesStaleOutputs: a rerun of the same run directory starts
// each task with an empty output directory.
func TestRerunRemovesStaleOutputs(t *testing.T) {
	dir := t.TempDir()
	w := diamond(t)
	stale := filepath.Join(dir, "d", "out", "stale.txt")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("old"), 0o644)
	if _, err := Run(context.Background(), newFake(), w, Options{RunDir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("stale output %s survived the rerun", stale)
	}
	// A link on the way out of the run directory is not followed.
	outside := t.TempDir()
	keep := filepath.Join(outside, "out", "keep.txt")
	os.MkdirAll(filepath.Dir(keep), 0o755)
	os.WriteFile(keep, []byte("keep"), 0o644)
	os.RemoveAll(filepath.Join(dir, "e"))
	if err := os.Symlink(outside, filepath.Join(dir, "e")); err != nil {
		t.Fatal(err)
	}
	rec, err := Run(context.Background(), newFake(), w, Options{RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := rec.Task("e"); e.State != StateFailed || !strings.Contains(e.Reason, "is a symbolic link") {
		t.Errorf("e = %+v", e.TaskState)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file outside the run was removed: %v", err)
	}
}
