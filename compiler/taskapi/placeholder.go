package taskapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// LookupFunc returns the value of an environment variable and whether it is
// set (os.LookupEnv has this shape).
type LookupFunc func(name string) (string, bool)

// PlaceholderError reports one template construct pono cannot render: an
// unset variable or Jinja syntax other than {{ env.NAME }}.
type PlaceholderError struct {
	File      string
	Line, Col int
	// Construct is the construct as written, e.g. "{{ env.output_dir }}".
	Construct string
	// Variable is set when the construct is supported but the variable is unset.
	Variable string
	Reason   string
}

func (e *PlaceholderError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, e.Construct, e.Reason)
}

var placeholderRe = regexp.MustCompile(`^\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$`)

// RenderPlaceholders substitutes Kaapana's {{ env.NAME }} placeholders in a
// task file. Inside a JSON string the value is JSON-escaped, so values with
// quotes or backslashes cannot break the document; outside a string it is
// inserted as written. Every other Jinja construct ({% ... %}, {# ... #},
// filters, other variables) is an error naming the construct, and so is an
// unset variable. All problems are returned together.
func RenderPlaceholders(file string, src []byte, lookup LookupFunc) ([]byte, error) {
	var out bytes.Buffer
	var errs []error
	line, col := 1, 1
	inString, escaped := false, false
	for i := 0; i < len(src); {
		c := src[i]
		if c == '{' && i+1 < len(src) && (src[i+1] == '{' || src[i+1] == '%' || src[i+1] == '#') {
			end, construct := scanConstruct(src, i)
			perr := &PlaceholderError{File: file, Line: line, Col: col, Construct: construct}
			switch {
			case end < 0:
				perr.Reason = "unterminated template construct"
				errs = append(errs, perr)
				end = len(src)
			case src[i+1] != '{':
				perr.Reason = "unsupported Jinja syntax: pono supports only {{ env.NAME }} placeholders"
				errs = append(errs, perr)
			default:
				m := placeholderRe.FindSubmatch([]byte(construct))
				if m == nil {
					perr.Reason = "unsupported Jinja expression: pono supports only {{ env.NAME }} placeholders"
					errs = append(errs, perr)
					break
				}
				name := string(m[1])
				val, ok := lookup(name)
				if !ok {
					perr.Variable = name
					perr.Reason = fmt.Sprintf("environment variable %s is not set", name)
					errs = append(errs, perr)
					break
				}
				if inString {
					b, _ := json.Marshal(val)
					out.Write(b[1 : len(b)-1])
				} else {
					out.WriteString(val)
				}
			}
			for _, b := range src[i:end] {
				line, col = advance(b, line, col)
			}
			i = end
			continue
		}
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		}
		out.WriteByte(c)
		line, col = advance(c, line, col)
		i++
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out.Bytes(), nil
}

// scanConstruct returns the end offset (exclusive) of the construct starting
// at i and its text, or -1 when it is not closed.
func scanConstruct(src []byte, i int) (int, string) {
	closer := map[byte]string{'{': "}}", '%': "%}", '#': "#}"}[src[i+1]]
	j := bytes.Index(src[i+2:], []byte(closer))
	if j < 0 {
		k := bytes.IndexByte(src[i:], '\n')
		if k < 0 {
			k = len(src) - i
		}
		return -1, string(src[i : i+k])
	}
	end := i + 2 + j + len(closer)
	return end, string(src[i:end])
}

func advance(b byte, line, col int) (int, int) {
	if b == '\n' {
		return line + 1, 1
	}
	return line, col + 1
}
