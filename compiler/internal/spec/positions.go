package spec

import (
	"strconv"
	"strings"

	"cuelang.org/go/cue/token"
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
	for i := len(p); i >= 0; i-- {
		if pos, ok := ps.m[p[:i].key()]; ok {
			return pos
		}
	}
	return token.NoPos
}

// merge copies every position of o into ps (o wins).
func (ps *Positions) merge(o *Positions) {
	for k, v := range o.m {
		ps.m[k] = v
	}
}
