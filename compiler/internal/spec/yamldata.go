package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	yaml "go.yaml.in/yaml/v4"

	"github.com/pono-gitops/pono/compiler/diag"
)

// maxDepth bounds nesting in any input file: far beyond a real platform,
// well before recursion could exhaust a stack.
const maxDepth = 200

// maxAliasExpansion bounds the values that YAML aliases may add on top of
// the values written out, so an alias bomb (a few lines that expand to
// billions of values) is refused instead of exhausting memory.
const maxAliasExpansion = 100_000

// fileData is one data file decoded: plain Go values (map[string]any,
// []any, string, bool, int64, float64, nil) with positions by path.
type fileData struct {
	data any
	pos  *Positions // where each field is written (its key), as CUE reports
	vals *Positions // where each value is written, for type errors
	open []openValue
	// secret: the file was SOPS-encrypted, so every value is sensitive.
	secret bool
}

// openValue is a CUE value that was not concrete where it was written.
type openValue struct {
	path Path
	pos  tokenPos
}

// decodeData decodes a YAML or JSON platform file. Every syntax problem
// is a diagnostic at its line and column.
func decodeData(f *srcFile, isJSON bool) (*fileData, error) {
	if p, msg, ok := f.checkText(); !ok {
		return nil, errAt(diag.FormatPos(p), msg)
	}
	if isJSON {
		if err := checkJSON(f); err != nil {
			return nil, err
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(f.src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errAt(diag.FormatPos(f.at(0)), "the file is empty: a platform file holds a mapping of fields such as \"name: my-platform\"")
		}
		return nil, yamlError(f, err)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, errAt(diag.FormatPos(f.lineCol(next.Line, next.Column)),
			"a second YAML document starts here: a platform file holds exactly one document (split it into several files)")
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(f, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.DocumentNode || (root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
		return nil, errAt(diag.FormatPos(f.at(0)), "the file is empty: a platform file holds a mapping of fields such as \"name: my-platform\"")
	}
	if root.Kind != yaml.MappingNode {
		return nil, errAt(diag.FormatPos(f.lineCol(root.Line, root.Column)),
			fmt.Sprintf("a platform file holds a mapping of fields such as \"name: my-platform\", not %s", nodeKind(root)))
	}
	b := &nodeDecoder{f: f, out: newFileData(), budget: maxAliasExpansion}
	d, err := b.decode(root, nil, 0, false)
	if err != nil {
		return nil, err
	}
	b.out.data = d
	return b.out, nil
}

func newFileData() *fileData {
	return &fileData{pos: newPositions(), vals: newPositions()}
}

// isIndex reports whether path ends in a list index.
func isIndex(path Path) bool {
	if len(path) == 0 {
		return false
	}
	_, err := strconv.Atoi(path[len(path)-1])
	return err == nil
}

// errAt is an input error at a formatted position.
func errAt(pos, msg string) error {
	return &diag.Err{List: diag.List{{Pos: pos, Message: msg}}}
}

// yamlError positions a YAML parser error at the line and column the
// parser reports, keeping its message.
func yamlError(f *srcFile, err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		mark := le.Mark
		if mark.Line == 0 && le.ContextMark.Line != 0 {
			mark = le.ContextMark
		}
		p := f.at(len(f.src))
		if mark.Line > 0 {
			p = f.lineCol(mark.Line, mark.Column)
		}
		msg := le.Message
		if le.ContextMsg != "" && le.ContextMark.Line > 0 && le.ContextMark != le.Mark {
			msg += fmt.Sprintf(" (%s that starts at %d:%d)", le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
		}
		return errAt(diag.FormatPos(p), "YAML syntax error: "+msg)
	}
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		return yamlError(f, les.Errors[0])
	}
	return errAt(diag.FormatPos(f.at(0)), "YAML syntax error: "+err.Error())
}

// checkJSON reports JSON syntax errors (YAML would accept a trailing comma
// or a comment) at their line and column.
func checkJSON(f *srcFile) error {
	dec := json.NewDecoder(bytes.NewReader(f.src))
	var v json.RawMessage
	err := dec.Decode(&v)
	if err == nil {
		if _, err2 := dec.Token(); !errors.Is(err2, io.EOF) {
			return errAt(diag.FormatPos(f.at(int(dec.InputOffset()))), "JSON syntax error: more than one value in the file")
		}
		return nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return errAt(diag.FormatPos(f.at(int(se.Offset)-1)), "JSON syntax error: "+se.Error())
	case errors.Is(err, io.EOF):
		return errAt(diag.FormatPos(f.at(0)), "the file is empty: a platform file holds an object of fields such as {\"name\": \"my-platform\"}")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errAt(diag.FormatPos(f.at(len(f.src))), "JSON syntax error: unexpected end of the file")
	}
	return errAt(diag.FormatPos(f.at(0)), "JSON syntax error: "+err.Error())
}

type nodeDecoder struct {
	f      *srcFile
	out    *fileData
	budget int      // values aliases may still add
	alias  tokenPos // the alias being expanded, as written
}

func (b *nodeDecoder) decode(n *yaml.Node, path Path, depth int, viaAlias bool) (any, error) {
	p := b.f.lineCol(n.Line, n.Column)
	if depth > maxDepth {
		return nil, errAt(diag.FormatPos(p), fmt.Sprintf("values nested more than %d deep", maxDepth))
	}
	if viaAlias {
		if b.budget--; b.budget < 0 {
			return nil, errAt(diag.FormatPos(b.alias), fmt.Sprintf("YAML aliases expand to more than %d values (an alias bomb?): pono refuses the file", maxAliasExpansion))
		}
	}
	if !viaAlias {
		b.out.vals.set(path, p)
		if isIndex(path) {
			b.out.pos.set(path, p)
		}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, errAt(diag.FormatPos(p), "YAML alias to an unknown anchor")
		}
		if !viaAlias {
			b.alias = p
		}
		return b.decode(n.Alias, path, depth+1, true)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := b.decode(c, append(path[:len(path):len(path)], strconv.Itoa(i)), depth+1, viaAlias)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		if err := b.mapping(n, path, depth, viaAlias, out, map[string]*yaml.Node{}); err != nil {
			return nil, err
		}
		return out, nil
	case yaml.ScalarNode:
		return b.scalar(n, path)
	}
	return nil, errAt(diag.FormatPos(p), "unsupported YAML node")
}

// mapping fills out from n, refusing duplicate keys; merge keys (<<) add
// the keys of the mappings they name that n does not set itself.
func (b *nodeDecoder) mapping(n *yaml.Node, path Path, depth int, viaAlias bool, out map[string]any, seen map[string]*yaml.Node) error {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := b.f.lineCol(k.Line, k.Column)
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return errAt(diag.FormatPos(kp), "a key must be a plain string, not "+nodeKind(k))
		}
		label := k.Value
		if first, dup := seen[label]; dup {
			return errAt(diag.FormatPos(kp), fmt.Sprintf("duplicate key %q: it is already set at %s",
				label, diag.FormatPos(b.f.lineCol(first.Line, first.Column))))
		}
		seen[label] = k
		child := append(path[:len(path):len(path)], label)
		if !viaAlias {
			b.out.pos.set(child, kp)
		}
		d, err := b.decode(v, child, depth+1, viaAlias)
		if err != nil {
			return err
		}
		out[label] = d
	}
	for _, m := range merges {
		src := m
		if src.Kind == yaml.AliasNode && src.Alias != nil {
			src = src.Alias
		}
		list := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			list = src.Content
		}
		for _, s := range list {
			if s.Kind == yaml.AliasNode && s.Alias != nil {
				s = s.Alias
			}
			if s.Kind != yaml.MappingNode {
				return errAt(diag.FormatPos(b.f.lineCol(m.Line, m.Column)), "a merge key (<<) must name a mapping")
			}
			extra := map[string]any{}
			if err := b.mapping(s, path, depth+1, true, extra, map[string]*yaml.Node{}); err != nil {
				return err
			}
			for k, v := range extra {
				if _, set := out[k]; !set {
					out[k] = v
				}
			}
		}
	}
	return nil
}

func (b *nodeDecoder) scalar(n *yaml.Node, path Path) (any, error) {
	pos := diag.FormatPos(b.f.lineCol(n.Line, n.Column))
	errAt := func(pos, msg string) error {
		return &diag.Err{List: diag.List{{Pos: pos, Subject: path.String(), Message: msg}}}
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, errAt(pos, fmt.Sprintf("cannot read the value %q", n.Value))
	}
	switch x := v.(type) {
	case nil, string, bool, int64:
		return x, nil
	case int:
		return int64(x), nil
	case uint64:
		return float64(x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, errAt(pos, fmt.Sprintf("%s is not a finite number", n.Value))
		}
		return x, nil
	case []byte:
		return string(x), nil
	}
	// Timestamps and other typed scalars stay the text the user wrote.
	return n.Value, nil
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("the single value %q", n.Value)
}
