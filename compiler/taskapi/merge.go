package taskapi

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownChannel is wrapped by NewInstance when a task binds a volume to
// a channel its template does not declare. Kaapana drops such volumes
// silently; pono refuses them.
var ErrUnknownChannel = errors.New("unknown channel")

// NewInstance merges a task with its template the way Kaapana's
// create_task_instance does:
//   - name, image and config come from the task; identifier and description
//     from the template;
//   - the task's command and resources, when set, replace the template's
//     wholesale (no deep merge of limits and requests);
//   - env merges by name: template order is kept, task values override,
//     names the template does not declare are appended; a name the task
//     sets twice keeps its first value;
//   - only template channels with a task volume of the same name are kept,
//     in template order (the first volume of a channel bound twice); the
//     volume's scale rule replaces the channel's.
func NewInstance(tmpl *TaskTemplate, task *Task) (*Instance, error) {
	in := &Instance{
		Name:        task.Name,
		Image:       task.Image,
		Identifier:  tmpl.Identifier,
		Description: tmpl.Description,
		Command:     tmpl.Command,
		Resources:   tmpl.Resources,
		Env:         MergeEnv(tmpl.Env, task.Env),
	}
	if task.Command != nil {
		in.Command = task.Command
	}
	if task.Resources != nil {
		in.Resources = task.Resources
	}
	if task.Config != nil {
		in.Config = *task.Config
	}
	var errs []error
	var err error
	if in.Inputs, err = mergeChannels("input", tmpl.Inputs, task.Inputs); err != nil {
		errs = append(errs, err)
	}
	if in.Outputs, err = mergeChannels("output", tmpl.Outputs, task.Outputs); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("task %q with template %q: %w", task.Name, tmpl.Identifier, errors.Join(errs...))
	}
	return in, nil
}

// MergeEnv keeps the template's order, overrides values by name (the first
// override of a name wins) and appends variables the template does not
// declare.
func MergeEnv(tmpl []TemplateEnv, overrides []Env) []TemplateEnv {
	out := make([]TemplateEnv, len(tmpl))
	copy(out, tmpl)
	index := make(map[string]int, len(out))
	for i, e := range out {
		index[e.Name] = i
	}
	set := map[string]bool{}
	for _, o := range overrides {
		// A name the task sets twice keeps its first value, as Kaapana's
		// merge does (validation warns).
		if set[o.Name] {
			continue
		}
		set[o.Name] = true
		if i, ok := index[o.Name]; ok {
			out[i].Value = o.Value
			continue
		}
		index[o.Name] = len(out)
		out = append(out, TemplateEnv{Name: o.Name, Value: o.Value})
	}
	return out
}

func mergeChannels(dir string, mounts []IOMount, vols []IOVolume) ([]Channel, error) {
	byName := make(map[string]IOVolume, len(vols))
	for _, v := range vols {
		// The first volume for a channel is used, as in Kaapana.
		if _, dup := byName[v.Name]; !dup {
			byName[v.Name] = v
		}
	}
	out := []Channel{}
	for _, m := range mounts {
		v, ok := byName[m.Name]
		if !ok {
			continue
		}
		delete(byName, m.Name)
		ch := Channel{Name: m.Name, MountedPath: m.MountedPath, HostPath: v.VolumeSource.HostPath,
			ScaleRule: m.ScaleRule, Description: m.Description}
		if v.ScaleRule != nil {
			ch.ScaleRule = v.ScaleRule
		}
		out = append(out, ch)
	}
	if len(byName) > 0 {
		var unknown []string
		for _, v := range vols {
			if _, ok := byName[v.Name]; ok {
				unknown = append(unknown, fmt.Sprintf("%q", v.Name))
			}
		}
		return nil, fmt.Errorf("%w: %s %s (template %s channels: %s)", ErrUnknownChannel, dir, strings.Join(unknown, ", "), dir, mountNames(mounts))
	}
	return out, nil
}
