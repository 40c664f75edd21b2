package spec

import (
	"strconv"
	"strings"

	"cuelang.org/go/cue/token"

	"github.com/pono-gitops/pono/compiler/diag"
)

// Path is a field path in the platform, such as
// extensions.jupyterlab.parameters.display_name.
type Path []string

// P builds a Path from its elements.
func P(elems ...string) Path { return Path(elems) }

func (p Path) key() string { return strings.Join(p, "\x1f") }

// String renders the path with dots, as an admin reads it
// (extensions.hello-app.version); only labels that would be ambiguous
// (empty, or holding a dot, a space, a quote) are quoted.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		if plainLabel(e) {
			b.WriteString(e)
		} else {
			b.WriteString(strconv.Quote(e))
		}
	}
	return b.String()
}

func plainLabel(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r == '_' || r == '$' || r == '-' || r == '/' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// tokenPos is CUE's source position, which diagnostics format.
type tokenPos = token.Pos

// Positions maps platform paths to where the user wrote them.
type Positions struct{ m map[string]token.Pos }

func newPositions() *Positions { return &Positions{m: map[string]token.Pos{}} }

func (ps *Positions) set(p Path, pos token.Pos) {
	if pos.IsValid() {
		ps.m[p.key()] = pos
	}
}

// Of returns the position of p, or of its nearest ancestor that has one.
func (ps *Positions) Of(p Path) token.Pos {
	pos, _ := ps.near(p)
	return pos
}

// near is Of with the length of the path that had the position (-1 for
// none), to choose the closer of two position maps.
func (ps *Positions) near(p Path) (token.Pos, int) {
	for i := len(p); i >= 0; i-- {
		if pos, ok := ps.m[p[:i].key()]; ok {
			return pos, i
		}
	}
	return token.NoPos, -1
}

// merge copies every position of o into ps (o wins).
func (ps *Positions) merge(o *Positions) {
	for k, v := range o.m {
		ps.m[k] = v
	}
}

// placed gives the errors CUE reports without a position (an evaluation
// that fails as a whole) the start of the layer's first CUE file, so that
// every diagnostic names a file.
func (l *layer) placed(errs diag.List) diag.List {
	for i := range errs {
		if errs[i].Pos == "" {
			if f, ok := l.src[l.cue[0].Name]; ok {
				errs[i].Pos = diag.FormatPos(f.at(0))
			}
		}
	}
	return errs
}

// notMapping reports CUE files that evaluate to something other than a
// mapping (a top-level list), at their first value, as a YAML file's is.
func notMapping(fd *fileData) (diag.Diagnostic, bool) {
	if _, ok := fd.data.(map[string]any); ok {
		return diag.Diagnostic{}, false
	}
	return diag.At(fd.pos.Of(nil), "", "a platform file holds a mapping of fields such as name: \"my-platform\", not %s", show(fd.data)), true
}
