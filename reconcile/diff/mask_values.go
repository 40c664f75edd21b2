package diff

import (
	"strconv"

	"github.com/pono-gitops/pono/compiler"
)

// Masker hides the values a platform marks sensitive, for views other than
// the plan (the web page's release values and messages). It is the plan's
// masker: one notion of what is secret.
type Masker struct{ m *masker }

// NewMasker knows the sensitive values of every release of results.
func NewMasker(results ...*compiler.Result) *Masker { return &Masker{m: newMasker(results...)} }

// Scrub replaces every sensitive value occurring in s with Hidden.
func (m *Masker) Scrub(s string) string { return m.m.scrub(s) }

// Values returns a copy of values where every sensitive path is Hidden and
// every string has the sensitive values scrubbed from it.
func (m *Masker) Values(values map[string]any) map[string]any {
	out, _ := m.value("", values).(map[string]any)
	return out
}

func (m *Masker) value(path string, v any) any {
	if path != "" && m.m.sensitive(path) {
		return Hidden
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out[k] = m.value(p, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = m.value(path+"["+strconv.Itoa(i)+"]", e)
		}
		return out
	case string:
		return m.m.scrub(x)
	}
	return v
}
