package workflow

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
)

// WorkflowJSON is files/workflow.json as Kaapana's workflow-installer
// reads and posts it: title, workflow_engine, labels [{key, value}] sorted by
// key, workflow_parameters [{task_title, env_variable_name, ui_form}] in the
// platform's order. Defaults keep their JSON type (the form needs a boolean
// for a bool field); what the operator gets is converted separately.
func WorkflowJSON(name string, w *Workflow) ([]byte, error) {
	labels := make([]any, 0, len(w.Labels))
	for _, k := range slices.Sorted(maps.Keys(w.Labels)) {
		labels = append(labels, obj{{"key", k}, {"value", w.Labels[k]}})
	}
	params := make([]any, 0, len(w.Parameters))
	for _, prm := range w.Parameters {
		params = append(params, obj{{"task_title", prm.Task}, {"env_variable_name", prm.Env}, {"ui_form", uiForm(&prm.UIForm)}})
	}
	doc := obj{
		{"title", w.title(name)},
		{"workflow_engine", w.engine()},
		{"labels", labels},
		{"workflow_parameters", params},
	}
	return marshalIndent(doc)
}

// uiForm writes a form's fields in one fixed order, only those its type
// knows.
func uiForm(f *UIForm) obj {
	spec := formSpecs[f.Type]
	allowed := func(k string) bool { return slices.Contains(spec.allowed, k) }
	o := obj{{"type", f.Type}, {"title", f.Title}, {"description", f.Description}}
	if f.Help != "" {
		o = append(o, kv{"help", f.Help})
	}
	opt := func(k string, set bool, v any) {
		if set && allowed(k) {
			o = append(o, kv{k, v})
		}
	}
	opt("regex_pattern", f.RegexPattern != nil, deref(f.RegexPattern))
	opt("options", f.Options != nil, f.Options)
	opt("minimum", f.Minimum != nil, numberOf(f.Minimum))
	opt("maximum", f.Maximum != nil, numberOf(f.Maximum))
	opt("query", f.Query != nil, f.Query)
	opt("limit", f.Limit != nil, f.Limit)
	opt("pagination", f.Pagination != nil, f.Pagination)
	opt("accept", f.Accept != nil, deref(f.Accept))
	opt("terms_text", f.TermsText != nil, deref(f.TermsText))
	if f.Default != nil {
		o = append(o, kv{"default", f.Default})
	}
	opt("multiselectable", true, f.Multiselectable)
	opt("multiple", true, f.Multiple)
	o = append(o, kv{"required", f.Required})
	opt("true_label", f.TrueLabel != nil, deref(f.TrueLabel))
	opt("false_label", f.FalseLabel != nil, deref(f.FalseLabel))
	return o
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func numberOf(n *json.Number) json.Number {
	if n == nil {
		return ""
	}
	return *n
}

// obj is a JSON object that keeps its key order.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(e.k)
		if err != nil {
			return nil, err
		}
		v, err := marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping, so "<" stays "<".
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// marshalIndent writes v with Kaapana's four-space indent and a final
// newline.
func marshalIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
