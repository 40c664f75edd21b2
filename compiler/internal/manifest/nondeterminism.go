package manifest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Varies replaces a value that differs between two renders in the
// canonical output, so the compiled output stays byte-identical.
const Varies = "(pono: differs between renders)"

// FieldDiff is a field whose value differs between two renders.
type FieldDiff struct {
	Object string
	Field  string
}

// MaskDifferences compares two renders of the same release, replaces every
// differing leaf in a with Varies, and reports the fields. Objects present
// in only one render are reported as a whole.
func MaskDifferences(a, b []Object) []FieldDiff {
	byID := map[string]Object{}
	for _, o := range b {
		byID[o.ID()+"\x00"+o.Source] = o
	}
	var out []FieldDiff
	for _, o := range a {
		other, ok := byID[o.ID()+"\x00"+o.Source]
		if !ok {
			out = append(out, FieldDiff{Object: o.ID(), Field: "(whole object, or its name)"})
			continue
		}
		var fields []string
		o.Body = maskValue(o.Body, other.Body, "", &fields).(map[string]any)
		sort.Strings(fields)
		for _, f := range fields {
			out = append(out, FieldDiff{Object: o.ID(), Field: f})
		}
	}
	return out
}

func maskValue(a, b any, path string, fields *[]string) any {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		for k, v := range am {
			am[k] = maskValue(v, bm[k], joinPath(path, k), fields)
		}
		return am
	}
	al, ok1 := a.([]any)
	bl, ok2 := b.([]any)
	if ok1 && ok2 && len(al) == len(bl) {
		for i := range al {
			al[i] = maskValue(al[i], bl[i], fmt.Sprintf("%s[%d]", path, i), fields)
		}
		return al
	}
	if reflect.DeepEqual(a, b) {
		return a
	}
	*fields = append(*fields, path)
	return Varies
}

func joinPath(p, k string) string {
	if strings.ContainsAny(k, ".[]") {
		k = fmt.Sprintf("[%q]", k)
		return p + k
	}
	if p == "" {
		return k
	}
	return p + "." + k
}
