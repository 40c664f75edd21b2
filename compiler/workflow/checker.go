package workflow

import (
	"fmt"
	"strings"

	"github.com/pono-gitops/pono/compiler/diag"
)

// checker collects one workflow's diagnostics at platform positions.
type checker struct {
	pos   Positions
	name  string
	diags diag.List
}

// path is a field path below workflows.<name>.
func (c *checker) path(rel []string) []string {
	return append([]string{"workflows", c.name}, rel...)
}

func (c *checker) at(rel []string, sev diag.Severity, format string, args ...any) diag.Diagnostic {
	d := diag.Diagnostic{Severity: sev, Subject: c.subject(rel), Message: fmt.Sprintf(format, args...)}
	if c.pos != nil {
		d.Pos = c.pos(c.path(rel))
	}
	return d
}

// errorAt builds an error without recording it.
func (c *checker) errorAt(rel []string, format string, args ...any) diag.Diagnostic {
	return c.at(rel, diag.Error, format, args...)
}

func (c *checker) errorf(rel []string, format string, args ...any) {
	c.diags = append(c.diags, c.at(rel, diag.Error, format, args...))
}

func (c *checker) warnf(rel []string, format string, args ...any) {
	c.diags = append(c.diags, c.at(rel, diag.Warning, format, args...))
}

// subject names the workflow and, below it, the task, container or
// parameter a path is about.
func (c *checker) subject(rel []string) string {
	s := "workflow " + c.name
	if len(rel) >= 2 {
		switch rel[0] {
		case "tasks":
			s += ": task " + rel[1]
		case "containers":
			s += ": container " + rel[1]
		case "parameters":
			s += ": parameters[" + rel[1] + "]"
		}
	}
	return s
}

// p builds a relative path.
func p(elems ...string) []string { return elems }

// list renders names for a message: "a, b, c", or "none".
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
