package diff

import (
	"encoding/json"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/mask"
	"github.com/pono-gitops/pono/internal/values"
)

// Hidden replaces anything secret in the output.
const Hidden = mask.Hidden

// masker knows the sensitive values of both sides and scrubs them from text.
type masker = mask.Set

func newMasker(results ...*compiler.Result) *masker { return compiler.MaskSet(results...) }

// valueChanges lists changed leaf paths between two value trees.
func valueChanges(old, new map[string]any, m *masker) []ValueChange {
	a, b := map[string]string{}, map[string]string{}
	flatten("", old, a)
	flatten("", new, b)
	var out []ValueChange
	for _, k := range values.Keys(a, b) {
		va, inA := a[k]
		vb, inB := b[k]
		if inA && inB && va == vb {
			continue
		}
		if m.Sensitive(k) {
			va, vb = Hidden, Hidden
		}
		c := ValueChange{Path: k, From: m.Scrub(va), To: m.Scrub(vb)}
		switch {
		case !inA:
			c.Change, c.From = "added", ""
		case !inB:
			c.Change, c.To = "removed", ""
		default:
			c.Change = "changed"
		}
		out = append(out, c)
	}
	return out
}

// flatten writes leaf values as compact JSON by dotted path; lists are
// leaves (a changed list shows whole).
func flatten(prefix string, v any, out map[string]string) {
	if m, ok := v.(map[string]any); ok {
		for k, e := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
		return
	}
	if prefix == "" {
		return
	}
	b, _ := json.Marshal(v)
	out[prefix] = string(b)
}
