package workflowrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/pono-gitops/pono/run/taskrun"
)

// Run runs the workflow and returns its record. Everything the user gave
// is checked first (the input against each task's template, the channel
// directories); an error returned before any task started means nothing
// ran. A task's failure is not an error: it is in the record (and the
// run's State is failed); cancelling ctx stops the running tasks and
// records them, and those not yet started, as cancelled.
func Run(ctx context.Context, r TaskRunner, w *Workflow, o Options) (*Record, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	if err := checkNames(w); err != nil {
		return nil, err
	}
	preps := make([]*prepared, len(w.Tasks))
	for i := range w.Tasks {
		p, err := prepareTask(ctx, r, w, &w.Tasks[i], &o)
		if err != nil {
			return nil, err
		}
		preps[i] = p
	}
	if err := os.MkdirAll(o.RunDir, 0o755); err != nil {
		return nil, fmt.Errorf("run directory: %w", err)
	}
	previous, _ := ReadRecord(filepath.Join(o.RunDir, RecordFile))
	rec := &Record{Kind: RecordKind, Version: RecordVersion, Workflow: w.Name, RunID: o.RunID, RunDir: o.RunDir,
		Mode: o.Mode, State: RunRunning, Started: time.Now().UTC()}
	for _, p := range preps {
		if err := writeJSON(filepath.Join(o.RunDir, TaskFile(p.task.ID)), rawJSON(p.file)); err != nil {
			return nil, err
		}
		tr := &TaskRecord{ID: p.task.ID, TaskState: TaskState{State: StatePending}, Upstream: p.task.Upstream,
			TaskFile: TaskFile(p.task.ID), Inputs: map[string]string{}, Outputs: map[string]string{}}
		for _, ch := range p.instance.Inputs {
			tr.Inputs[ch.Name] = ch.HostPath
		}
		for _, ch := range p.instance.Outputs {
			tr.Outputs[ch.Name] = ch.HostPath
		}
		rec.Tasks = append(rec.Tasks, tr)
	}
	s := &scheduler{r: r, o: &o, rec: rec, preps: preps, previous: previous, done: make(chan result)}
	return rec, s.run(ctx)
}

func (o *Options) defaults() error {
	if o.RunDir == "" {
		return errors.New("no run directory")
	}
	abs, err := filepath.Abs(o.RunDir)
	if err != nil {
		return err
	}
	o.RunDir = abs
	if o.RunID == "" {
		o.RunID = filepath.Base(abs)
	}
	if o.Mode == "" {
		o.Mode = taskrun.ModeDocker
	}
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.MemoryInterval == 0 {
		o.MemoryInterval = 100 * time.Millisecond
	}
	return nil
}

// checkNames refuses a task whose channel directory would be one of the
// files pono writes in the run directory.
func checkNames(w *Workflow) error {
	files := map[string]bool{RecordFile: true}
	for _, t := range w.Tasks {
		files[TaskFile(t.ID)], files[TaskRecordFile(t.ID)] = true, true
	}
	for _, t := range w.Tasks {
		if files[t.ID] {
			return fmt.Errorf("task %s: its channel directory %s/ would be a file pono writes in the run directory; rename the task", t.ID, t.ID)
		}
	}
	return nil
}

type result struct {
	i        int
	state    TaskState
	run      *taskrun.Record
	warnings []string
}

type scheduler struct {
	r        TaskRunner
	o        *Options
	rec      *Record
	preps    []*prepared
	previous *Record
	done     chan result
	running  int
	// werr is the first record that could not be written; the run goes on
	// and reports it at the end.
	werr error
}

