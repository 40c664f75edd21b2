package taskapi

import (
	"fmt"
	"sort"
	"strings"
)

// Kind names the two Task API document formats.
type Kind string

const (
	// KindProcessingContainer is a processing-container.json.
	KindProcessingContainer Kind = "pc"
	// KindTask is a task file.
	KindTask Kind = "task"
)

// ParseKind accepts "pc" or "task" (and Kaapana's spelled-out names).
func ParseKind(s string) (Kind, error) {
	switch s {
	case "pc", "processing-container", "processing_container":
		return KindProcessingContainer, nil
	case "task":
		return KindTask, nil
	}
	return "", fmt.Errorf("unknown schema %q (want pc or task)", s)
}

// Severity of a diagnostic.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one finding about a document, located by file position and
// JSON path.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"col,omitempty"`
	// Path is the JSON path of the value, e.g. templates[0].env[1].value;
	// empty for the document itself.
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// String renders "file:line:col: severity: path: message".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", d.Line, d.Col)
	}
	fmt.Fprintf(&b, ": %s: ", d.Severity)
	if d.Path != "" {
		b.WriteString(d.Path + ": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Report is the result of validating one document.
type Report struct {
	File        string       `json:"file"`
	Kind        Kind         `json:"kind"`
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Valid reports whether the document has no error diagnostics.
func (r *Report) Valid() bool { return len(r.Errors()) == 0 }

// Errors returns the error diagnostics.
func (r *Report) Errors() []Diagnostic { return r.bySeverity(SeverityError) }

// Warnings returns the warning diagnostics.
func (r *Report) Warnings() []Diagnostic { return r.bySeverity(SeverityWarning) }

func (r *Report) bySeverity(s Severity) []Diagnostic {
	var out []Diagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

func (r *Report) add(d Diagnostic) {
	d.File = r.File
	r.Diagnostics = append(r.Diagnostics, d)
}

func (r *Report) sort() {
	sort.SliceStable(r.Diagnostics, func(i, j int) bool {
		a, b := r.Diagnostics[i], r.Diagnostics[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
}

// InvalidError is returned when a document has errors. Its message lists
// every error diagnostic, one a line.
type InvalidError struct {
	Report *Report
}

func (e *InvalidError) Error() string {
	errs := e.Report.Errors()
	lines := make([]string, 0, len(errs)+1)
	lines = append(lines, fmt.Sprintf("%s: invalid %s (%d error(s))", e.Report.File, kindName(e.Report.Kind), len(errs)))
	for _, d := range errs {
		lines = append(lines, "  "+d.String())
	}
	return strings.Join(lines, "\n")
}

func kindName(k Kind) string {
	if k == KindProcessingContainer {
		return "processing-container"
	}
	return "task"
}
