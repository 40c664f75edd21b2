// Package diag holds the compiler's diagnostics: errors and warnings that
// name the file, line and column a user wrote, or the object and field a
// rendered release produced.
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"cuelang.org/go/cue/token"
)

// Severity of a diagnostic.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in the input.
type Diagnostic struct {
	Severity Severity `json:"-"`
	// Pos is "file:line:column" where the user wrote the offending value, or
	// empty when there is no source position (a rendered object).
	Pos string `json:"pos,omitempty"`
	// Subject names what is wrong: a CUE path, an extension, a release or an
	// object (kind/namespace/name) and field.
	Subject string `json:"subject,omitempty"`
	Message string `json:"message"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Pos != "" {
		b.WriteString(d.Pos)
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Subject != "" {
		b.WriteString(d.Subject)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// FormatPos renders a CUE position as file:line:column.
func FormatPos(p token.Pos) string {
	if !p.IsValid() {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename(), p.Line(), p.Column())
}

// At builds an error diagnostic at a source position.
func At(p token.Pos, subject, format string, args ...any) Diagnostic {
	return Diagnostic{Pos: FormatPos(p), Subject: subject, Message: fmt.Sprintf(format, args...)}
}

// List collects diagnostics; as an error it holds only the errors.
type List []Diagnostic

// Errors reports whether l contains at least one error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sorted returns l ordered by position, then subject and message, with
// exact duplicates removed, so output is deterministic.
func (l List) Sorted() List {
	out := append(List(nil), l...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		if a.Pos != b.Pos {
			return lessPos(a.Pos, b.Pos)
		}
		if a.Subject != b.Subject {
			return a.Subject < b.Subject
		}
		return a.Message < b.Message
	})
	dedup := out[:0]
	for i, d := range out {
		if i > 0 && d == out[i-1] {
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
}

// lessPos orders file:line:col strings numerically within a file.
func lessPos(a, b string) bool {
	fa, la, ca := splitPos(a)
	fb, lb, cb := splitPos(b)
	if fa != fb {
		return fa < fb
	}
	if la != lb {
		return la < lb
	}
	return ca < cb
}

func splitPos(p string) (file string, line, col int) {
	parts := strings.Split(p, ":")
	if len(parts) < 3 {
		return p, 0, 0
	}
	fmt.Sscan(parts[len(parts)-2], &line)
	fmt.Sscan(parts[len(parts)-1], &col)
	return strings.Join(parts[:len(parts)-2], ":"), line, col
}

// Err is the error returned when input is invalid: every error found, at
// once, sorted.
type Err struct{ List List }

func (e *Err) Error() string {
	var b strings.Builder
	for i, d := range e.List {
		if d.Severity != Error {
			continue
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// AsError returns an *Err with l's errors, or nil when l has none.
func (l List) AsError() error {
	if !l.HasErrors() {
		return nil
	}
	var errs List
	for _, d := range l.Sorted() {
		if d.Severity == Error {
			errs = append(errs, d)
		}
	}
	return &Err{List: errs}
}

// Warnings returns only the warnings of l, sorted.
func (l List) Warnings() List {
	var w List
	for _, d := range l.Sorted() {
		if d.Severity == Warning {
			w = append(w, d)
		}
	}
	return w
}

// Relabel returns err with the path prefix from replaced by to in every
// diagnostic's position and subject (or in the message of any other
// error): files compiled from a scratch copy of a git revision then read
// as <commit>:<path in the repository>.
func Relabel(err error, from, to string) error {
	var de *Err
	if !errors.As(err, &de) {
		if err == nil || !strings.Contains(err.Error(), from) {
			return err
		}
		return &relabeled{msg: strings.ReplaceAll(err.Error(), from, to), err: err}
	}
	out := &Err{}
	for _, dg := range de.List {
		dg.Pos = strings.Replace(dg.Pos, from, to, 1)
		dg.Subject = strings.Replace(dg.Subject, from, to, 1)
		dg.Message = strings.ReplaceAll(dg.Message, from, to)
		out.List = append(out.List, dg)
	}
	return out
}

// relabeled is an error whose message was relabeled; it still wraps the
// original for errors.Is and errors.As.
type relabeled struct {
	msg string
	err error
}

func (e *relabeled) Error() string { return e.msg }
func (e *relabeled) Unwrap() error { return e.err }
