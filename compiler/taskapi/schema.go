package taskapi

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	cuejson "cuelang.org/go/encoding/json"

	cueschema "github.com/pono-gitops/pono/cue"
)

// schemaFiles are the CUE files that define the Task API formats.
var schemaFiles = []string{"processing_container.cue", "task.cue"}

// definition returns the named definition (#ProcessingContainer, #Task)
// compiled in ctx from pono's embedded schema files.
func definition(ctx *cue.Context, kind Kind) (cue.Value, error) {
	bi := build.NewContext().NewInstance("pono", nil)
	for _, name := range schemaFiles {
		f, err := parser.ParseFile(name, cueschema.MustRead(name), parser.ParseComments)
		if err != nil {
			return cue.Value{}, fmt.Errorf("parse schema %s: %w", name, err)
		}
		if err := bi.AddSyntax(f); err != nil {
			return cue.Value{}, fmt.Errorf("add schema %s: %w", name, err)
		}
	}
	v := ctx.BuildInstance(bi)
	if err := v.Err(); err != nil {
		return cue.Value{}, fmt.Errorf("build schema: %w", err)
	}
	name := "#Task"
	if kind == KindProcessingContainer {
		name = "#ProcessingContainer"
	}
	def := v.LookupPath(cue.ParsePath(name))
	if !def.Exists() {
		return cue.Value{}, fmt.Errorf("schema has no %s", name)
	}
	return def, nil
}

// document is a parsed JSON document with the position of every value.
type document struct {
	file string
	root ast.Expr
	// nodes maps a rendered JSON path to the value's node; pos to the
	// position that best points at it (the key for object members).
	nodes map[string]ast.Expr
	pos   map[string]lineCol
}

type lineCol struct{ line, col int }

func parseDocument(file string, src []byte) (*document, error) {
	expr, err := cuejson.Extract(file, src)
	if err != nil {
		return nil, err
	}
	d := &document{file: file, root: expr, nodes: map[string]ast.Expr{}, pos: map[string]lineCol{}}
	d.index(expr, nil, at(expr.Pos(), 0))
	return d, nil
}

// at converts a position; shift corrects CUE's JSON decoder, which places
// a key that is a valid identifier after its opening quote.
func at(p token.Pos, shift int) lineCol {
	if !p.IsValid() {
		return lineCol{}
	}
	return lineCol{p.Line(), max(p.Column()+shift, 1)}
}

func (d *document) index(n ast.Expr, p jsonPath, pos lineCol) {
	key := p.String()
	d.nodes[key] = n
	d.pos[key] = pos
	switch n := n.(type) {
	case *ast.StructLit:
		for _, e := range n.Elts {
			f, ok := e.(*ast.Field)
			if !ok {
				continue
			}
			k := labelName(f.Label)
			shift := 0
			if _, ident := f.Label.(*ast.Ident); ident {
				shift = -1
			}
			d.index(f.Value, p.key(k), at(f.Label.Pos(), shift))
		}
	case *ast.ListLit:
		for i, e := range n.Elts {
			d.index(e, p.idx(i), at(e.Pos(), 0))
		}
	}
}

// position returns the file position for a path, walking up to the nearest
// indexed ancestor.
func (d *document) position(p jsonPath) (int, int) {
	for i := len(p); i >= 0; i-- {
		if pos, ok := d.pos[p[:i].String()]; ok && pos.line > 0 {
			return pos.line, pos.col
		}
	}
	return 0, 0
}

func labelName(l ast.Label) string {
	switch l := l.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(l.Value); err == nil {
			return s
		}
		return l.Value
	case *ast.Ident:
		return l.Name
	}
	return fmt.Sprint(l)
}

// schemaChecker walks a document alongside its schema definition. It
// reports unknown keys (warnings, or errors when strict: Kaapana ignores
// them), missing required fields, and every value the schema rejects, each
// at its JSON path. Walking instead of unifying the whole document keeps
// every error visible: CUE reports only the first failure inside a
// disjunction such as `#TaskConfig | null`.
type schemaChecker struct {
	ctx     *cue.Context
	doc     *document
	r       *Report
	unknown Severity
}

func (c *schemaChecker) check(schema cue.Value, n ast.Expr, p jsonPath) {
	if !schema.Exists() {
		// A member of an open struct ({name: string, ...}): anything goes.
		return
	}
	switch n := n.(type) {
	case *ast.StructLit:
		s := pickKind(schema, cue.StructKind)
		if s.IncompleteKind()&cue.StructKind == 0 {
			c.leaf(schema, n, p)
			return
		}
		present := map[string]bool{}
		for _, e := range n.Elts {
			f, ok := e.(*ast.Field)
			if !ok {
				continue
			}
			k := labelName(f.Label)
			present[k] = true
			if !s.Allows(cue.Str(k)) {
				line, col := c.doc.position(p.key(k))
				c.r.add(Diagnostic{Severity: c.unknown, Line: line, Col: col, Path: p.key(k).String(),
					Message: fmt.Sprintf("unknown key %q (Kaapana ignores it)", k)})
				continue
			}
			c.check(lookupField(s, k), f.Value, p.key(k))
		}
		it, err := s.Fields(cue.Optional(true))
		if err != nil {
			return
		}
		for it.Next() {
			sel := it.Selector()
			if sel.ConstraintType() == cue.RequiredConstraint && !present[sel.Unquoted()] {
				line, col := c.doc.position(p)
				c.r.add(Diagnostic{Severity: SeverityError, Line: line, Col: col, Path: p.String(),
					Message: fmt.Sprintf("missing required field %q", sel.Unquoted())})
			}
		}
	case *ast.ListLit:
		s := pickKind(schema, cue.ListKind)
		if s.IncompleteKind()&cue.ListKind == 0 {
			c.leaf(schema, n, p)
			return
		}
		elem := s.LookupPath(cue.MakePath(cue.AnyIndex))
		for i, e := range n.Elts {
			c.check(elem, e, p.idx(i))
		}
	default:
		c.leaf(schema, n, p)
	}
}

