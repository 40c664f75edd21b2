package workflowrun

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Input is the user's input to a run, as Kaapana passes it: env values
// per task (the conf's task_form, --set) and host directories for input
// channels nothing upstream feeds (--input).
type Input struct {
	// Env holds each task's values in the order given; a later value of a
	// name wins (--set after --conf).
	Env map[string][]EnvValue
	// Dirs maps task → input channel → absolute host directory.
	Dirs map[string]map[string]string
}

// EnvValue is one variable a run sets, and where the user said so (for
// messages).
type EnvValue struct {
	Name, Value string
	From        string
}

func (in *Input) addEnv(task string, v EnvValue) {
	if in.Env == nil {
		in.Env = map[string][]EnvValue{}
	}
	in.Env[task] = append(in.Env[task], v)
}

// splitTask cuts "TASK.REST" at the longest prefix that is a task id
// followed by a dot (task ids may contain dots, as in the platform's
// bindings).
func splitTask(ids []string, s string) (task, rest string, ok bool) {
	best := -1
	for _, id := range ids {
		if len(id) > best && strings.HasPrefix(s, id+".") {
			best, task = len(id), id
		}
	}
	if best < 0 {
		return "", "", false
	}
	return task, s[best+1:], true
}

func noTask(workflow string, ids []string, s string) error {
	name, _, _ := strings.Cut(s, ".")
	return fmt.Errorf("workflow %s has no task %q (tasks: %s)", workflow, name, strings.Join(sortedCopy(ids), ", "))
}

func sortedCopy(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// parseArg reads a flag's TASK.NAME=VALUE; want is its form, for
// messages ("TASK.VAR=value"), what the NAME part is ("variable name").
func parseArg(w *Workflow, flag, want, what, arg string, emptyValue bool) (task, name, value string, err error) {
	key, value, ok := strings.Cut(arg, "=")
	if !ok || (!emptyValue && value == "") {
		return "", "", "", fmt.Errorf("%s %q: want %s", flag, arg, want)
	}
	ids := w.ids()
	task, name, ok = splitTask(ids, key)
	if !ok {
		return "", "", "", fmt.Errorf("%s %q: %w", flag, arg, noTask(w.Name, ids, key))
	}
	if name == "" {
		return "", "", "", fmt.Errorf("%s %q: want %s (no %s after %q)", flag, arg, want, what, task+".")
	}
	return task, name, value, nil
}

// AddSet adds one --set TASK.VAR=value.
func (in *Input) AddSet(w *Workflow, arg string) error {
	task, name, value, err := parseArg(w, "--set", "TASK.VAR=value", "variable name", arg, true)
	if err != nil {
		return err
	}
	in.addEnv(task, EnvValue{Name: name, Value: value, From: "--set " + task + "." + name})
	return nil
}

// AddInputDir adds one --input TASK.CHANNEL=HOSTDIR; the directory must
// exist. Whether the channel is an unbound input of the task's template is
// checked by Run.
func (in *Input) AddInputDir(w *Workflow, arg string) error {
	task, channel, dir, err := parseArg(w, "--input", "TASK.CHANNEL=HOSTDIR", "channel", arg, false)
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("--input %q: %w", arg, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("--input %q: directory %s does not exist", arg, dir)
	case err != nil:
		return fmt.Errorf("--input %q: %w", arg, err)
	case !fi.IsDir():
		return fmt.Errorf("--input %q: %s is not a directory", arg, dir)
	}
	if in.Dirs == nil {
		in.Dirs = map[string]map[string]string{}
	}
	if in.Dirs[task] == nil {
		in.Dirs[task] = map[string]string{}
	}
	if _, dup := in.Dirs[task][channel]; dup {
		return fmt.Errorf("--input %q: channel %s of task %s is given twice", arg, channel, task)
	}
	in.Dirs[task][channel] = abs
	return nil
}

func (w *Workflow) ids() []string {
	ids := make([]string, len(w.Tasks))
	for i, t := range w.Tasks {
		ids[i] = t.ID
	}
	return ids
}
