package taskapi

import (
	"regexp"
	"strconv"
	"strings"
)

// jsonPath is a location inside a JSON document.
type jsonPath []pathElem

type pathElem struct {
	key   string
	index int // -1 for keys
}

func (p jsonPath) key(k string) jsonPath {
	return append(p[:len(p):len(p)], pathElem{key: k, index: -1})
}

func (p jsonPath) idx(i int) jsonPath {
	return append(p[:len(p):len(p)], pathElem{index: i})
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// String renders templates[0].env[1].value; keys that are not identifiers
// are quoted: labels["kaapana.ai/type"].
func (p jsonPath) String() string {
	var b strings.Builder
	for _, e := range p {
		switch {
		case e.index >= 0:
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		case identRe.MatchString(e.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.key)
		default:
			b.WriteString("[" + strconv.Quote(e.key) + "]")
		}
	}
	return b.String()
}