// leaf unifies a value with its schema and reports the conflict, if any.
func (c *schemaChecker) leaf(schema cue.Value, n ast.Expr, p jsonPath) {
	err := schema.Unify(c.ctx.BuildExpr(integral(n))).Validate(cue.Concrete(true))
	if err == nil {
		return
	}
	// An integer written as a string is what Kaapana's models convert; the
	// checks warn about it.
	if i, ok := numericString(n); ok && schema.Unify(c.ctx.BuildExpr(i)).Validate(cue.Concrete(true)) == nil {
		return
	}
	var msgs []string
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if strings.Contains(msg, "errors in empty disjunction") {
			continue
		}
		msgs = append(msgs, msg)
	}
	c.r.add(c.doc.describe(p, msgs))
}

// integral turns a float literal with an integral value (2.0, 1e3) into
// an integer literal: JSON has one number type, and Kaapana's JSON schema
// and models take 2.0 where an integer is expected.
func integral(n ast.Expr) ast.Expr {
	lit, ok := n.(*ast.BasicLit)
	if !ok || lit.Kind != token.FLOAT {
		return n
	}
	f, err := strconv.ParseFloat(lit.Value, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
		return n
	}
	return &ast.BasicLit{ValuePos: lit.ValuePos, Kind: token.INT, Value: strconv.FormatInt(int64(f), 10)}
}

// numericString returns the integer literal a string such as "10" holds.
func numericString(n ast.Expr) (ast.Expr, bool) {
	lit, ok := n.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return nil, false
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return nil, false
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return nil, false
	}
	return &ast.BasicLit{ValuePos: lit.ValuePos, Kind: token.INT, Value: s}, true
}

func lookupField(v cue.Value, k string) cue.Value {
	if r := v.LookupPath(cue.MakePath(cue.Str(k))); r.Exists() {
		return r
	}
	if r := v.LookupPath(cue.MakePath(cue.Str(k).Optional())); r.Exists() {
		return r
	}
	return v.LookupPath(cue.MakePath(cue.AnyString))
}

// pickKind selects the disjunct of kind k from a disjunction such as
// `#ScaleRule | null` or `string | #TaskTemplate`.
func pickKind(v cue.Value, k cue.Kind) cue.Value {
	if op, args := v.Expr(); op == cue.OrOp {
		for _, a := range args {
			if a.IncompleteKind()&k != 0 {
				return a
			}
		}
	}
	return v
}

var (
	conflictRe = regexp.MustCompile(`^conflicting values (.+?) and (.+?)(?: \(mismatched types (\S+) and (\S+)\))?$`)
)

// describe turns the CUE messages for one path into one diagnostic in the
// document's terms.
func (d *document) describe(p jsonPath, msgs []string) Diagnostic {
	line, col := d.position(p)
	diag := Diagnostic{Severity: SeverityError, Line: line, Col: col, Path: p.String()}
	node := d.nodes[p.String()]
	got, gotText := nodeKind(node), nodeText(node)
	var types, values []string
	var other []string
	for _, m := range msgs {
		sm := conflictRe.FindStringSubmatch(m)
		switch {
		case sm == nil:
			other = append(other, m)
		case sm[3] != "":
			t := typeName(sm[3])
			if t == got {
				t = typeName(sm[4])
			}
			types = appendUnique(types, t)
		default:
			v := sm[1]
			if v == gotText {
				v = sm[2]
			}
			values = appendUnique(values, v)
		}
	}
	switch {
	case len(other) > 0:
		diag.Message = strings.Join(other, "; ")
	case len(values) == 1:
		diag.Message = fmt.Sprintf("must be %s, got %s", values[0], gotText)
	case len(values) > 0:
		diag.Message = fmt.Sprintf("must be one of %s, got %s", strings.Join(values, ", "), gotText)
	case len(types) > 0:
		diag.Message = fmt.Sprintf("must be %s, got %s", strings.Join(types, " or "), got)
	default:
		diag.Message = "invalid value"
	}
	return diag
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func typeName(t string) string {
	switch t {
	case "struct":
		return "object"
	case "list":
		return "array"
	case "int":
		return "integer"
	case "float", "number":
		return "number"
	}
	return t
}

func nodeKind(n ast.Expr) string {
	switch n := n.(type) {
	case *ast.StructLit:
		return "object"
	case *ast.ListLit:
		return "array"
	case *ast.BasicLit:
		switch n.Kind {
		case token.STRING:
			return "string"
		case token.INT:
			return "integer"
		case token.FLOAT:
			return "number"
		case token.NULL:
			return "null"
		case token.TRUE, token.FALSE:
			return "bool"
		}
	case *ast.Ident:
		switch n.Name {
		case "null":
			return "null"
		case "true", "false":
			return "bool"
		}
	}
	return "value"
}

func nodeText(n ast.Expr) string {
	switch n := n.(type) {
	case *ast.BasicLit:
		return n.Value
	case *ast.Ident:
		return n.Name
	}
	return nodeKind(n)
}
