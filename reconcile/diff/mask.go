package diff

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/compiler"
)

// Hidden replaces anything secret in the output.
const Hidden = "(hidden)"

// masker knows the sensitive values of both sides and scrubs them from text.
type masker struct {
	paths   map[string]bool
	secrets []string // longest first
}

func newMasker(results ...*compiler.Result) *masker {
	m := &masker{paths: map[string]bool{}}
	seen := map[string]bool{}
	for _, res := range results {
		if res == nil {
			continue
		}
		for _, rel := range res.Releases {
			for _, p := range rel.Sensitive {
				m.paths[p] = true
				if v, ok := lookup(rel.Values, p); ok {
					s := fmt.Sprint(v)
					if s != "" && !seen[s] {
						seen[s] = true
						m.secrets = append(m.secrets, s)
					}
				}
			}
		}
	}
	sort.Slice(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
	return m
}

func lookup(values map[string]any, path string) (any, bool) {
	var cur any = values
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// scrub replaces every sensitive value occurring in s.
func (m *masker) scrub(s string) string {
	for _, sec := range m.secrets {
		s = strings.ReplaceAll(s, sec, Hidden)
	}
	return s
}

// valueChanges lists changed leaf paths between two value trees.
func valueChanges(old, new map[string]any, m *masker) []ValueChange {
	a, b := map[string]string{}, map[string]string{}
	flatten("", old, a)
	flatten("", new, b)
	var out []ValueChange
	for _, k := range sortedKeys(union(a, b)) {
		va, inA := a[k]
		vb, inB := b[k]
		if inA && inB && va == vb {
			continue
		}
		if m.sensitive(k) {
			va, vb = Hidden, Hidden
		}
		c := ValueChange{Path: k, From: m.scrub(va), To: m.scrub(vb)}
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

func (m *masker) sensitive(path string) bool {
	for p := range m.paths {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

func union(a, b map[string]string) map[string]string {
	u := map[string]string{}
	for k, v := range a {
		u[k] = v
	}
	for k, v := range b {
		u[k] = v
	}
	return u
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
