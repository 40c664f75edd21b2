package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// formSpec is what one ui_form type requires and accepts besides the
// common fields (type, title, description, help, required, default).
type formSpec struct {
	required, allowed []string
}

// formSpecs are Kaapana's UIForm types (workflow-api schemas.py).
var formSpecs = map[string]formSpec{
	"bool":        {allowed: []string{"true_label", "false_label"}},
	"int":         {allowed: []string{"minimum", "maximum"}},
	"float":       {allowed: []string{"minimum", "maximum"}},
	"list":        {required: []string{"options"}, allowed: []string{"options", "multiselectable"}},
	"str":         {required: []string{"regex_pattern"}, allowed: []string{"regex_pattern"}},
	"dataset":     {},
	"data_entity": {required: []string{"query", "limit", "pagination"}, allowed: []string{"query", "limit", "pagination"}},
	"file":        {allowed: []string{"accept", "multiple"}},
	"terms":       {required: []string{"terms_text"}, allowed: []string{"terms_text"}},
}

// present lists the type-specific fields a form sets.
func (f *UIForm) present() map[string]bool {
	return map[string]bool{
		"true_label": f.TrueLabel != nil, "false_label": f.FalseLabel != nil,
		"minimum": f.Minimum != nil, "maximum": f.Maximum != nil,
		"options": f.Options != nil, "multiselectable": f.Multiselectable,
		"regex_pattern": f.RegexPattern != nil,
		"query":         f.Query != nil, "limit": f.Limit != nil, "pagination": f.Pagination != nil,
		"accept": f.Accept != nil, "multiple": f.Multiple,
		"terms_text": f.TermsText != nil,
	}
}

func checkParameters(rw *resolvedWorkflow) {
	c := rw.c
	seen := map[[2]string]int{}
	for i, prm := range rw.w.Parameters {
		at := p("parameters", strconv.Itoa(i))
		key := [2]string{prm.Task, prm.Env}
		if j, dup := seen[key]; dup {
			c.errorf(at, "task %s env %s is already bound by parameters[%d]", prm.Task, prm.Env, j)
		}
		seen[key] = i
		rt := rw.tasks[prm.Task]
		switch {
		case prm.Task == "":
			c.errorf(append(at, "task"), "names no task (tasks: %s)", list(rw.ids))
		case rt == nil:
			c.errorf(append(at, "task"), "no task %q in this workflow (tasks: %s); Kaapana would pass the value to a task that does not exist and no container would see it", prm.Task, list(rw.ids))
		}
		if prm.Env == "" {
			c.errorf(append(at, "env"), "names no env variable")
		}
		envOK := rt != nil && prm.Env != "" && checkEnvName(c, append(at, "env"), rt, prm.Env)
		checkForm(c, append(at, "ui_form"), &prm.UIForm)
		if !envOK {
			continue
		}
		e := templateEnv(rt.tmpl, prm.Env)
		if len(e.Choices) > 0 {
			for _, o := range prm.UIForm.Options {
				if !slices.Contains(e.Choices, o) {
					c.errorf(append(at, "ui_form", "options"), "option %q is not one of the choices %s template %q declares for %s", o, quoted(e.Choices), rt.tmpl.Identifier, prm.Env)
				}
			}
		}
		if v, ok := formDefaultString(&prm.UIForm); ok {
			checkEnvValue(c, append(at, "ui_form", "default"), rt, prm.Env, v)
		}
	}
}

