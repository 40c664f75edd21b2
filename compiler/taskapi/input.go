package taskapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// utf8BOM is accepted at the start of a file, as the platform loader and
// Python's json (with utf-8-sig) accept it: editors on Windows write it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// prelude is what Validate checks before the schema: the byte order mark
// is dropped, an empty file is named as such, and, when the kind must be
// guessed, a document that is not a JSON object or carries the keys of
// both kinds is refused instead of guessed.
func prelude(src []byte, kind Kind) ([]byte, Kind, *Diagnostic) {
	src = bytes.TrimPrefix(src, utf8BOM)
	if len(bytes.TrimSpace(src)) == 0 {
		return src, kind, &Diagnostic{Severity: SeverityError,
			Message: "the file is empty; a task or processing-container.json is a JSON object"}
	}
	if kind != "" {
		return src, kind, nil
	}
	if !json.Valid(src) {
		// Placeholders outside strings make a task invalid JSON until they
		// are rendered; the raw keys still tell the kind.
		if k := GuessKind(src); k != "" {
			return src, k, nil
		}
		if first := firstByte(src); first != '{' && first != '[' {
			line, col := lineColAt(src, len(src)-len(bytes.TrimLeft(src, " \t\r\n")))
			return src, "", &Diagnostic{Severity: SeverityError, Line: line, Col: col,
				Message: `not valid JSON: a task or processing-container.json is a JSON object, starting with "{" (YAML is not accepted)`}
		}
		d, _ := syntaxError(src)
		return src, "", &d
	}
	keys, isObject := topLevelKeys(src)
	if !isObject {
		return src, "", &Diagnostic{Severity: SeverityError, Line: 1, Col: 1,
			Message: fmt.Sprintf("must be a JSON object (a task or a processing-container.json), got %s", jsonKind(src))}
	}
	switch {
	case keys["taskTemplate"] && keys["templates"]:
		return src, "", &Diagnostic{Severity: SeverityError,
			Message: `has both "taskTemplate" (a task) and "templates" (a processing-container.json): remove the one that does not belong, or pass --schema`}
	case keys["taskTemplate"]:
		return src, KindTask, nil
	case keys["templates"]:
		return src, KindProcessingContainer, nil
	case keys["image"]:
		return src, KindTask, nil
	}
	return src, "", &Diagnostic{Severity: SeverityError,
		Message: "cannot tell whether this is a task or a processing-container.json (no \"taskTemplate\" or \"templates\" key); pass --schema"}
}

func firstByte(src []byte) byte {
	if t := bytes.TrimSpace(src); len(t) > 0 {
		return t[0]
	}
	return 0
}

// topLevelKeys returns the keys of a JSON object (valid JSON only).
func topLevelKeys(src []byte) (map[string]bool, bool) {
	dec := json.NewDecoder(bytes.NewReader(src))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return nil, false
	}
	keys := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		k, _ := tok.(string)
		keys[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break
		}
	}
	return keys, true
}

// jsonKind names the type of a valid JSON document's value.
func jsonKind(src []byte) string {
	switch firstByte(src) {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// duplicateKeys reports every key that occurs twice in one object, at the
// second occurrence. Python's json (Kaapana) and encoding/json both keep
// the last value without a word; a duplicate is almost always an edit that
// left the old value behind. src must be valid JSON.
func duplicateKeys(src []byte, sev Severity, r *Report) {
	dec := json.NewDecoder(bytes.NewReader(src))
	type frame struct {
		object bool
		path   jsonPath
		keys   map[string]lineCol
		index  int
		key    string // the key whose value comes next
	}
	var stack []*frame
	// child is the path of the value about to be read.
	child := func() jsonPath {
		if len(stack) == 0 {
			return nil
		}
		f := stack[len(stack)-1]
		if f.object {
			return f.path.key(f.key)
		}
		p := f.path.idx(f.index)
		f.index++
		return p
	}
	for {
		start := tokenStart(src, dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if k, ok := tok.(string); ok && top != nil && top.object && top.key == "" {
			line, col := lineColAt(src, start)
			if prev, dup := top.keys[k]; dup {
				p := top.path.key(k)
				r.add(Diagnostic{Severity: sev, Line: line, Col: col, Path: p.String(),
					Message: fmt.Sprintf("duplicate key %q (also at %d:%d); the last value is used, as Kaapana does", k, prev.line, prev.col)})
			} else {
				top.keys[k] = lineCol{line, col}
			}
			top.key = k
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			p := child()
			if top != nil && top.object {
				top.key = ""
			}
			stack = append(stack, &frame{object: tok == json.Delim('{'), path: p, keys: map[string]lineCol{}})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			child()
			if top != nil && top.object {
				top.key = ""
			}
		}
	}
}

// tokenStart skips the separators between the decoder's offset and the
// next token.
func tokenStart(src []byte, off int64) int {
	i := int(off)
	for i < len(src) {
		switch src[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

func lineColAt(src []byte, off int) (int, int) {
	line, col := 1, 1
	for _, b := range src[:min(off, len(src))] {
		line, col = advance(b, line, col)
	}
	return line, col
}
