package kaapanadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/compiler/workflow/pydag"
	"github.com/pono-gitops/pono/internal/safefs"
)

// Options say which directory to read.
type Options struct {
	// Dir is the workflow directory: the one holding workflow-chart/ and
	// processing-containers/.
	Dir string
	// Display names Dir in messages (default: Dir as given).
	Display string
}

// Result is what Validate found.
type Result struct {
	// Name is the chart's name: the workflow's name in pono's format.
	Name string
	// Diagnostics are every error and warning, sorted.
	Diagnostics diag.List
	// Workflow is pono's model of the directory, with file paths as
	// messages name them; nil when the directory could not be read far
	// enough, or a file in it could not be read at all.
	Workflow *workflow.Workflow
	// Unconvertible are the reasons Import refuses: constructs the DAG
	// reader could not read and arguments pono's format has no place for.
	Unconvertible diag.List
}

// ErrNotWorkflowDir is returned for a directory without workflow-chart/.
var ErrNotWorkflowDir = errors.New("not a Kaapana workflow directory")

// Validate checks a Kaapana workflow directory. The error is non-nil only
// when Dir is not such a directory or cannot be opened; every problem in
// it is a diagnostic.
func Validate(opts Options) (*Result, error) {
	display := opts.Display
	if display == "" {
		display = opts.Dir
	}
	fi, err := os.Stat(opts.Dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: %w (it holds workflow-chart/ and processing-containers/)", display, ErrNotWorkflowDir)
	}
	d, err := safefs.Open(opts.Dir, display)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	d.SetLimit(maxFileBytes)
	if cfi, err := d.Stat(chartDir); err != nil || !cfi.IsDir() {
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("%s has no workflow-chart/ directory: %w (for a pono platform, run pono validate --schema-only DIR)", display, ErrNotWorkflowDir)
	}
	s := &session{d: d, name: filepath.Base(filepath.Clean(display)), literalPW: map[string]bool{}}
	res := &Result{}
	if s.structure() {
		s.chartYAML()
		s.valuesYAML()
		meta := s.workflowJSON()
		s.definition()
		s.containers()
		var dag *pydag.DAG
		if s.defFile != "" {
			if src, ok := s.read(s.defFile, true); ok {
				dag = pydag.Read(src)
				res.Unconvertible = s.readerProblems(dag)
			}
		}
		if meta != nil && dag != nil {
			b := s.build(meta, dag)
			s.checkContainers(b)
			s.checkDAG(b)
			s.compile(b)
			res.Workflow = b.w
		}
	}
	if s.unreadable {
		res.Workflow = nil
	}
	res.Unconvertible = append(res.Unconvertible, s.unconvertible...)
	res.Name = s.name
	res.Diagnostics = s.diags.Sorted()
	return res, nil
}

// readerProblems reports what the DAG reader could not read as warnings
// (validation goes on without it) and returns them, with what it read
// but pono's format cannot hold, for Import.
func (s *session) readerProblems(dag *pydag.DAG) diag.List {
	var out diag.List
	file := s.d.Display(s.defFile)
	for _, p := range dag.Problems {
		pos := fmt.Sprintf("%s:%d:%d", file, p.Pos.Line, p.Pos.Col)
		d := diag.Diagnostic{Pos: pos, Subject: s.subject(), Message: p.Msg}
		switch {
		case dag.Stopped:
			s.errorf(pos, "%s", p.Msg)
		case p.Severity == pydag.Unreadable:
			s.warnf(pos, "the DAG cannot be read here, so what depends on it is not checked: %s", p.Msg)
			d.Message = "too dynamic to read: " + p.Msg
		default:
			d.Message = "not carried into pono's format: " + p.Msg
		}
		out = append(out, d)
	}
	if dag.DAG == (pydag.Pos{}) && len(dag.Tasks) > 0 {
		s.warnf(file, "no DAG(...) call found; workflow-api registers a DAG written `with DAG(\"{{ dag_id }}\", ...)`")
	}
	return out
}

// display turns a relative path into the one messages use.
func (s *session) display(rel string) string { return s.d.Display(rel) }

// relPath undoes display for workflow.Compile's reads.
func (s *session) relPath(p string) string {
	rel, _ := cutDisplay(s.d.Display(""), p)
	return rel
}
