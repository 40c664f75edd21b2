package source

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	yamlv4 "go.yaml.in/yaml/v4"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/diag"
)

// chartFile is what a scan needs from a Chart.yaml.
type chartFile struct {
	name, version string
}

// parseChartYAML reads a Chart.yaml a scan found. display names the file
// in diagnostics. A file pono cannot use is an error diagnostic saying
// what is wrong with it, positioned where the YAML parser says; duplicate
// keys (Helm keeps the last one) are warnings.
func parseChartYAML(b []byte, display string) (chartFile, diag.List) {
	var probe any
	if err := yaml.Unmarshal(b, &probe); err != nil {
		pos, msg := yamlErrorAt(display, err)
		return chartFile{}, diag.List{{Pos: pos, Message: "Chart.yaml is not valid YAML: " + msg}}
	}
	var root yamlv4.Node
	_ = yamlv4.Unmarshal(b, &root) // parsed above; positions and duplicates come from here
	if len(root.Content) == 0 {
		return chartFile{}, diag.List{{Pos: display, Message: "Chart.yaml is empty: a chart needs at least name and version"}}
	}
	doc := root.Content[0]
	if doc.Kind != yamlv4.MappingNode {
		return chartFile{}, diag.List{{Pos: nodePos(display, doc), Message: "Chart.yaml must be a mapping of fields (name, version, ...), not " + describeNode(doc)}}
	}
	list := duplicateKeys(display, doc)
	var errs diag.List
	str := func(key string) string {
		v := lastValue(doc, key)
		if v == nil || (v.Kind == yamlv4.ScalarNode && v.Tag == "!!null") {
			return ""
		}
		if v.Kind != yamlv4.ScalarNode {
			errs = append(errs, diag.Diagnostic{Pos: nodePos(display, v), Message: fmt.Sprintf("Chart.yaml: %s must be a single value, not %s", key, describeNode(v))})
			return ""
		}
		return strings.TrimSpace(v.Value)
	}
	cf := chartFile{name: str("name"), version: str("version")}
	if len(errs) > 0 {
		return chartFile{}, append(list, errs...)
	}
	switch {
	case cf.name == "":
		return chartFile{}, append(list, diag.Diagnostic{Pos: keyPos(display, doc, "name"), Message: "Chart.yaml has no name: every chart needs one"})
	case cf.version == "":
		return chartFile{}, append(list, diag.Diagnostic{Pos: keyPos(display, doc, "version"), Message: fmt.Sprintf("Chart.yaml of chart %s has no version: every chart needs one", cf.name)})
	}
	return cf, list
}

// lastValue is the value of key in a mapping (the last one, as Helm reads
// duplicates), or nil.
func lastValue(doc *yamlv4.Node, key string) *yamlv4.Node {
	var v *yamlv4.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			v = doc.Content[i+1]
		}
	}
	return v
}

// valuesWarnings are the duplicate keys of a chart's values.yaml.
func valuesWarnings(b []byte, display string) diag.List {
	var root yamlv4.Node
	if err := yamlv4.Unmarshal(b, &root); err != nil || len(root.Content) == 0 {
		return nil // Helm's loader reports what is unparsable
	}
	return duplicateKeys(display, root.Content[0])
}

// duplicateKeys warns about every key a mapping (at any depth) repeats.
func duplicateKeys(display string, n *yamlv4.Node) diag.List {
	var out diag.List
	var walk func(n *yamlv4.Node, path string)
	walk = func(n *yamlv4.Node, path string) {
		switch n.Kind {
		case yamlv4.MappingNode:
			first := map[string]*yamlv4.Node{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				name := path + k.Value
				if prev, ok := first[k.Value]; ok {
					out = append(out, diag.Diagnostic{Severity: diag.Warning, Pos: nodePos(display, k),
						Message: fmt.Sprintf("duplicate key %q (also on line %d): the last one wins", name, prev.Line)})
				} else {
					first[k.Value] = k
				}
				walk(v, name+".")
			}
		case yamlv4.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s%d.", path, i))
			}
		}
	}
	walk(n, "")
	return out
}

func nodePos(display string, n *yamlv4.Node) string {
	if n.Line == 0 {
		return display
	}
	return fmt.Sprintf("%s:%d:%d", display, n.Line, n.Column)
}

// keyPos is where key is written in doc, or the file when it is absent.
func keyPos(display string, doc *yamlv4.Node, key string) string {
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			return nodePos(display, doc.Content[i])
		}
	}
	return display
}

func describeNode(n *yamlv4.Node) string {
	switch n.Kind {
	case yamlv4.SequenceNode:
		return "a list"
	case yamlv4.ScalarNode:
		return "a single value"
	case yamlv4.MappingNode:
		return "a mapping"
	}
	return "this"
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErrorAt splits sigs.k8s.io/yaml's "error converting YAML to JSON:
// yaml: line N: msg" into file:N and msg.
func yamlErrorAt(display string, err error) (pos, msg string) {
	msg = strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "error unmarshaling JSON: ")
	// The YAML-to-JSON conversion describes keys it cannot convert with Go
	// formatting (%!s(<nil>), map[interface {}]interface {}...): say what
	// is wrong instead.
	if strings.Contains(msg, "unsupported map key") {
		msg = "a mapping key must be a string or a number, not a mapping, a list or null"
	} else if strings.Contains(msg, "%!") || strings.Contains(msg, "interface {}") || strings.Contains(msg, "map[") {
		msg = "the file has a shape that cannot be read as data"
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, _ := strconv.Atoi(m[1]); n > 0 {
			return fmt.Sprintf("%s:%s", display, m[1]), strings.TrimPrefix(msg, m[0])
		}
	}
	return display, strings.TrimPrefix(msg, "yaml: ")
}
