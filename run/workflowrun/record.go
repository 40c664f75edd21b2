package workflowrun

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pono-gitops/pono/internal/safefs"
	"github.com/pono-gitops/pono/run/taskrun"
)

// RecordKind and RecordVersion identify a workflow run record.
const (
	RecordKind    = "pono.WorkflowRun"
	RecordVersion = 1
)

// RecordFile is the workflow run record's name in the run directory.
const RecordFile = "workflow_run.json"

// TaskRecordFile is a task's taskrun record in the run directory (where
// KaapanaTaskOperator writes task_run-<task>.pkl): `pono task logs` reads
// it.
func TaskRecordFile(task string) string { return "task_run-" + task + ".json" }

// TaskFile is the Task API task file pono ran for a task, with the run's
// input applied: `pono task run` can run it again alone.
func TaskFile(task string) string { return "task-" + task + ".json" }

// Record is a workflow run: every task's state, its taskrun record and
// the directory of each of its channels.
type Record struct {
	Kind     string       `json:"kind"`
	Version  int          `json:"version"`
	Workflow string       `json:"workflow"`
	RunID    string       `json:"run_id"`
	RunDir   string       `json:"run_dir"`
	Mode     taskrun.Mode `json:"mode"`
	State    RunState     `json:"state"`
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished,omitzero"`
	// Tasks are in dependency order.
	Tasks []*TaskRecord `json:"tasks"`
}

// RunState is the whole run's state.
type RunState string

const (
	RunRunning   RunState = "running"
	RunSucceeded RunState = "succeeded"
	RunFailed    RunState = "failed"
	RunCancelled RunState = "cancelled"
)

// TaskRecord is one task of a run.
type TaskRecord struct {
	ID string `json:"id"`
	TaskState
	Upstream []string `json:"upstream,omitempty"`
	// TaskFile and RecordFile are relative to the run directory.
	TaskFile   string `json:"task_file"`
	RecordFile string `json:"record_file,omitempty"`
	// Inputs and Outputs map each channel to its host directory.
	Inputs   map[string]string `json:"inputs"`
	Outputs  map[string]string `json:"outputs"`
	Warnings []string          `json:"warnings,omitempty"`
	// Run is the taskrun record, once the task was started.
	Run *taskrun.Record `json:"run,omitempty"`
}

// Task returns the named task's record.
func (r *Record) Task(id string) (*TaskRecord, bool) {
	for _, t := range r.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

// writeJSON replaces path atomically (a reader never sees half a record),
// readable by its owner only: task records may hold registry credentials.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		// The temporary file's name would only confuse.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadRecord reads a run record: the file, or RecordFile in a run
// directory.
func ReadRecord(path string) (*Record, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, RecordFile)
	}
	b, err := safefs.ReadRegularFile(path, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no workflow run record there (pono workflow run writes %s in the run directory)", path, RecordFile)
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("workflow run record %s: %w", path, err)
	}
	if r.Kind != RecordKind {
		return nil, fmt.Errorf("workflow run record %s: kind %q, want %q", path, r.Kind, RecordKind)
	}
	if r.Version != RecordVersion {
		return nil, fmt.Errorf("workflow run record %s: version %d, this pono reads version %d", path, r.Version, RecordVersion)
	}
	return &r, nil
}
