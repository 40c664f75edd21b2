package diff

import (
	"fmt"
	"reflect"

	"github.com/pmezard/go-difflib/difflib"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/mask"
	"github.com/pono-gitops/pono/internal/values"
)

// ObjectDiffs compares two canonical manifest files object by object.
func ObjectDiffs(oldManifest, newManifest []byte, m *masker) ([]ObjectDiff, error) {
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
	var out []ObjectDiff
	for _, id := range values.Keys(a, b) {
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
			ma, mb, keys := mask.SecretDiff(oa.Body, ob.Body)
			d.SecretKeys = keys
			textA, textB = Render(ma), Render(mb)
		} else {
			textA, textB = Render(oa.Body), Render(ob.Body)
		}
		textA, textB = m.Scrub(textA), m.Scrub(textB)
		ud, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: Lines(textA), B: Lines(textB),
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

// Render is an object body as the reports show it (YAML).
func Render(body map[string]any) string {
	if body == nil {
		return ""
	}
	y, err := yaml.Marshal(body)
	if err != nil {
		return fmt.Sprintf("(cannot render: %v)\n", err)
	}
	return string(y)
}

// Lines splits s for a unified diff (none for "").
func Lines(s string) []string {
	if s == "" {
		return nil
	}
	return difflib.SplitLines(s)
}
