package taskapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/pono-gitops/pono/internal/safefs"
)

// ValidateOptions control how a document is checked.
type ValidateOptions struct {
	// Kind of the document; empty guesses it from the content.
	Kind Kind
	// Strict turns unknown and duplicate keys into errors (default:
	// warnings) and warns about scale rules that match no file in an
	// existing input directory.
	Strict bool
	// Lookup resolves {{ env.NAME }} placeholders in task files. Nil means
	// no variable is set, so every placeholder is an error.
	Lookup LookupFunc
	// ProcessingContainer, when known, lets a task's taskTemplate identifier
	// and channel names be checked against it.
	ProcessingContainer *ProcessingContainer
}

// ValidateFile reads and validates one document. The error is non-nil only
// when the file cannot be read; findings are in the report.
func ValidateFile(path string, opts ValidateOptions) (*Report, error) {
	src, err := safefs.ReadRegularFile(path, 0)
	if err != nil {
		return nil, err
	}
	r, _ := Validate(path, src, opts)
	return r, nil
}

// Validate checks a document and returns the report and, when the document
// is valid, the decoded value (*Task or *ProcessingContainer).
func Validate(file string, src []byte, opts ValidateOptions) (*Report, any) {
	src, kind, fatal := prelude(src, opts.Kind)
	r := &Report{File: file, Kind: kind}
	if fatal != nil {
		r.add(*fatal)
		return r, nil
	}
	if kind == KindTask {
		lookup := opts.Lookup
		if lookup == nil {
			lookup = func(string) (string, bool) { return "", false }
		}
		rendered, err := RenderPlaceholders(file, src, lookup)
		if err != nil {
			for _, pe := range placeholderErrors(err) {
				r.add(Diagnostic{Severity: SeverityError, Line: pe.Line, Col: pe.Col, Message: pe.Construct + ": " + pe.Reason})
			}
			return r, nil
		}
		src = rendered
	}
	if d, ok := syntaxError(src); ok {
		r.add(d)
		return r, nil
	}
	sev := SeverityWarning
	if opts.Strict {
		sev = SeverityError
	}
	duplicateKeys(src, sev, r)
	doc, err := parseDocument(file, src)
	if err != nil {
		d := Diagnostic{Severity: SeverityError, Message: "not valid JSON: " + firstMsg(err)}
		if ps := cueerrors.Positions(err); len(ps) > 0 {
			d.Line, d.Col = ps[0].Line(), ps[0].Column()
		}
		r.add(d)
		return r, nil
	}
	err = withDefinition(kind, func(ctx *cue.Context, def cue.Value) {
		sc := &schemaChecker{ctx: ctx, doc: doc, r: r, unknown: sev}
		sc.check(def, doc.root, nil)
	})
	if err != nil {
		// The embedded schema is part of the binary; failing here is a defect.
		r.add(Diagnostic{Severity: SeverityError, Message: err.Error()})
		return r, nil
	}
	schemaErrs := r.Errors()
	// The semantic checks run even when the schema found errors, on what
	// decodes (encoding/json skips values of the wrong type), so that one
	// run reports everything; findings inside a value the schema already
	// rejected are left out.
	sem := &Report{File: r.File, Kind: r.Kind}
	var out any
	switch kind {
	case KindProcessingContainer:
		pc := new(ProcessingContainer)
		if decodeLenient(src, pc) {
			checkProcessingContainer(pc, doc, sem)
			out = pc
		}
	case KindTask:
		t := new(Task)
		if decodeLenient(src, t) {
			checkTask(t, opts.ProcessingContainer, doc, sem)
			if opts.Strict {
				emptyGlobs(t, opts.ProcessingContainer, doc, sem)
			}
			out = t
		}
	}
	for _, d := range sem.Diagnostics {
		if !underAny(d.Path, schemaErrs) {
			r.Diagnostics = append(r.Diagnostics, d)
		}
	}
	r.sort()
	if !r.Valid() {
		return r, nil
	}
	return r, out
}

var (
	taskKeyRe     = regexp.MustCompile(`"taskTemplate"\s*:`)
	templateKeyRe = regexp.MustCompile(`"templates"\s*:`)
	imageKeyRe    = regexp.MustCompile(`"image"\s*:`)
)

// GuessKind tells a task from a processing-container.json by its keys; it
// works on the raw text so that placeholders need not be resolved first.
func GuessKind(src []byte) Kind {
	switch {
	case taskKeyRe.Match(src):
		return KindTask
	case templateKeyRe.Match(src):
		return KindProcessingContainer
	case imageKeyRe.Match(src):
		return KindTask
	}
	return ""
}

// LoadTask validates a task file and returns it, or an *InvalidError.
func LoadTask(file string, src []byte, opts ValidateOptions) (*Task, *Report, error) {
	opts.Kind = KindTask
	r, v := Validate(file, src, opts)
	if v == nil {
		return nil, r, &InvalidError{Report: r}
	}
	return v.(*Task), r, nil
}

// LoadProcessingContainer validates a processing-container.json and returns
// it, or an *InvalidError.
func LoadProcessingContainer(file string, src []byte, opts ValidateOptions) (*ProcessingContainer, *Report, error) {
	opts.Kind = KindProcessingContainer
	r, v := Validate(file, src, opts)
	if v == nil {
		return nil, r, &InvalidError{Report: r}
	}
	return v.(*ProcessingContainer), r, nil
}

func placeholderErrors(err error) []*PlaceholderError {
	var out []*PlaceholderError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, placeholderErrors(e)...)
		}
		return out
	}
	if pe, ok := err.(*PlaceholderError); ok {
		return []*PlaceholderError{pe}
	}
	return []*PlaceholderError{{Construct: "template", Reason: err.Error()}}
}

func firstMsg(err error) string {
	errs := cueerrors.Errors(err)
	if len(errs) == 0 {
		return err.Error()
	}
	f, a := errs[0].Msg()
	return fmt.Sprintf(f, a...)
}

// syntaxError reports the first JSON syntax error with its position.
func syntaxError(src []byte) (Diagnostic, bool) {
	var v any
	err := json.Unmarshal(src, &v)
	if err == nil {
		return Diagnostic{}, false
	}
	d := Diagnostic{Severity: SeverityError, Message: "not valid JSON: " + err.Error()}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := 1, 1
		for _, b := range src[:min(int(se.Offset), len(src))] {
			line, col = advance(b, line, col)
		}
		d.Line, d.Col = line, max(col-1, 1)
	}
	return d, true
}

// decodeLenient decodes what it can; false when the document's shape is too
// far off to check further.
func decodeLenient(src []byte, v any) bool {
	err := json.Unmarshal(src, v)
	var te *json.UnmarshalTypeError
	return err == nil || errors.As(err, &te)
}

// underAny reports whether path is at or below the path of one of diags.
func underAny(path string, diags []Diagnostic) bool {
	for _, d := range diags {
		scope := d.Path
		// A missing field is reported at its parent; only findings about the
		// field itself are covered by it.
		if field, ok := strings.CutPrefix(d.Message, "missing required field "); ok {
			if f, err := strconv.Unquote(field); err == nil {
				scope = jsonPathString(d.Path, f)
			}
		}
		if scope == "" || path == scope || strings.HasPrefix(path, scope+".") || strings.HasPrefix(path, scope+"[") {
			return true
		}
	}
	return false
}

// jsonPathString appends a key to a rendered path.
func jsonPathString(parent, key string) string {
	k := jsonPath{}.key(key).String()
	if parent == "" || strings.HasPrefix(k, "[") {
		return parent + k
	}
	return parent + "." + k
}