func checkForm(c *checker, at []string, f *UIForm) {
	spec, known := formSpecs[f.Type]
	if !known {
		c.errorf(append(slices.Clone(at), "type"), "type %q is not a Kaapana form type (%s)", f.Type, list(slices.Sorted(maps.Keys(formSpecs))))
		return
	}
	if f.Title == "" {
		c.errorf(at, "title is missing; workflow-api requires it")
	}
	if f.Description == "" {
		c.errorf(at, "description is missing; workflow-api requires it")
	}
	has := f.present()
	for _, r := range spec.required {
		if !has[r] {
			c.errorf(at, "type %s requires %s", f.Type, r)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(has)) {
		if has[k] && !slices.Contains(spec.allowed, k) {
			c.warnf(append(slices.Clone(at), k), "%s has no meaning for type %s; it is left out of workflow.json", k, f.Type)
		}
	}
	if f.Type == "list" && has["options"] && len(f.Options) == 0 {
		c.errorf(append(slices.Clone(at), "options"), "a list needs at least one option")
	}
	var re *regexp.Regexp
	if f.Type == "str" && f.RegexPattern != nil {
		var err error
		if re, err = regexp.Compile(*f.RegexPattern); err != nil {
			c.warnf(append(slices.Clone(at), "regex_pattern"), "pono cannot read this pattern (%v), so the default is not checked against it", err)
		}
	}
	var lo, hi *float64
	if f.Type == "int" || f.Type == "float" {
		lo = bound(c, append(slices.Clone(at), "minimum"), f.Minimum, f.Type)
		hi = bound(c, append(slices.Clone(at), "maximum"), f.Maximum, f.Type)
		if lo != nil && hi != nil && *lo > *hi {
			c.errorf(append(slices.Clone(at), "maximum"), "maximum %v is below minimum %v", *hi, *lo)
		}
	}
	if f.Default == nil {
		return
	}
	dp := append(slices.Clone(at), "default")
	if err := checkDefault(f, re, lo, hi); err != nil {
		c.errorf(dp, "%v", err)
		return
	}
	if nonString(f) {
		c.warnf(dp, "workflow-api passes %s form's value to KaapanaTaskOperator as it is, and BaseEnv.value must be a string, so runs started from Kaapana's UI fail (a list or str form avoids it); pono passes the default to the operator as %q", formName(f), mustDefaultString(f))
	}
}

func bound(c *checker, at []string, n *json.Number, typ string) *float64 {
	if n == nil {
		return nil
	}
	f, err := n.Float64()
	if err != nil || (typ == "int" && !isInt(string(*n))) {
		c.errorf(at, "%s is not %s", *n, article(typ))
		return nil
	}
	return &f
}

func article(typ string) string {
	if typ == "int" {
		return "an integer"
	}
	return "a number"
}

func isInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// checkDefault holds a default against the form's type and options/bounds.
func checkDefault(f *UIForm, re *regexp.Regexp, lo, hi *float64) error {
	raw := bytes.TrimSpace(f.Default)
	kind := jsonKind(raw)
	switch f.Type {
	case "bool", "terms":
		if kind != "boolean" {
			return fmt.Errorf("default must be true or false for a %s form, got %s", f.Type, kind)
		}
	case "int", "float":
		if kind != "number" || (f.Type == "int" && !isInt(string(raw))) {
			return fmt.Errorf("default must be %s, got %s", article(f.Type), raw)
		}
		v, _ := strconv.ParseFloat(string(raw), 64)
		if lo != nil && v < *lo {
			return fmt.Errorf("default %s is below minimum %v", raw, *lo)
		}
		if hi != nil && v > *hi {
			return fmt.Errorf("default %s is above maximum %v", raw, *hi)
		}
	case "list":
		var vals []string
		if f.Multiselectable {
			if json.Unmarshal(raw, &vals) != nil {
				return fmt.Errorf("default of a multiselectable list must be a list of options, got %s", raw)
			}
		} else {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return fmt.Errorf("default must be one of the options (a string), got %s", raw)
			}
			vals = []string{s}
		}
		for _, v := range vals {
			if !slices.Contains(f.Options, v) {
				return fmt.Errorf("default %q is not one of the options %s", v, quoted(f.Options))
			}
		}
	case "str", "dataset", "file":
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("default must be a string for a %s form, got %s", f.Type, raw)
		}
		if re != nil && !re.MatchString(s) {
			return fmt.Errorf("default %q does not match regex_pattern %q", s, *f.RegexPattern)
		}
	}
	return nil
}

func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	case '[':
		return "a list"
	case '{':
		return "a map"
	}
	return "number"
}

// nonString says whether workflow-api would hand the operator a value that
// is not a string.
func nonString(f *UIForm) bool {
	switch f.Type {
	case "bool", "int", "float", "terms":
		return true
	case "list":
		return f.Multiselectable
	}
	return false
}

func formName(f *UIForm) string {
	switch f.Type {
	case "list":
		return "a multiselectable list"
	case "int":
		return "an int"
	}
	return "a " + f.Type
}

// formDefaultString is the default as the operator's env gets it: scalars
// as EnvValue converts them, a multiselect list joined with ",".
func formDefaultString(f *UIForm) (string, bool) {
	if f.Default == nil {
		return "", false
	}
	var vals []string
	if f.Type == "list" && f.Multiselectable && json.Unmarshal(f.Default, &vals) == nil {
		return strings.Join(vals, ","), true
	}
	s, err := scalarString(f.Default)
	return s, err == nil
}

func mustDefaultString(f *UIForm) string {
	s, _ := formDefaultString(f)
	return s
}

// mergeEnv computes each task's operator env: its overrides, then the
// defaults of the parameters bound to it (the form shows them, so a run
// started without the form gets them too).
func mergeEnv(rw *resolvedWorkflow) {
	for _, id := range rw.ids {
		rt := rw.tasks[id]
		env := map[string]string{}
		for name, v := range rt.t.Env {
			if s, err := v.String(); err == nil {
				env[name] = s
			}
		}
		for i, prm := range rw.w.Parameters {
			if prm.Task != id {
				continue
			}
			s, ok := formDefaultString(&prm.UIForm)
			if !ok {
				continue
			}
			if old, set := env[prm.Env]; set && old != s {
				rw.c.warnf(p("parameters", strconv.Itoa(i), "ui_form", "default"), "tasks.%s.env.%s is %q and this default %q: the operator gets the default", id, prm.Env, old, s)
			}
			env[prm.Env] = s
		}
		for _, name := range slices.Sorted(maps.Keys(env)) {
			rt.env = append(rt.env, taskapi.Env{Name: name, Value: env[name]})
		}
	}
}
