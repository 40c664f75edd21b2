package diff

import (
	"fmt"
	"reflect"

	"github.com/pmezard/go-difflib/difflib"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler"
)

// objectDiffs compares two canonical manifest files object by object.
func objectDiffs(oldManifest, newManifest []byte, m *masker) ([]ObjectDiff, error) {
	oldObjs, err := compiler.SplitManifest(oldManifest)
	if err != nil {
		return nil, err
	}
	newObjs, err := compiler.SplitManifest(newManifest)
	if err != nil {
		return nil, err
	}
	byID := func(objs []compiler.Object) map[string]compiler.Object {
		out := map[string]compiler.Object{}
		for _, o := range objs {
			out[objectID(o)] = o
		}
		return out
	}
	a, b := byID(oldObjs), byID(newObjs)
	ids := map[string]bool{}
	for id := range a {
		ids[id] = true
	}
	for id := range b {
		ids[id] = true
	}
	var out []ObjectDiff
	for _, id := range sortedKeys(ids) {
		oa, inA := a[id]
		ob, inB := b[id]
		if inA && inB && reflect.DeepEqual(oa.Body, ob.Body) {
			continue
		}
		d := ObjectDiff{ID: id}
		switch {
		case !inA:
			d.Change = "added"
		case !inB:
			d.Change = "removed"
		default:
			d.Change = "changed"
		}
		var textA, textB string
		if isSecret(oa, ob) {
			ma, mb, keys := maskSecrets(oa.Body, ob.Body)
			d.SecretKeys = keys
			textA, textB = render(ma), render(mb)
		} else {
			textA, textB = render(oa.Body), render(ob.Body)
		}
		textA, textB = m.scrub(textA), m.scrub(textB)
		ud, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: lines(textA), B: lines(textB),
			FromFile: "a/" + id, ToFile: "b/" + id, Context: 3,
		})
		if err != nil {
			return nil, fmt.Errorf("diff %s: %w", id, err)
		}
		d.Diff = ud
		if ud == "" && len(d.SecretKeys) == 0 {
			// The object changed only where sensitive values stand.
			d.Field = "changed in sensitive values (hidden)"
		}
		out = append(out, d)
	}
	return out, nil
}

func objectID(o compiler.Object) string {
	if o.Hook {
		return "hook " + o.ID
	}
	return o.ID
}

func isSecret(a, b compiler.Object) bool {
	return (a.Kind == "Secret" && a.Group() == "") || (b.Kind == "Secret" && b.Group() == "")
}

func render(body map[string]any) string {
	if body == nil {
		return ""
	}
	y, err := yaml.Marshal(body)
	if err != nil {
		return fmt.Sprintf("(cannot render: %v)\n", err)
	}
	return string(y)
}

// maskSecrets copies two Secrets with every data/stringData value replaced
// by a marker saying whether that key changed, and lists the changed keys.
// Values are never shown, not even hashed.
func maskSecrets(a, b map[string]any) (map[string]any, map[string]any, []string) {
	changed := map[string]bool{}
	mark := func(body, other map[string]any) map[string]any {
		if body == nil {
			return nil
		}
		out := map[string]any{}
		for k, v := range body {
			out[k] = v
		}
		for _, field := range []string{"data", "stringData"} {
			vals, ok := body[field].(map[string]any)
			if !ok {
				continue
			}
			otherVals, _ := other[field].(map[string]any)
			masked := map[string]any{}
			for k, v := range vals {
				ov, present := otherVals[k]
				switch {
				case other == nil || !present:
					masked[k] = "(hidden)"
					changed[field+"."+k] = true
				case reflect.DeepEqual(v, ov):
					masked[k] = "(hidden, unchanged)"
				default:
					masked[k] = "(hidden, changed)"
					changed[field+"."+k] = true
				}
			}
			out[field] = masked
		}
		return out
	}
	ma, mb := mark(a, b), mark(b, a)
	return ma, mb, sortedKeys(changed)
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return difflib.SplitLines(s)
}
