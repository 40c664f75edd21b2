package taskrun

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/safefs"
)

// Mode selects the runner.
type Mode string

const (
	ModeDocker Mode = "docker"
	ModeK8s    Mode = "k8s"
)

// ParseMode accepts docker or k8s.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case ModeDocker, ModeK8s:
		return Mode(s), nil
	}
	return "", fmt.Errorf("unknown mode %q (want docker or k8s)", s)
}

// RecordKind and RecordVersion identify a run record file.
const (
	RecordKind    = "pono.TaskRun"
	RecordVersion = 1
)

// Record describes one run: the resolved task instance, the resources it
// ran with, the mode and where to find the container or pod. It is written
// as JSON by `pono task run --output` (Kaapana pickles a Python object).
type Record struct {
	Kind    string    `json:"kind"`
	Version int       `json:"version"`
	ID      string    `json:"id"` // container ID or pod name
	Mode    Mode      `json:"mode"`
	Created time.Time `json:"created"`
	// Docker is set in docker mode.
	Docker *DockerTarget `json:"docker,omitempty"`
	// Kubernetes is set in k8s mode.
	Kubernetes *K8sTarget `json:"kubernetes,omitempty"`
	// Task is the resolved task instance (template merged with the task).
	Task     taskapi.Instance `json:"task"`
	Computed taskapi.Computed `json:"computed"`
}

// DockerTarget locates a container.
type DockerTarget struct {
	Host        string `json:"host"`
	ContainerID string `json:"container_id"`
}

// K8sTarget locates a pod.
type K8sTarget struct {
	Context   string `json:"context,omitempty"`
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	// Secret is the registry pull secret pono created, if any.
	Secret string `json:"secret,omitempty"`
}

// DefaultRecordPath is where `pono task run` writes a record without -o:
// task_run-<id>.json in the current directory, beside where Kaapana's CLI
// writes task_run-<id>.pkl.
func DefaultRecordPath(r *Record) string { return "task_run-" + r.ID + ".json" }

// WithoutSecrets is the record as it may be written or printed: the
// registry password is dropped (Kaapana pickles it into task_run-<id>.pkl;
// nothing after the start needs it, the pull secret already exists).
func (r *Record) WithoutSecrets() *Record {
	if r == nil || r.Task.Config.RegistryPassword == "" {
		return r
	}
	c := *r
	c.Task.Config.RegistryPassword = ""
	return &c
}

// WriteRecord writes the record, without secrets, as indented JSON readable
// by its owner only.
func WriteRecord(path string, r *Record) error {
	b, err := json.MarshalIndent(r.WithoutSecrets(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write run record: %w", err)
	}
	// WriteFile keeps the mode of a file that already exists.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("write run record: %w", err)
	}
	return nil
}

// ReadRecord reads a record written by WriteRecord.
func ReadRecord(path string) (*Record, error) {
	b, err := safefs.ReadRegularFile(path, 0)
	if err != nil {
		return nil, fmt.Errorf("read run record: %w", err)
	}
	if len(b) > 0 && b[0] == 0x80 {
		return nil, fmt.Errorf("run record %s is a Python pickle (Kaapana's task_run-<id>.pkl); pono reads only its own JSON records and never unpickles (that runs code)", path)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("run record %s: %w", path, err)
	}
	if r.Kind != RecordKind {
		return nil, fmt.Errorf("run record %s: kind %q, want %q", path, r.Kind, RecordKind)
	}
	if r.Version != RecordVersion {
		return nil, fmt.Errorf("run record %s: version %d, this pono reads version %d", path, r.Version, RecordVersion)
	}
	if r.ID == "" {
		return nil, fmt.Errorf("run record %s: no id", path)
	}
	return &r, nil
}

// Phase of a run.
type Phase string

const (
	PhasePending   Phase = "Pending"
	PhaseRunning   Phase = "Running"
	PhaseSucceeded Phase = "Succeeded"
	PhaseFailed    Phase = "Failed"
	// PhaseSkipped: the task exited 126, Kaapana's "skip this task" code.
	PhaseSkipped Phase = "Skipped"
	// PhaseOOMKilled: the task exceeded its memory limit (exit code 137).
	PhaseOOMKilled Phase = "OOMKilled"
	PhaseUnknown   Phase = "Unknown"
)

// SkipExitCode is the exit code with which a task asks to be skipped.
const SkipExitCode = 126

// OOMExitCode is reported for a task killed for exceeding its memory limit.
const OOMExitCode = 137

// Status is a run's state.
type Status struct {
	Phase    Phase  `json:"phase"`
	ExitCode int    `json:"exit_code"`
	Reason   string `json:"reason,omitempty"`
	Message  string `json:"message,omitempty"`
	// MemoryLimitBytes is the limit the container actually runs with, as
	// the engine reports it (docker mode).
	MemoryLimitBytes int64 `json:"memory_limit_bytes,omitempty"`
}

// Done reports whether the run has finished.
func (s *Status) Done() bool {
	switch s.Phase {
	case PhaseSucceeded, PhaseFailed, PhaseSkipped, PhaseOOMKilled:
		return true
	}
	return false
}

// finished derives the phase of a terminated container.
func finished(exitCode int, oomKilled bool) Status {
	switch {
	case oomKilled:
		return Status{Phase: PhaseOOMKilled, ExitCode: OOMExitCode, Reason: "OOMKilled",
			Message: "the task exceeded its memory limit and was killed"}
	case exitCode == 0:
		return Status{Phase: PhaseSucceeded}
	case exitCode == SkipExitCode:
		return Status{Phase: PhaseSkipped, ExitCode: exitCode, Reason: "Skipped", Message: "the task exited 126: skipped"}
	}
	return Status{Phase: PhaseFailed, ExitCode: exitCode, Reason: "Error", Message: fmt.Sprintf("the task exited %d", exitCode)}
}
