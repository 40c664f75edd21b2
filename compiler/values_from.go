package compiler

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/internal/values"
)

// ValueRef is one value a release takes from a Secret or ConfigMap in the
// cluster: where it is read (Kind, Namespace, Name, Key) and where it lands
// (Path, a dot-separated values path). Without a cluster the release's
// values hold Placeholder there; ResolveValuesFrom puts the real value in.
type ValueRef struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Key       string `json:"valuesKey"`
	Path      string `json:"targetPath"`
	// Type is the shape of the value: string, boolean, number, list or
	// map (a list or map is read as YAML).
	Type     string `json:"type"`
	Optional bool   `json:"optional,omitempty"`
	// Parameter is the Kaapana parameter the value sets, if any; Options
	// are a list_single parameter's choices.
	Parameter string   `json:"parameter,omitempty"`
	Options   []string `json:"options,omitempty"`
}

// Value types of a ValueRef.
const (
	ValueString  = "string"
	ValueBoolean = "boolean"
	ValueNumber  = "number"
	ValueList    = "list"
	ValueMap     = "map"
)

// Object is Kind namespace/name, as messages name it.
func (v ValueRef) Object() string { return v.Kind + " " + v.Namespace + "/" + v.Name }

// Target says where the value goes, for messages.
func (v ValueRef) Target() string {
	if v.Parameter != "" {
		return "parameter " + v.Parameter
	}
	return "values path " + v.Path
}

// Placeholder is the stable stand-in of the value when no cluster is
// read: of the target's type, and for strings saying where the value
// comes from.
func (v ValueRef) Placeholder() any {
	switch v.Type {
	case ValueBoolean:
		return false
	case ValueNumber:
		return float64(0)
	case ValueList:
		return []any{}
	case ValueMap:
		return map[string]any{}
	}
	if len(v.Options) > 0 {
		// A list_single parameter's value must be one of its options for
		// the chart to render as it will.
		return v.Options[0]
	}
	return "from-cluster:" + v.Kind + "/" + v.Namespace + "/" + v.Name + "/" + v.Key
}

// valueRefs checks the valuesFrom entries that apply to one release (the
// platform's, the extension's, then the instance's; a later entry for the
// same path replaces an earlier one) and returns them in that order.
func (b *build) valueRefs(r extensionRequest, ns string, values map[string]any) ([]ValueRef, bool) {
	subject := "extension " + r.ext
	ok := true
	var out []ValueRef
	add := func(at spec.Path, e spec.ValueFrom, platform bool) {
		ref, msg := b.valueRef(r, e, platform, values)
		if msg != "" {
			// The platform's entries are reported once, by checkValuesFrom.
			if !platform {
				b.errAt(at, subject, "valuesFrom: %s", msg)
			}
			ok = false
			return
		}
		ref.Namespace = ns
		if platform {
			ref.Namespace = b.p.Namespaces.ReleaseNamespace()
		}
		for i := range out {
			if out[i].Path == ref.Path {
				out = append(out[:i], out[i+1:]...)
				break
			}
		}
		out = append(out, ref)
	}
	for i, e := range b.p.ValuesFrom {
		add(spec.P("valuesFrom", fmt.Sprint(i)), e, true)
	}
	for i, e := range r.e.ValuesFrom {
		add(append(append(spec.Path{}, r.extPath...), "valuesFrom", fmt.Sprint(i)), e, false)
	}
	if r.inst != "" {
		for i, e := range r.e.Instances[r.inst].ValuesFrom {
			add(append(append(spec.Path{}, r.path...), "valuesFrom", fmt.Sprint(i)), e, false)
		}
	}
	return out, ok
}

// checkValuesFrom reports the platform's own valuesFrom entries that do
// not name a global, once rather than for every release.
func (b *build) checkValuesFrom() {
	for i, e := range b.p.ValuesFrom {
		if msg := platformEntry(e); msg != "" {
			b.errAt(spec.P("valuesFrom", fmt.Sprint(i)), "platform", "valuesFrom: %s", msg)
		}
	}
}

func platformEntry(e spec.ValueFrom) string {
	where := fmt.Sprintf("%s %s key %s", e.Kind, e.Name, e.ValuesKey)
	switch {
	case e.Parameter != "" || e.TargetPath != "" || e.Global == "":
		return where + ": at the platform level valuesFrom sets globals: name one with global (and nothing else)"
	case strings.Contains(e.Global, "."):
		return fmt.Sprintf("%s: global %q holds a dot: set a nested value with targetPath in an extension", where, e.Global)
	}
	return ""
}

