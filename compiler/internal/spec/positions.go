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

// String renders the path as CUE does, quoting labels that are not identifiers.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		if isIdent(e) {
			b.WriteString(e)
		} else {
			b.WriteString(strconv.Quote(e))
		}
	}
	return b.String()
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

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
