package workflowrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Conf is what a conf file says besides env values.
type Conf struct {
	// Namespace is project_form.kubernetes_namespace, where
	// KaapanaTaskOperator runs the task pods (k8s mode).
	Namespace string
	Warnings  []string
}

// taskFields are the Task fields KaapanaTaskOperator lets task_form.<task>
// replace wholesale; pono takes only env from a conf.
var taskFields = []string{"api_version", "command", "config", "image", "inputs", "name", "outputs", "resources", "taskTemplate"}

// AddConf reads Kaapana's dag-run conf object, {"task_form": {"<task>":
// {"env": [{"name": ..., "value": ...}]}}, "project_form":
// {"kubernetes_namespace": ...}}, as workflow-api sends it to Airflow.
// The flat form Kaapana's docs show ({"<task>": {"VAR": "value"}}) is
// applied with a warning, because KaapanaTaskOperator ignores it. A value
// that is not a string is an error: Kaapana's BaseEnv.value would refuse
// it and fail the task.
func (in *Input) AddConf(w *Workflow, file string, src []byte) (Conf, error) {
	var c Conf
	top, err := object(file, src, "the conf")
	if err != nil {
		return c, err
	}
	if pf, ok := top["project_form"]; ok {
		form, err := object(file, pf, "project_form")
		if err != nil {
			return c, err
		}
		if ns, ok := form["kubernetes_namespace"]; ok {
			if err := str(ns, &c.Namespace); err != nil {
				return c, fmt.Errorf("%s: project_form.kubernetes_namespace is %s, not a string", file, describe(ns))
			}
		}
	}
	tf, ok := top["task_form"]
	if !ok {
		c.Warnings = append(c.Warnings, fmt.Sprintf("%s has no task_form: it sets nothing", file))
		return c, nil
	}
	form, err := object(file, tf, "task_form")
	if err != nil {
		return c, err
	}
	ids := w.ids()
	for _, task := range slices.Sorted(maps.Keys(form)) {
		at := "task_form." + task
		if !slices.Contains(ids, task) {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %s: workflow %s has no task %q (tasks: %s); Kaapana ignores it, and so does pono", file, at, w.Name, task, strings.Join(sortedCopy(ids), ", ")))
			continue
		}
		fields, err := object(file, form[task], at)
		if err != nil {
			return c, err
		}
		if raw, ok := fields["env"]; ok {
			if err := in.confEnv(file, at+".env", task, raw); err != nil {
				return c, err
			}
		}
		for _, key := range slices.Sorted(maps.Keys(fields)) {
			if key == "env" {
				continue
			}
			if slices.Contains(taskFields, key) {
				return c, fmt.Errorf("%s: %s.%s: pono workflow run takes only env from a conf (Kaapana would replace the task's %s with it); set it in the platform", file, at, key, key)
			}
			var v string
			if err := str(fields[key], &v); err != nil {
				return c, notString(file, at+"."+key, fields[key])
			}
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %s.%s: Kaapana reads only %s.env and ignores variables written directly under the task (the form its docs show); pono applies it, a run in Kaapana would not", file, at, key, at))
			in.addEnv(task, EnvValue{Name: key, Value: v, From: file + ": " + at + "." + key})
		}
	}
	return c, nil
}

func (in *Input) confEnv(file, at, task string, raw json.RawMessage) error {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("%s: %s is %s, not a list of {\"name\": ..., \"value\": ...}", file, at, describe(raw))
	}
	for i, item := range items {
		here := fmt.Sprintf("%s[%d]", at, i)
		e, err := object(file, item, here)
		if err != nil {
			return err
		}
		var name, value string
		rawName, ok := e["name"]
		if !ok {
			return fmt.Errorf("%s: %s has no name", file, here)
		}
		if err := str(rawName, &name); err != nil || name == "" {
			return fmt.Errorf("%s: %s.name is %s, not a variable name", file, here, describe(rawName))
		}
		rawValue, ok := e["value"]
		if !ok {
			return fmt.Errorf("%s: %s (%s) has no value", file, here, name)
		}
		if err := str(rawValue, &value); err != nil {
			return notString(file, here+".value", rawValue)
		}
		in.addEnv(task, EnvValue{Name: name, Value: value, From: file + ": " + here})
	}
	return nil
}

func notString(file, at string, raw json.RawMessage) error {
	hint := ""
	if s := string(bytes.TrimSpace(raw)); s == "true" || s == "false" || (len(s) > 0 && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))) {
		hint = fmt.Sprintf(" (write \"%s\")", s)
	}
	return fmt.Errorf("%s: %s is %s: Kaapana's BaseEnv.value takes only strings, so the task would fail%s", file, at, describe(raw), hint)
}

// object decodes a JSON object; what must be one is named in the error.
func object(file string, raw []byte, what string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	err := json.Unmarshal(raw, &m)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the byte that was wrong.
		line, col := lineCol(raw, max(se.Offset-1, 0))
		return nil, fmt.Errorf("%s:%d:%d: invalid JSON: %s", file, line, col, se.Error())
	}
	if err != nil || m == nil {
		return nil, fmt.Errorf("%s: %s is %s, not an object", file, what, describe(raw))
	}
	return m, nil
}

// describe names a JSON value's type for a message.
func describe(raw []byte) string {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return "empty"
	}
	short := string(s)
	if len(short) > 40 {
		short = short[:37] + "..."
	}
	switch s[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string (" + short + ")"
	case 't', 'f':
		return "a boolean (" + short + ")"
	case 'n':
		return "null"
	}
	return "a number (" + short + ")"
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	if col < 1 {
		col = 1
	}
	return line, col
}

// str decodes a JSON string; null is not one (encoding/json would leave
// the string unset without an error).
func str(raw json.RawMessage, s *string) error {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '"' {
		return errors.New("not a string")
	}
	return json.Unmarshal(raw, s)
}
