package kaapanadir

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/pono-gitops/pono/compiler/workflow"
)

// metadata is workflow.json as workflow-installer reads it.
type metadata struct {
	doc    doc
	title  string
	engine string
	labels map[string]string
	params []workflow.Parameter
	// paramIndex is, per parameter kept, its index in workflow_parameters.
	paramIndex []int
}

// uiFormKinds are the JSON kinds of UIForm's fields (workflow-api's
// schemas.py); "any" fields are passed through.
var uiFormKinds = map[string]string{
	"type": "string", "title": "string", "description": "string", "help": "string",
	"required": "boolean", "default": "any",
	"true_label": "string", "false_label": "string",
	"minimum": "number", "maximum": "number",
	"options": "list of strings", "multiselectable": "boolean",
	"regex_pattern": "string",
	"query":         "any", "limit": "any", "pagination": "any",
	"accept": "string", "multiple": "boolean",
	"terms_text": "string",
}

func kindOf(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '[':
		var ss []string
		if json.Unmarshal(raw, &ss) == nil {
			return "list of strings"
		}
		return "list"
	case '{':
		return "object"
	}
	return "number"
}

func article(kind string) string {
	switch kind {
	case "object", "boolean":
		return "an " + kind
	case "list of strings", "list", "string", "number":
		return "a " + kind
	}
	return kind
}

// workflowJSON reads files/workflow.json: its fields' types, title,
// labels {key, value}, and workflow_parameters {task_title,
// env_variable_name, ui_form}. The form's rules are workflow.Compile's.
func (s *session) workflowJSON() *metadata {
	b, ok := s.read(workflowJSON, true)
	if !ok {
		return nil
	}
	display := s.d.Display(workflowJSON)
	if pos, msg, bad := jsonSyntax(display, b); bad {
		s.errorf(pos, "workflow.json is not valid JSON: %s", msg)
		return nil
	}
	m := &metadata{labels: map[string]string{}}
	m.doc, _ = s.parseYAML(workflowJSON, b)
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		s.errorf(m.doc.pos(), "workflow.json must be an object {title, workflow_engine, labels, workflow_parameters}")
		return nil
	}
	str := func(k string) (string, bool) {
		raw, has := top[k]
		if !has {
			return "", false
		}
		var v string
		if json.Unmarshal(raw, &v) != nil {
			s.errorf(m.doc.pos(k), "%s must be a string, not %s", k, article(kindOf(raw)))
			return "", false
		}
		return v, true
	}
	if t, _ := str("title"); t == "" {
		s.errorf(m.doc.pos("title"), "workflow.json must have a title")
	} else {
		m.title = t
	}
	if e, has := str("workflow_engine"); has {
		m.engine = e
	} else {
		s.warnf(m.doc.pos(), "workflow.json has no workflow_engine; Kaapana assumes airflow")
	}
	var labels []map[string]json.RawMessage
	if raw, has := top["labels"]; has && json.Unmarshal(raw, &labels) != nil {
		s.errorf(m.doc.pos("labels"), "labels must be a list of {\"key\": ..., \"value\": ...}")
	}
	for i, l := range labels {
		var k, v string
		if json.Unmarshal(l["key"], &k) != nil || json.Unmarshal(l["value"], &v) != nil {
			s.errorf(m.doc.pos("labels", i), "labels[%d] must have a string key and a string value", i)
			continue
		}
		if _, dup := m.labels[k]; dup {
			s.warnf(m.doc.pos("labels", i), "label %q is given twice; the last value counts", k)
		}
		m.labels[k] = v
	}
	var params []map[string]json.RawMessage
	if raw, has := top["workflow_parameters"]; has && json.Unmarshal(raw, &params) != nil {
		s.errorf(m.doc.pos("workflow_parameters"), "workflow_parameters must be a list of {task_title, env_variable_name, ui_form}")
	}
	for i, p := range params {
		prm := workflow.Parameter{}
		at := func(k ...any) string { return m.doc.pos(append([]any{"workflow_parameters", i}, k...)...) }
		good := true
		for _, k := range []string{"task_title", "env_variable_name"} {
			var v string
			raw, has := p[k]
			switch {
			case !has:
				s.errorf(at(), "workflow_parameters[%d] has no %s", i, k)
				good = false
			case json.Unmarshal(raw, &v) != nil:
				s.errorf(at(k), "workflow_parameters[%d].%s must be a string, not %s", i, k, article(kindOf(raw)))
				good = false
			case k == "task_title":
				prm.Task = v
			default:
				prm.Env = v
			}
		}
		form, has := p["ui_form"]
		if !has {
			s.errorf(at(), "workflow_parameters[%d] has no ui_form", i)
			continue
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(form, &fields) != nil {
			s.errorf(at("ui_form"), "workflow_parameters[%d].ui_form must be an object", i)
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			want, known := uiFormKinds[k]
			got := kindOf(fields[k])
			switch {
			case !known:
				s.warnf(at("ui_form", k), "workflow_parameters[%d].ui_form.%s is not a field of Kaapana's UIForm; workflow-api ignores it", i, k)
				delete(fields, k)
			case want == "any" || got == want || want == "list of strings" && got == "list of strings":
			case got == "null":
				delete(fields, k)
			default:
				s.errorf(at("ui_form", k), "workflow_parameters[%d].ui_form.%s must be %s, not %s", i, k, article(want), article(got))
				good = false
			}
		}
		if !good {
			continue
		}
		clean, _ := json.Marshal(fields)
		if err := json.Unmarshal(clean, &prm.UIForm); err != nil {
			s.errorf(at("ui_form"), "workflow_parameters[%d].ui_form cannot be read", i)
			continue
		}
		m.params = append(m.params, prm)
		m.paramIndex = append(m.paramIndex, i)
	}
	return m
}

func paramPath(i int) []string { return []string{"parameters", strconv.Itoa(i)} }
