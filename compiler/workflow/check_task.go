package workflow

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

func checkTask(rw *resolvedWorkflow, rt *resolvedTask) {
	c, id := rw.c, rt.id
	switch {
	case !airflowKeyRe.MatchString(id) || len(id) > 250:
		c.errorf(p("tasks", id), "task id %q is not a valid Airflow task id: use letters, digits, '_', '-' and '.', at most 250 characters", id)
	case strings.Trim(id, ".") == "":
		c.errorf(p("tasks", id), "task id %q is not usable as a directory of the run (<run dir>/<task>/<channel>)", id)
	}
	checkBindings(rw, rt)
	deps := map[string]bool{}
	for _, b := range rt.inputs {
		if b.ok {
			deps[b.task] = true
		}
	}
	seen := map[string]bool{}
	for i, a := range rt.t.After {
		at := p("tasks", id, "after", strconv.Itoa(i))
		switch {
		case seen[a]:
			c.warnf(at, "%q is listed twice in after", a)
		case rw.tasks[a] == nil:
			c.errorf(at, "no task %q in this workflow (tasks: %s)", a, list(rw.ids))
		default:
			deps[a] = true
		}
		seen[a] = true
	}
	rt.upstream = slices.Sorted(maps.Keys(deps))
	for _, name := range slices.Sorted(maps.Keys(rt.t.Env)) {
		at := p("tasks", id, "env", name)
		v, err := rt.t.Env[name].String()
		if err != nil {
			c.errorf(at, "env %s %v", name, err)
			continue
		}
		if checkEnvName(c, at, rt, name) {
			checkEnvValue(c, at, rt, name, v)
		}
	}
	checkResources(c, p("tasks", id, "resources"), rt.t.Resources)
	checkLabels(c, p("tasks", id, "labels"), rt.t.Labels, true)
	checkLabels(c, p("tasks", id, "annotations"), rt.t.Annotations, false)
	checkRegistry(c, p("tasks", id, "registry"), rt.t.Registry)
}

// checkBindings resolves each input binding and reports unbound and twice
// bound channels.
func checkBindings(rw *resolvedWorkflow, rt *resolvedTask) {
	c, id := rw.c, rt.id
	bound := map[string]string{}
	for _, b := range rt.t.Inputs {
		at := p("tasks", id, "inputs", b.Channel)
		if prev, dup := bound[b.Channel]; dup {
			c.errorf(at, "input channel %q is bound twice (to %s and to %s); a channel has one source", b.Channel, prev, b.Source)
			continue
		}
		bound[b.Channel] = b.Source
		if rt.tmpl != nil && !hasMount(rt.tmpl.Inputs, b.Channel) {
			c.errorf(at, "template %q has no input channel %q (inputs: %s)", rt.tmpl.Identifier, b.Channel, mountNames(rt.tmpl.Inputs))
		}
		rb := binding{channel: b.Channel}
		up, out, ok := splitSource(b.Source, rw.tasks)
		switch {
		case !ok && !strings.Contains(b.Source, "."):
			c.errorf(at, "binds %q: want \"<upstream task>.<output channel>\"", b.Source)
		case !ok:
			c.errorf(at, "binds %q, but no task of this workflow is named %q (tasks: %s)", b.Source, b.Source[:strings.LastIndex(b.Source, ".")], list(rw.ids))
		default:
			rb.task, rb.output = up, out
			ut := rw.tasks[up].tmpl
			if ut != nil && !hasMount(ut.Outputs, out) {
				c.errorf(at, "binds %q, but template %q of task %s has no output channel %q (outputs: %s)", b.Source, ut.Identifier, up, out, mountNames(ut.Outputs))
			} else {
				rb.ok = true
			}
		}
		rt.inputs = append(rt.inputs, rb)
	}
	slices.SortFunc(rt.inputs, func(a, b binding) int { return strings.Compare(a.channel, b.channel) })
	if rt.tmpl == nil {
		return
	}
	for _, in := range rt.tmpl.Inputs {
		if _, ok := bound[in.Name]; !ok {
			c.warnf(p("tasks", id, "inputs"), "input channel %q of template %q is not bound, so the container sees no data at %s (bind it: inputs: {%s: <task>.<output channel>})", in.Name, rt.tmpl.Identifier, in.MountedPath, in.Name)
		}
	}
}

// splitSource splits "<task>.<channel>" where the task id itself may hold
// dots: the longest prefix that names a task wins.
func splitSource(src string, tasks map[string]*resolvedTask) (task, channel string, ok bool) {
	for i := len(src) - 1; i > 0; i-- {
		if src[i] != '.' {
			continue
		}
		if _, exists := tasks[src[:i]]; exists && i+1 < len(src) {
			return src[:i], src[i+1:], true
		}
	}
	return "", "", false
}

func hasMount(ms []taskapi.IOMount, name string) bool {
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}

func mountNames(ms []taskapi.IOMount) string {
	names := make([]string, 0, len(ms))
	for _, m := range ms {
		names = append(names, m.Name)
	}
	return list(names)
}

// checkEnvName reports an env variable the task's template does not
// declare, or does not let be changed. It returns whether the value can be
// checked further.
func checkEnvName(c *checker, at []string, rt *resolvedTask, name string) bool {
	if rt.tmpl == nil {
		return false
	}
	if templateEnv(rt.tmpl, name) == nil {
		names := make([]string, 0, len(rt.tmpl.Env))
		for _, e := range rt.tmpl.Env {
			names = append(names, e.Name)
		}
		c.errorf(at, "template %q declares no env variable %s (it declares: %s)", rt.tmpl.Identifier, name, list(names))
		return false
	}
	if l, ok := rt.legacy[name]; ok && l.Adjustable != nil && !*l.Adjustable {
		c.errorf(at, "env %s of template %q is not adjustable", name, rt.tmpl.Identifier)
		return false
	}
	return true
}

// checkEnvValue holds a string value against the template's choices and
// legacy type.
func checkEnvValue(c *checker, at []string, rt *resolvedTask, name, v string) {
	e := templateEnv(rt.tmpl, name)
	if len(e.Choices) > 0 && !slices.Contains(e.Choices, v) {
		c.errorf(at, "env %s is %q, not one of the template's choices %s", name, v, quoted(e.Choices))
	}
	if err := checkLegacyType(rt.legacy[name].Type, v); err != nil {
		c.errorf(at, "env %s is %q: %v", name, v, err)
	}
}

func templateEnv(t *taskapi.TaskTemplate, name string) *taskapi.TemplateEnv {
	for i := range t.Env {
		if t.Env[i].Name == name {
			return &t.Env[i]
		}
	}
	return nil
}

// checkLegacyType checks a value against an old template's env `type`.
func checkLegacyType(typ, v string) error {
	switch strings.ToLower(typ) {
	case "int", "integer":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("the template declares type %s, and this is not an integer", typ)
		}
	case "float", "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("the template declares type %s, and this is not a number", typ)
		}
	case "bool", "boolean":
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Errorf("the template declares type %s, and this is not true or false", typ)
		}
	}
	return nil
}

func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
