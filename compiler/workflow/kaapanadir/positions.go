package kaapanadir

import (
	"fmt"
	"strconv"
	"strings"

	yamlv4 "go.yaml.in/yaml/v4"
)

// posIndex maps a path of pono's workflow model (below workflows.<name>)
// to the Kaapana file:line:col the value came from; workflow.Compile asks
// it for every diagnostic.
type posIndex map[string]string

func key(path []string) string { return strings.Join(path, "\x00") }

func (ix posIndex) set(pos string, path ...string) {
	if pos != "" {
		ix[key(path)] = pos
	}
}

// lookup returns the position of path or of its nearest ancestor.
func (ix posIndex) lookup(path []string) string {
	if len(path) >= 2 && path[0] == "workflows" {
		path = path[2:]
	}
	for n := len(path); n >= 0; n-- {
		if p, ok := ix[key(path[:n])]; ok {
			return p
		}
	}
	return ""
}

// doc is a parsed YAML or JSON file with its display name, for positions.
type doc struct {
	display string
	root    *yamlv4.Node
}

func (d doc) at(n *yamlv4.Node) string {
	if n == nil {
		return d.display
	}
	return fmt.Sprintf("%s:%d:%d", d.display, n.Line, n.Column)
}

// node walks mapping keys (strings) and sequence indexes (ints).
func (d doc) node(path ...any) *yamlv4.Node {
	n := d.root
	if n != nil && n.Kind == yamlv4.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, el := range path {
		if n == nil {
			return nil
		}
		switch e := el.(type) {
		case string:
			n = mapValue(n, e)
		case int:
			if n.Kind != yamlv4.SequenceNode || e >= len(n.Content) {
				return nil
			}
			n = n.Content[e]
		}
	}
	return n
}

// pos is the position of the node at path, or of its nearest ancestor.
func (d doc) pos(path ...any) string {
	for n := len(path); n >= 0; n-- {
		if x := d.node(path[:n]...); x != nil {
			return d.at(x)
		}
	}
	return d.display
}

// keyPos is the position of a mapping key.
func (d doc) keyPos(path ...any) string {
	parent := d.node(path[:len(path)-1]...)
	k, _ := path[len(path)-1].(string)
	if parent != nil && parent.Kind == yamlv4.MappingNode {
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == k {
				return d.at(parent.Content[i])
			}
		}
	}
	return d.pos(path[:len(path)-1]...)
}

// mapValue is the last value of key k in a mapping (YAML keeps the last).
func mapValue(n *yamlv4.Node, k string) *yamlv4.Node {
	if n.Kind != yamlv4.MappingNode {
		return nil
	}
	var v *yamlv4.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			v = n.Content[i+1]
		}
	}
	return v
}

func itoa(i int) string { return strconv.Itoa(i) }
