package kaapana

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Parameter types declared in extension_params.
const (
	TypeString     = "string"
	TypeBool       = "bool"
	TypeBoolean    = "boolean"
	TypeListSingle = "list_single"
	TypeListMulti  = "list_multi"
	TypeDoc        = "doc"
	TypeGroupName  = "group_name"
)

// Param is one declared extension parameter.
type Param struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Default    any      `json:"default,omitempty"`
	Options    []string `json:"options,omitempty"`
	Definition string   `json:"definition,omitempty"`
}

// Settable reports whether users give the parameter a value; doc and
// group_name only decorate the install form.
func (p Param) Settable() bool { return p.Type != TypeDoc && p.Type != TypeGroupName }

// ParseParams reads values.yaml's top-level extension_params.
func ParseParams(values map[string]any) ([]Param, error) {
	raw, ok := values["extension_params"]
	if !ok || raw == nil {
		return nil, nil
	}
	decl, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("values.yaml: extension_params must be a map, got %T", raw)
	}
	var out []Param
	for name, v := range decl {
		d, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("values.yaml: extension_params.%s must be a map, got %T", name, v)
		}
		p := Param{Name: name, Default: d["default"]}
		p.Type, _ = d["type"].(string)
		p.Definition, _ = d["definition"].(string)
		switch p.Type {
		case TypeString, TypeBool, TypeBoolean, TypeDoc, TypeGroupName:
		case TypeListSingle, TypeListMulti:
			opts, ok := d["value"].([]any)
			if !ok {
				return nil, fmt.Errorf("values.yaml: extension_params.%s: type %s needs its options as a list in value", name, p.Type)
			}
			for _, o := range opts {
				p.Options = append(p.Options, fmt.Sprint(o))
			}
		default:
			return nil, fmt.Errorf("values.yaml: extension_params.%s: unknown type %q (want string, bool, boolean, list_single, list_multi, doc or group_name)", name, p.Type)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ParamProblem is one parameter the platform got wrong.
type ParamProblem struct {
	// Param is the parameter name; Given reports whether the user set it
	// (so the problem can point at the user's line).
	Param   string
	Given   bool
	Message string
}

// ResolveParams checks user parameters against the declaration and returns
// the values to pass as global.<name>: user values, else defaults, leaving
// out parameters the platform globals provide. list_multi values are joined
// with "," as Kaapana's UI does.
func ResolveParams(params []Param, given map[string]any, globals map[string]any) (map[string]any, []ParamProblem) {
	out := map[string]any{}
	var probs []ParamProblem
	byName := map[string]Param{}
	var settable []string
	for _, p := range params {
		byName[p.Name] = p
		if p.Settable() {
			settable = append(settable, p.Name)
		}
	}
	names := make([]string, 0, len(given))
	for k := range given {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := given[name]
		p, ok := byName[name]
		switch {
		case !ok:
			known := "none"
			if len(settable) > 0 {
				known = strings.Join(settable, ", ")
			}
			probs = append(probs, ParamProblem{name, true, fmt.Sprintf("unknown parameter %q (the chart declares: %s)", name, known)})
			continue
		case !p.Settable():
			probs = append(probs, ParamProblem{name, true, fmt.Sprintf("parameter %q is of type %s, which is display-only and takes no value", name, p.Type)})
			continue
		}
		resolved, msg := checkValue(p, v)
		if msg == "" && p.Type == TypeListMulti {
			if d, ok := duplicateEntry(v); ok {
				msg = fmt.Sprintf("entry %q is listed twice", d)
			}
		}
		if msg != "" {
			probs = append(probs, ParamProblem{name, true, fmt.Sprintf("parameter %q: %s", name, msg)})
			continue
		}
		out[name] = resolved
	}
	for _, p := range params {
		if !p.Settable() {
			continue
		}
		if _, ok := given[p.Name]; ok {
			continue
		}
		if _, ok := globals[p.Name]; ok {
			// Kaapana marks such parameters not required: the admin
			// chart's globals fill them.
			continue
		}
		if d, ok := usableDefault(p); ok {
			out[p.Name] = d
			continue
		}
		if msg := invalidDefault(p); msg != "" {
			probs = append(probs, ParamProblem{p.Name, false, msg})
			continue
		}
		probs = append(probs, ParamProblem{p.Name, false, fmt.Sprintf("missing parameter %q (%s%s): set it in parameters or provide it in the platform globals", p.Name, p.Type, describeDefinition(p))})
	}
	return out, probs
}

func describeDefinition(p Param) string {
	if p.Definition == "" {
		return ""
	}
	return ", " + p.Definition
}

// usableDefault is the default the install form would submit: Kaapana's UI
// refuses an empty string or an empty selection.
func usableDefault(p Param) (any, bool) {
	if p.Default == nil {
		return nil, false
	}
	v, msg := checkValue(p, p.Default)
	if msg != "" {
		return nil, false
	}
	if s, ok := v.(string); ok && s == "" && p.Type != TypeBool && p.Type != TypeBoolean {
		return nil, false
	}
	return v, true
}

// invalidDefault says what is wrong with a chart's own default that is
// set but is not a value of its type (a list_multi default not among the
// options): the chart is wrong, not the platform, so "missing" would mislead.
func invalidDefault(p Param) string {
	if p.Default == nil {
		return ""
	}
	_, msg := checkValue(p, p.Default)
	if msg == "" {
		return ""
	}
	return fmt.Sprintf("the chart's default for parameter %q is invalid: %s; set the parameter in parameters", p.Name, msg)
}

func checkValue(p Param, v any) (any, string) {
	switch p.Type {
	case TypeString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Sprintf("type string wants a string, got %s", describe(v))
		}
		return s, ""
	case TypeBool, TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Sprintf("type %s wants true or false, got %s", p.Type, describe(v))
		}
		return b, ""
	case TypeListSingle:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Sprintf("type list_single wants one of %s, got %s", quoteList(p.Options), describe(v))
		}
		if !slices.Contains(p.Options, s) {
			return nil, fmt.Sprintf("%q is not one of the options %s", s, quoteList(p.Options))
		}
		return s, ""
	case TypeListMulti:
		var items []string
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Sprintf("type list_multi wants a list of strings, got an entry %s", describe(e))
				}
				items = append(items, s)
			}
		case []string:
			items = x
		case string:
			// Kaapana's own defaults are sometimes a single string.
			items = []string{x}
		default:
			return nil, fmt.Sprintf("type list_multi wants a list of strings from %s, got %s", quoteList(p.Options), describe(v))
		}
		if len(items) == 0 {
			return nil, "type list_multi needs at least one entry"
		}
		for _, s := range items {
			if !slices.Contains(p.Options, s) {
				return nil, fmt.Sprintf("entry %q is not one of the options %s", s, quoteList(p.Options))
			}
		}
		return strings.Join(items, ","), ""
	}
	return nil, fmt.Sprintf("type %s takes no value", p.Type)
}

// duplicateEntry finds an entry given twice in a list_multi value:
// Kaapana's form cannot submit one, and the joined value would carry it twice.
func duplicateEntry(v any) (string, bool) {
	l, _ := v.([]any)
	seen := map[string]bool{}
	for _, e := range l {
		s, _ := e.(string)
		if seen[s] {
			return s, true
		}
		seen[s] = true
	}
	return "", false
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case bool:
		return fmt.Sprintf("bool %v", x)
	case float64, int, int64:
		return fmt.Sprintf("number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func quoteList(opts []string) string {
	q := make([]string, len(opts))
	for i, o := range opts {
		q[i] = fmt.Sprintf("%q", o)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