func (s *scheduler) run(ctx context.Context) error {
	s.save()
	for {
		s.startReady(ctx)
		if s.running == 0 {
			break
		}
		res := <-s.done
		s.running--
		t := s.rec.Tasks[res.i]
		t.TaskState, t.Run, t.Warnings = res.state, res.run.WithoutSecrets(), res.warnings
		if res.run != nil && res.run.ID != "" {
			t.RecordFile = TaskRecordFile(t.ID)
			if err := taskrun.WriteRecord(filepath.Join(s.o.RunDir, t.RecordFile), res.run); err != nil && s.werr == nil {
				s.werr = err
			}
		}
		s.changed(res.i)
		s.save()
	}
	s.rec.Finished = time.Now().UTC()
	s.rec.State = RunSucceeded
	for _, t := range s.rec.Tasks {
		switch t.State {
		case StateFailed, StateOOMKilled:
			if s.rec.State != RunCancelled {
				s.rec.State = RunFailed
			}
		case StateCancelled:
			s.rec.State = RunCancelled
		}
	}
	s.save()
	return s.werr
}

// startReady ends the pending tasks that can no longer run and starts
// those whose upstream all succeeded, in dependency order, up to the
// bound.
func (s *scheduler) startReady(ctx context.Context) {
	for again := true; again; {
		again = false
		for i, t := range s.rec.Tasks {
			if t.State != StatePending {
				continue
			}
			if ctx.Err() != nil {
				s.end(i, TaskState{State: StateCancelled, Reason: "the run was stopped before the task started"})
				again = true
				continue
			}
			ready, blocker := true, ""
			for _, up := range t.Upstream {
				u, _ := s.rec.Task(up)
				if !u.State.Final() {
					ready = false
					break
				}
				if u.State != StateSucceeded && blocker == "" {
					blocker = up
				}
			}
			if !ready {
				continue
			}
			if blocker != "" {
				s.end(i, skippedBy(blocker, s.rec))
				again = true
				continue
			}
			if s.running >= s.o.Parallel {
				continue
			}
			s.running++
			t.State, t.Started = StateRunning, time.Now().UTC()
			s.changed(i)
			go func() { s.done <- s.runTask(ctx, i) }()
		}
	}
	s.save()
}

// skippedBy is the end of a task an upstream task did not let run: as
// Airflow's default trigger rule (all_success), a skipped upstream skips
// it and a failed one marks it upstream_failed, which Kaapana's UI shows as
// not run; pono records both as skipped, saying why.
func skippedBy(up string, rec *Record) TaskState {
	u, _ := rec.Task(up)
	if u.State == StateCancelled {
		return TaskState{State: StateCancelled, Reason: "the run was stopped before the task started"}
	}
	how := map[State]string{StateSkipped: "was skipped", StateFailed: "failed", StateOOMKilled: "was OOM-killed"}[u.State]
	return TaskState{State: StateSkipped, Reason: fmt.Sprintf("upstream task %s %s", up, how)}
}

func (s *scheduler) end(i int, st TaskState) {
	s.rec.Tasks[i].TaskState = st
	s.changed(i)
}

func (s *scheduler) changed(i int) {
	if s.o.Progress != nil {
		t := s.rec.Tasks[i]
		s.o.Progress(Event{Task: t.ID, TaskState: t.TaskState})
	}
}

func (s *scheduler) save() {
	if err := writeJSON(filepath.Join(s.o.RunDir, RecordFile), s.rec); err != nil && s.werr == nil {
		s.werr = err
	}
}

