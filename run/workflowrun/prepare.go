package workflowrun

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/safefs"
	"github.com/pono-gitops/pono/run/taskrun"
)

// RunDirVar is the variable the generated task files take the run
// directory from ({{ env.run_dir }}).
const RunDirVar = "run_dir"

// prepared is a task checked before anything runs: the task file to run
// and the channel directories it will use.
type prepared struct {
	task     *Task
	file     []byte // the task file with the run's input applied
	instance *taskapi.Instance
}

// lookup resolves {{ env.run_dir }} to the run directory and everything
// else through the caller's lookup.
func (o *Options) lookup(name string) (string, bool) {
	if name == RunDirVar {
		return o.RunDir, true
	}
	if o.Lookup != nil {
		return o.Lookup(name)
	}
	return os.LookupEnv(name)
}

// prepareTask applies the run's input to a generated task file and checks
// the result against the template, without running anything.
func prepareTask(ctx context.Context, r TaskRunner, w *Workflow, t *Task, o *Options) (*prepared, error) {
	var task taskapi.Task
	if err := json.Unmarshal(t.File, &task); err != nil {
		return nil, fmt.Errorf("task %s: the generated task file: %w", t.ID, err)
	}
	pc, pcName, err := templateOf(ctx, r, t, task.Image)
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", t.ID, err)
	}
	tmpl, ok := pc.Template(task.TaskTemplate.Identifier)
	if !ok {
		return nil, fmt.Errorf("task %s: no template %q in %s (templates: %s)", t.ID, task.TaskTemplate.Identifier, pcName, strings.Join(pc.Identifiers(), ", "))
	}
	if err := applyEnv(&task, tmpl, t.ID, o.Input.Env[t.ID]); err != nil {
		return nil, err
	}
	if err := applyDirs(&task, tmpl, t.ID, o.Input.Dirs[t.ID]); err != nil {
		return nil, err
	}
	if o.Mode == taskrun.ModeK8s {
		// As KaapanaTaskOperator: the pod is <run id>-<task>, in the
		// project namespace, pulling with registry-secret.
		task.Name = o.RunID + "-" + t.ID
		if task.Config == nil {
			task.Config = &taskapi.Config{}
		}
		if o.Namespace != "" {
			task.Config.Namespace = o.Namespace
		}
		task.Config.ImagePullSecrets = append(slices.Clone(o.PullSecrets), task.Config.ImagePullSecrets...)
	}
	file, err := json.MarshalIndent(&task, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", t.ID, err)
	}
	name := filepath.Join(o.RunDir, TaskFile(t.ID))
	loaded, _, err := taskapi.LoadTask(name, file, taskapi.ValidateOptions{ProcessingContainer: pc, Lookup: o.lookup})
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", t.ID, err)
	}
	in, err := taskapi.Resolve(loaded, pc)
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", t.ID, err)
	}
	for _, ch := range in.Outputs {
		if !within(o.RunDir, ch.HostPath) {
			return nil, fmt.Errorf("task %s: output channel %s is at %s, outside the run directory %s: pono removes a stale output directory before the task starts and removes nothing outside the run", t.ID, ch.Name, ch.HostPath, o.RunDir)
		}
	}
	return &prepared{task: t, file: append(file, '\n'), instance: in}, nil
}

// templateOf reads the container's processing-container.json: the
// platform's copy, or the image's.
func templateOf(ctx context.Context, r TaskRunner, t *Task, image string) (*taskapi.ProcessingContainer, string, error) {
	name := t.ProcessingContainerFile
	var b []byte
	var err error
	if name != "" {
		b, err = safefs.ReadRegularFile(name, 0)
	} else {
		name = image + ":/processing-container.json"
		b, err = r.ProcessingContainer(ctx, image)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read the processing-container.json: %w", err)
	}
	pc, _, err := taskapi.LoadProcessingContainer(name, b, taskapi.ValidateOptions{})
	if err != nil {
		return nil, "", err
	}
	return pc, name, nil
}

// applyEnv puts the run's values over the task's env: run input > the
// platform's env for the task > the template's default.
func applyEnv(task *taskapi.Task, tmpl *taskapi.TaskTemplate, id string, vals []EnvValue) error {
	known := map[string]bool{}
	for _, e := range tmpl.Env {
		known[e.Name] = true
	}
	for _, e := range task.Env {
		known[e.Name] = true
	}
	for _, v := range vals {
		if !known[v.Name] {
			names := make([]string, 0, len(tmpl.Env))
			for _, e := range tmpl.Env {
				names = append(names, e.Name)
			}
			env := "it declares none"
			if len(names) > 0 {
				env = "its env: " + strings.Join(names, ", ")
			}
			return fmt.Errorf("%s: task %s's template %s has no env variable %q (%s)", v.From, id, tmpl.Identifier, v.Name, env)
		}
		i := slices.IndexFunc(task.Env, func(e taskapi.Env) bool { return e.Name == v.Name })
		if i < 0 {
			task.Env = append(task.Env, taskapi.Env{Name: v.Name, Value: v.Value})
			continue
		}
		task.Env[i].Value = v.Value
	}
	return nil
}

// applyDirs binds --input directories to input channels nothing upstream
// feeds.
func applyDirs(task *taskapi.Task, tmpl *taskapi.TaskTemplate, id string, dirs map[string]string) error {
	for _, ch := range slices.Sorted(maps.Keys(dirs)) {
		if !slices.ContainsFunc(tmpl.Inputs, func(m taskapi.IOMount) bool { return m.Name == ch }) {
			names := make([]string, 0, len(tmpl.Inputs))
			for _, m := range tmpl.Inputs {
				names = append(names, m.Name)
			}
			have := "it has none"
			if len(names) > 0 {
				have = "input channels: " + strings.Join(names, ", ")
			}
			return fmt.Errorf("--input %s.%s: task %s's template %s has no input channel %q (%s)", id, ch, id, tmpl.Identifier, ch, have)
		}
		if i := slices.IndexFunc(task.Inputs, func(v taskapi.IOVolume) bool { return v.Name == ch }); i >= 0 {
			return fmt.Errorf("--input %s.%s: input channel %s of task %s is fed by an upstream task (%s); --input is for channels nothing upstream feeds", id, ch, ch, id, upstreamOf(task.Inputs[i].VolumeSource.HostPath))
		}
		task.Inputs = append(task.Inputs, taskapi.IOVolume{Name: ch, VolumeSource: taskapi.HostPathVolume{HostPath: dirs[ch]}})
	}
	return nil
}

// upstreamOf turns a generated input path {{ env.run_dir }}/<task>/<channel>
// back into <task>.<channel>.
func upstreamOf(hostPath string) string {
	rest := strings.TrimPrefix(hostPath, "{{ env."+RunDirVar+" }}/")
	task, ch, ok := strings.Cut(rest, "/")
	if !ok {
		return hostPath
	}
	return task + "." + ch
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
