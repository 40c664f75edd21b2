package workflowrun

import (
	"context"
	"time"

	"github.com/pono-gitops/pono/run/taskrun"
)

// Workflow is what Run needs of a compiled workflow.
type Workflow struct {
	Name string
	// Tasks are in dependency order (every task after those it waits for).
	Tasks []Task
}

// Task is one DAG node.
type Task struct {
	ID string
	// File is the generated Task API task file (compiler/workflow's
	// tasks/<id>.json): host paths under {{ env.run_dir }}.
	File []byte
	// ProcessingContainerFile is the container's processing-container.json
	// on this machine; empty reads /processing-container.json from the
	// image, as Kaapana does.
	ProcessingContainerFile string
	// Upstream are the tasks this one waits for, channel bindings and
	// ordering-only dependencies alike.
	Upstream []string
}

// TaskRunner is what Run needs of run/taskrun's Runner (a fake in
// the unit tests).
type TaskRunner interface {
	Prepare(ctx context.Context, taskFile string, opts taskrun.PrepareOptions) (*taskrun.Plan, error)
	Run(ctx context.Context, plan *taskrun.Plan) (*taskrun.Record, error)
	Wait(ctx context.Context, rec *taskrun.Record) (*taskrun.Status, error)
	Stop(ctx context.Context, rec *taskrun.Record) error
	ProcessingContainer(ctx context.Context, image string) ([]byte, error)
}

// MemoryMonitor is implemented by runners that can measure a task's peak
// memory (taskrun in docker mode).
type MemoryMonitor interface {
	MonitorMemory(ctx context.Context, rec *taskrun.Record, interval time.Duration, onSample func(taskrun.MemorySample)) (taskrun.MemorySample, error)
}

// Options control a run.
type Options struct {
	// RunDir holds every channel directory, the task files pono ran and
	// the records. It is created if missing.
	RunDir string
	// RunID names the run (the pods' names are <run id>-<task>, as
	// KaapanaTaskOperator names them); default: the run directory's base
	// name.
	RunID string
	Mode  taskrun.Mode
	// Parallel bounds how many tasks run at once; 0 means DefaultParallel.
	Parallel int
	// Input is the user's input (--conf, --set, --input), parsed.
	Input Input
	// Lookup resolves {{ env.NAME }} in task files other than run_dir (a
	// registry password variable); nil uses the process environment.
	Lookup func(string) (string, bool)
	// Namespace and PullSecrets are set on every task pod in k8s mode, as
	// KaapanaTaskOperator sets its project namespace and registry-secret.
	Namespace   string
	PullSecrets []string
	// Progress, if not nil, is called on every task state change, from
	// one goroutine at a time.
	Progress func(Event)
	// MemoryInterval is how often peak memory is sampled when the runner
	// can (0: 100ms; negative: never).
	MemoryInterval time.Duration
}

// DefaultParallel is how many tasks run at once unless told otherwise: a
// laptop's engine, not a cluster.
const DefaultParallel = 4

// Event is a task's state change.
type Event struct {
	Task string
	TaskState
}

// State of a task in a run.
type State string

const (
	StatePending   State = "pending"
	StateRunning   State = "running"
	StateSucceeded State = "succeeded"
	// StateSkipped: the task exited 126, or a task it depends on did not
	// succeed (Reason says which).
	StateSkipped   State = "skipped"
	StateFailed    State = "failed"
	StateOOMKilled State = "oom-killed"
	// StateCancelled: the run was stopped (SIGINT, SIGTERM) while the task
	// ran or before it started.
	StateCancelled State = "cancelled"
)

// Final reports whether the state is an end.
func (s State) Final() bool { return s != StatePending && s != StateRunning }

// TaskState is one task's part of the record.
type TaskState struct {
	State  State  `json:"state"`
	Reason string `json:"reason,omitempty"`
	// ExitCode is the container's, once it ended.
	ExitCode *int      `json:"exit_code,omitempty"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	// PeakMemoryBytes is the container's peak memory, when measured.
	PeakMemoryBytes int64 `json:"peak_memory_bytes,omitempty"`
}

// Duration is how long the task ran (0 until it ended or if it never
// started).
func (t TaskState) Duration() time.Duration {
	if t.Started.IsZero() || t.Finished.IsZero() {
		return 0
	}
	return t.Finished.Sub(t.Started)
}