// runTask runs one task to its end. It runs on its own goroutine and
// touches only what it returns.
func (s *scheduler) runTask(ctx context.Context, i int) result {
	p := s.preps[i]
	res := result{i: i, state: TaskState{Started: s.rec.Tasks[i].Started}}
	fail := func(st State, reason string) result {
		if ctx.Err() != nil {
			st, reason = StateCancelled, "the run was stopped"
		}
		res.state.State, res.state.Reason, res.state.Finished = st, reason, time.Now().UTC()
		return res
	}
	// KaapanaTaskOperator removes each output directory before the task
	// starts, so that a rerun starts from nothing.
	for _, ch := range p.instance.Outputs {
		if err := removeStale(s.o.RunDir, ch.HostPath); err != nil {
			return fail(StateFailed, fmt.Sprintf("remove the stale output directory of channel %s: %v", ch.Name, err))
		}
	}
	plan, err := s.r.Prepare(ctx, filepath.Join(s.o.RunDir, TaskFile(p.task.ID)),
		taskrun.PrepareOptions{ProcessingContainerFile: p.task.ProcessingContainerFile, Lookup: s.o.lookup})
	if err != nil {
		return fail(StateFailed, err.Error())
	}
	for _, d := range plan.Warnings {
		res.warnings = append(res.warnings, d.String())
	}
	res.warnings = append(res.warnings, plan.Computed.Notes...)
	s.stopPrevious(ctx, p.task.ID)
	run, err := s.start(ctx, plan)
	res.run = run
	if err != nil {
		if run != nil && run.ID != "" {
			s.r.Stop(context.WithoutCancel(ctx), run)
		}
		return fail(StateFailed, err.Error())
	}
	peak := s.monitor(ctx, run)
	st, err := s.r.Wait(ctx, run)
	if err != nil {
		if ctx.Err() != nil {
			// Stopped as Kaapana's on_kill stops the pod; the container is
			// kept for its logs.
			if serr := s.r.Stop(context.WithoutCancel(ctx), run); serr != nil {
				return fail(StateCancelled, "the run was stopped, and stopping the task failed: "+serr.Error())
			}
			res.state.PeakMemoryBytes = peak()
			return fail(StateCancelled, "")
		}
		return fail(StateFailed, err.Error())
	}
	res.state.PeakMemoryBytes = peak()
	res.state.Finished = time.Now().UTC()
	code := st.ExitCode
	res.state.ExitCode = &code
	switch st.Phase {
	case taskrun.PhaseSucceeded:
		res.state.State = StateSucceeded
	case taskrun.PhaseSkipped:
		res.state.State, res.state.Reason = StateSkipped, "the task exited 126 (skip)"
	case taskrun.PhaseOOMKilled:
		res.state.State, res.state.Reason = StateOOMKilled, st.Message
	default:
		res.state.State, res.state.Reason = StateFailed, st.Message
	}
	return res
}

// start runs the plan. On Kubernetes a pod of the same name may still be
// terminating (a rerun): as KaapanaTaskOperator retries after deleting
// it, pono retries for a while.
func (s *scheduler) start(ctx context.Context, plan *taskrun.Plan) (*taskrun.Record, error) {
	for attempt := 0; ; attempt++ {
		run, err := s.r.Run(ctx, plan)
		if err == nil || s.o.Mode != taskrun.ModeK8s || !apierrors.IsAlreadyExists(err) || attempt >= 60 {
			return run, err
		}
		select {
		case <-ctx.Done():
			return run, err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// stopPrevious deletes the pod a previous run of the same run directory
// left for the task (k8s mode), as KaapanaTaskOperator deletes a retried
// task's pod; a stopped container needs nothing.
func (s *scheduler) stopPrevious(ctx context.Context, id string) {
	if s.o.Mode != taskrun.ModeK8s || s.previous == nil {
		return
	}
	if old, ok := s.previous.Task(id); ok && old.Run != nil && old.Run.Kubernetes != nil {
		s.r.Stop(ctx, old.Run)
	}
}

// monitor samples the task's memory in the background when the runner
// can; the returned function, called once the task has ended, stops the
// sampler (rather than waiting for its next look) and gives the peak.
func (s *scheduler) monitor(ctx context.Context, run *taskrun.Record) func() int64 {
	m, ok := s.r.(MemoryMonitor)
	if !ok || s.o.Mode != taskrun.ModeDocker || s.o.MemoryInterval < 0 {
		return func() int64 { return 0 }
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan int64, 1)
	go func() {
		last, _ := m.MonitorMemory(mctx, run, s.o.MemoryInterval, nil)
		done <- last.PeakBytes
	}()
	return func() int64 {
		cancel()
		return <-done
	}
}

// rawJSON writes pre-encoded JSON as is.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// removeStale removes an output directory under the run directory,
// refusing to follow a symbolic link on the way (it would remove something
// outside the run).
func removeStale(runDir, dir string) error {
	rel, err := filepath.Rel(runDir, dir)
	if err != nil {
		return err
	}
	at := runDir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		at = filepath.Join(at, part)
		fi, err := os.Lstat(at)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: pono does not remove what it points to", at)
		}
	}
	return os.RemoveAll(dir)
}
