package diff

import (
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/mask"
)

// Masker hides the values a platform marks sensitive, for views other than
// the plan (the web page's release values and messages). It is the plan's
// masker: one notion of what is secret.
type Masker struct{ m *mask.Set }

// NewMasker knows the sensitive values of every release of results.
func NewMasker(results ...*compiler.Result) *Masker { return &Masker{m: newMasker(results...)} }

// Scrub replaces every sensitive value occurring in s with Hidden.
func (m *Masker) Scrub(s string) string { return m.m.Scrub(s) }

// Values returns a copy of values where every sensitive path is Hidden and
// every string has the sensitive values scrubbed from it.
func (m *Masker) Values(values map[string]any) map[string]any { return m.m.Values(values, nil) }