// valueRef turns one entry into a reference, or says what is wrong.
func (b *build) valueRef(r extensionRequest, e spec.ValueFrom, platform bool, vals map[string]any) (ValueRef, string) {
	ref := ValueRef{Kind: e.Kind, Name: e.Name, Key: e.ValuesKey, Optional: e.Optional}
	n := 0
	for _, set := range []bool{e.Parameter != "", e.Global != "", e.TargetPath != ""} {
		if set {
			n++
		}
	}
	where := fmt.Sprintf("%s %s key %s", e.Kind, e.Name, e.ValuesKey)
	if platform {
		if msg := platformEntry(e); msg != "" {
			return ref, msg
		}
	}
	switch {
	case n != 1:
		return ref, where + ": set exactly one of parameter, global or targetPath"
	case e.Parameter != "":
		p, declared := param(r.rc.meta, e.Parameter)
		if !declared || !p.Settable() {
			var known []string
			for _, p := range r.rc.meta.Params {
				if p.Settable() {
					known = append(known, p.Name)
				}
			}
			if len(known) == 0 {
				known = []string{"none"}
			}
			return ref, fmt.Sprintf("%s: %q is not a parameter of chart %s (it declares: %s)", where, e.Parameter, r.rc.meta.Name, strings.Join(known, ", "))
		}
		ref.Parameter, ref.Path, ref.Type = e.Parameter, "global."+e.Parameter, ValueString
		switch p.Type {
		case kaapana.TypeBool, kaapana.TypeBoolean:
			ref.Type = ValueBoolean
		case kaapana.TypeListSingle:
			ref.Options = p.Options
		}
		return ref, ""
	case e.Global != "":
		if strings.Contains(e.Global, ".") {
			return ref, fmt.Sprintf("%s: global %q holds a dot: set a nested value with targetPath", where, e.Global)
		}
		ref.Path = "global." + e.Global
	default:
		ref.Path = e.TargetPath
	}
	keys := strings.Split(ref.Path, ".")
	chartDefault, _ := values.Get(r.rc.chart.Values(), keys...)
	ref.Type = valueType(chartDefault)
	if ref.Type == ValueString {
		given, _ := values.Get(vals, keys...)
		ref.Type = valueType(given)
	}
	return ref, ""
}

func param(m kaapana.Meta, name string) (kaapana.Param, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p, true
		}
	}
	return kaapana.Param{}, false
}

// valueType is the ValueRef type of a chart default (string when there is
// none).
func valueType(v any) string {
	switch v.(type) {
	case bool:
		return ValueBoolean
	case float64, float32, int, int64, uint64:
		return ValueNumber
	case []any:
		return ValueList
	case map[string]any:
		return ValueMap
	}
	return ValueString
}

// withParamPlaceholders returns r's parameters with a placeholder for each
// declared parameter a valuesFrom entry sets, so the parameter counts as
// given (a required one is not missing) and checks as its type.
func withParamPlaceholders(r extensionRequest) map[string]any {
	entries := r.e.ValuesFrom
	if r.inst != "" {
		entries = append(slices.Clone(entries), r.e.Instances[r.inst].ValuesFrom...)
	}
	out := maps.Clone(r.params)
	if out == nil {
		out = map[string]any{}
	}
	for _, e := range entries {
		p, ok := param(r.rc.meta, e.Parameter)
		if e.Parameter == "" || !ok || !p.Settable() {
			continue
		}
		ref := ValueRef{Kind: e.Kind, Name: e.Name, Key: e.ValuesKey, Type: ValueString, Options: p.Options}
		if p.Type == kaapana.TypeBool || p.Type == kaapana.TypeBoolean {
			ref.Type = ValueBoolean
		}
		out[e.Parameter] = ref.Placeholder()
	}
	return out
}

// withPlaceholders returns values with each reference's placeholder at
// its path, and the Secret paths to add to the sensitive ones.
func withPlaceholders(vals map[string]any, refs []ValueRef) (map[string]any, []string) {
	var sensitive []string
	for _, ref := range refs {
		vals = values.With(vals, strings.Split(ref.Path, "."), ref.Placeholder())
		if ref.Kind == spec.KindSecret {
			sensitive = append(sensitive, ref.Path)
		}
	}
	return vals, sensitive
}
