package pydag

import (
	"fmt"
	"slices"
	"strings"
)

// DAG is what the reader found in one definition file.
type DAG struct {
	// Tasks are the KaapanaTaskOperator calls, in source order.
	Tasks []Task
	// Edges are the >> and << dependencies, in source order, each once.
	Edges []Edge
	// DAG is where DAG(...) is called; zero when nothing calls it.
	DAG Pos
	// Owner and UIVisible are default_args["owner"] and ["ui_visible"]
	// when DAG(default_args=...) names a dict literal holding them.
	Owner     *string
	UIVisible *bool
	// Stopped is set when the file could not be tokenized at all (its one
	// Problem says where): Python could not parse it either, or it is
	// over the reader's limits.
	Stopped bool
	// Problems are the constructs the reader could not read (Unreadable) and
	// the arguments it read but a conversion would lose (Dropped).
	Problems []Problem
}

// Task is one KaapanaTaskOperator call assigned to a name.
type Task struct {
	// Var is the Python name the operator is assigned to.
	Var string
	ID  string
	// Pos is where KaapanaTaskOperator is called; Args where each keyword
	// argument is written.
	Pos  Pos
	Args map[string]Pos
	// Image is the image argument; ImageName the image's name in the
	// registry (its last path component, without tag), and Default
	// whether it is written f"{DEFAULT_REGISTRY}/<name>:{KAAPANA_BUILD_VERSION}".
	Image     string
	ImageName string
	Default   bool
	Template  string
	Env       []Env
	Command   []string
	Resources *Resources
	// Labels and Annotations keep the order written.
	Labels, Annotations []KV
	RegistryURL         string
	RegistryUsername    string
	// RegistryPassword is set when registryPassword is passed.
	RegistryPassword *Value
	Inputs           []IOMap
}

// Env is one entry of an operator's env list.
type Env struct {
	Name string
	// Value is as written: KaapanaTaskOperator accepts only a string.
	Value Value
	Pos   Pos
}

// KV is a string key and value.
type KV struct {
	Key, Value string
	Pos        Pos
}

// Resources are pc_models.Resources(limits=..., requests=...).
type Resources struct {
	Limits, Requests []KV
}

// IOMap is an IOMapping: the upstream task's output channel mounted as
// this task's input channel.
type IOMap struct {
	Upstream      int // index in DAG.Tasks
	Output, Input string
	Pos           Pos
}

// Edge is an Airflow dependency: From runs before To.
type Edge struct {
	From, To int
	Pos      Pos
}

// Severity of a Problem.
type Severity int

const (
	// Unreadable: the reader cannot read this; what depends on it is unknown.
	Unreadable Severity = iota
	// Dropped: read, but pono's workflow format has no place for it.
	Dropped
)

// Problem is one thing the reader could not read, positioned.
type Problem struct {
	Pos      Pos
	Severity Severity
	Msg      string
}

// Readable reports whether the reader read every operator completely.
func (d *DAG) Readable() bool {
	for _, p := range d.Problems {
		if p.Severity == Unreadable {
			return false
		}
	}
	return true
}

// block is an open compound statement.
type block struct {
	indent  int
	keyword string
	line    int
}

type reader struct {
	dag    *DAG
	scope  map[string]Value
	blocks []block
	edges  map[[2]int]bool
}

// Read reads a DAG definition file without running it. It never fails:
// what it cannot read is a Problem. Source too large, too deep or not
// tokenizable is one Problem at the place it stopped.
func Read(src []byte) *DAG {
	r := &reader{dag: &DAG{}, scope: map[string]Value{}, edges: map[[2]int]bool{}}
	ls, err := lines(string(src))
	if err != nil {
		se := err.(*syntaxError)
		r.dag.Stopped = true
		r.dynamic(se.pos, "the file cannot be read: %s", se.msg)
		return r.dag
	}
	for _, l := range ls {
		r.line(l)
	}
	return r.dag
}

func (r *reader) dynamic(p Pos, format string, args ...any) {
	r.dag.Problems = append(r.dag.Problems, Problem{Pos: p, Severity: Unreadable, Msg: fmt.Sprintf(format, args...)})
}

func (r *reader) dropped(p Pos, format string, args ...any) {
	r.dag.Problems = append(r.dag.Problems, Problem{Pos: p, Severity: Dropped, Msg: fmt.Sprintf(format, args...)})
}

// compound are the keywords that open a block whose statements run
// conditionally, repeatedly or later: operators inside are not read.
var compound = map[string]bool{"if": true, "elif": true, "else": true, "for": true, "while": true,
	"def": true, "class": true, "try": true, "except": true, "finally": true, "async": true, "match": true, "case": true}

func (r *reader) line(l line) {
	for len(r.blocks) > 0 && l.indent <= r.blocks[len(r.blocks)-1].indent {
		r.blocks = r.blocks[:len(r.blocks)-1]
	}
	first := l.toks[0]
	if first.kind == tName && (compound[first.text] || first.text == "with") {
		r.blocks = append(r.blocks, block{indent: l.indent, keyword: first.text, line: first.pos.Line})
		colon := headerColon(l.toks)
		if first.text == "with" {
			r.with(l.toks[1:colon])
		} else if m := r.mentions(l.toks[:colon]); m != nil {
			r.dynamic(m.pos, "%s is used in the header of %s (line %d); pono reads operators and dependencies only at the top level of the file or of a with block", m.text, quoteKw(first.text), first.pos.Line)
		}
		if colon+1 < len(l.toks) {
			r.statement(l.toks[colon+1:])
		}
		return
	}
	r.statement(l.toks)
}

// headerColon is the index (at least 1) of the ':' that ends a compound
// statement's header (outside brackets), or len(toks) when there is none.
func headerColon(toks []token) int {
	colon := len(toks)
	eachTopLevel(toks, func(i int, t token) bool {
		if t.text == ":" && i > 0 {
			colon = i
			return false
		}
		return true
	})
	return colon
}

// eachTopLevel calls fn for each operator token outside brackets, in
// order, until fn returns false.
func eachTopLevel(toks []token, fn func(i int, t token) bool) {
	depth := 0
	for i, t := range toks {
		if t.kind != tOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		default:
			if depth == 0 && !fn(i, t) {
				return
			}
		}
	}
}

func quoteKw(k string) string { return "`" + k + "`" }

// inDynamic returns the innermost open block that is not a with.
func (r *reader) inDynamic() (block, bool) {
	for i := len(r.blocks) - 1; i >= 0; i-- {
		if r.blocks[i].keyword != "with" {
			return r.blocks[i], true
		}
	}
	return block{}, false
}

// mentions finds the first token naming an operator variable,
// KaapanaTaskOperator or IOMapping.
func (r *reader) mentions(toks []token) *token {
	for i, t := range toks {
		if t.kind != tName || i > 0 && toks[i-1].kind == tOp && toks[i-1].text == "." {
			continue
		}
		v, ok := r.scope[t.text]
		if t.text == "KaapanaTaskOperator" || t.text == "IOMapping" ||
			ok && (v.Kind == Operator || v.Kind == Symbol && (isSym(v.Text, "KaapanaTaskOperator") || isSym(v.Text, "IOMapping"))) {
			return &toks[i]
		}
	}
	return nil
}

// isSym reports whether a qualified name is name or ends in .name.
func isSym(q, name string) bool { return q == name || strings.HasSuffix(q, "."+name) }

func (r *reader) statement(toks []token) {
	if b, ok := r.inDynamic(); ok {
		if m := r.mentions(toks); m != nil {
			r.dynamic(m.pos, "%s is used inside %s (line %d); pono reads operators and dependencies only at the top level of the file or of a with block", m.text, quoteKw(b.keyword), b.line)
		}
		if targets, _ := splitAssign(toks); len(targets) > 0 {
			for _, tg := range targets {
				if len(tg) == 1 && tg[0].kind == tName {
					r.scope[tg[0].text] = dynamic(tg[0].pos, fmt.Sprintf("%s is assigned inside %s (line %d)", tg[0].text, quoteKw(b.keyword), b.line))
				}
			}
		}
		return
	}
	first := toks[0]
	if first.kind == tName {
		switch first.text {
		case "import", "from":
			r.imports(toks)
			return
		case "pass", "del", "global", "nonlocal", "assert", "raise", "return", "break", "continue":
			return
		}
	}
	if first.kind == tOp && first.text == "@" {
		return
	}
	targets, rhs := splitAssign(toks)
	if targets == nil {
		r.expression(toks)
		return
	}
	for _, tg := range targets {
		if len(tg) == 0 || rhs != nil && len(rhs) == 0 {
			// "= x" or "x =": not Python; it matters only near operators.
			if m := r.mentions(toks); m != nil {
				r.dynamic(toks[0].pos, "this assignment has no target or no value")
			}
			return
		}
	}
	r.assign(targets, rhs)
}

// splitAssign splits "a = b = expr" at its top-level '=' signs; an
// augmented assignment gives one target and rhs nil.
func splitAssign(toks []token) (targets [][]token, rhs []token) {
	start, augmented := 0, false
	eachTopLevel(toks, func(i int, t token) bool {
		switch {
		case t.text == "=":
			targets = append(targets, toks[start:i])
			start = i + 1
		case len(t.text) >= 2 && strings.HasSuffix(t.text, "=") && !slices.Contains([]string{"==", "!=", "<=", ">="}, t.text):
			targets, augmented = [][]token{toks[:i]}, true
			return false
		}
		return true
	})
	if targets == nil || augmented {
		return targets, nil
	}
	return targets, toks[start:]
}

func (r *reader) imports(toks []token) {
	// import a.b [as c], d ...   |   from m import (x [as y], ...)
	var module string
	i := 1
	if toks[0].text == "from" {
		for i < len(toks) && !(toks[i].kind == tName && toks[i].text == "import") {
			module += toks[i].text
			i++
		}
		i++
	}
	for i < len(toks) {
		t := toks[i]
		if t.kind == tOp && (t.text == "(" || t.text == ")" || t.text == ",") {
			i++
			continue
		}
		if t.kind == tOp && t.text == "*" {
			r.dropped(t.pos, "from %s import * is not followed: names it brings in are unknown to pono", module)
			return
		}
		name := ""
		for i < len(toks) && (toks[i].kind == tName && toks[i].text != "as" || toks[i].kind == tOp && toks[i].text == ".") {
			name += toks[i].text
			i++
		}
		if name == "" {
			return
		}
		bind, q := name, name
		if module != "" {
			q = module + "." + name
		} else if j := strings.IndexByte(name, '.'); j >= 0 {
			bind, q = name[:j], name[:j] // import a.b binds a
		}
		if i+1 < len(toks) && toks[i].kind == tName && toks[i].text == "as" {
			bind = toks[i+1].text
			if module == "" {
				q = name
			}
			i += 2
		}
		r.scope[bind] = Value{Kind: Symbol, Pos: t.pos, Text: q}
	}
}

// with reads a `with DAG(...) as dag:` header.
func (r *reader) with(toks []token) {
	as := len(toks)
	for i, t := range toks {
		if t.kind == tName && t.text == "as" {
			as = i
		}
	}
	p := &parser{toks: toks[:as], scope: r.scope}
	v := p.expr()
	if p.err != nil {
		if m := r.mentions(toks); m != nil {
			r.dynamic(p.err.pos, "%s", p.err.msg)
		}
		return
	}
	if v.Kind == Call && isSym(v.Func, "DAG") {
		r.dagCall(v)
	}
	if as+1 < len(toks) && toks[as+1].kind == tName {
		r.scope[toks[as+1].text] = dynamic(toks[as+1].pos, "the DAG object")
	}
}

func (r *reader) dagCall(v Value) {
	r.dag.DAG = v.Pos
	da, ok := v.kwarg("default_args")
	if !ok || da.Value.Kind != Dict {
		return
	}
	for i, k := range da.Value.Keys {
		x := da.Value.Items[i]
		switch {
		case k.Known() && k.Text == "owner" && x.Known():
			s := x.Text
			r.dag.Owner = &s
		case k.Known() && k.Text == "ui_visible" && x.Kind == Bool:
			b := x.Bool
			r.dag.UIVisible = &b
		}
	}
}

func (r *reader) assign(targets [][]token, rhs []token) {
	if rhs == nil {
		// An augmented assignment (x += ...): the name's value is unknown.
		tg := targets[0]
		if m := r.mentions(tg); m != nil {
			r.dynamic(m.pos, "the operator variable %s is changed by an augmented assignment", m.text)
		}
		if len(tg) == 1 && tg[0].kind == tName {
			r.scope[tg[0].text] = dynamic(tg[0].pos, tg[0].text+" is changed by an augmented assignment")
		}
		return
	}
	p := &parser{toks: rhs, scope: r.scope}
	v := p.expr()
	if p.err == nil && p.peek().kind != tEOF {
		t := p.peek()
		if what, ok := unsupported[t.text]; ok && t.kind != tString {
			p.fail(t.pos, "%s is not read by pono", what)
		} else if t.kind == tOp && t.text == "," {
			p.fail(t.pos, "a tuple without brackets is not read by pono")
		} else {
			p.fail(t.pos, "unexpected %s", tokDesc(t))
		}
	}
	if p.err != nil {
		v = dynamic(p.err.pos, p.err.msg)
		if m := r.mentions(rhs); m != nil {
			r.dynamic(p.err.pos, "%s", p.err.msg)
		}
	}
	if v.Kind == Call && isSym(v.Func, "KaapanaTaskOperator") {
		v = r.operator(v, targets)
	} else if v.Kind == Call && isSym(v.Func, "DAG") {
		r.dagCall(v)
	}
	for _, tg := range targets {
		if len(tg) != 1 || tg[0].kind != tName {
			if m := r.mentions(append(slices.Clone(tg), rhs...)); m != nil {
				r.dynamic(tg[0].pos, "an operator is assigned to something other than a plain name; pono reads `name = KaapanaTaskOperator(...)`")
			}
			continue
		}
		name := tg[0].text
		if old, ok := r.scope[name]; ok && old.Kind == Operator && !(v.Kind == Operator && v.Task == old.Task) {
			r.dynamic(tg[0].pos, "%s already names task %s; pono reads each operator variable assigned once", name, r.dag.Tasks[old.Task].ID)
		}
		r.scope[name] = v
	}
}

// expression handles a statement that is an expression: a dependency
// chain, a docstring, or a call pono does not follow.
func (r *reader) expression(toks []token) {
	if isChain(toks) {
		r.chain(toks)
		return
	}
	if len(toks) == 1 && toks[0].kind == tString {
		return
	}
	if m := r.mentions(toks); m != nil {
		r.dynamic(m.pos, "this statement uses %s in a way pono does not read; pono reads `name = KaapanaTaskOperator(...)` and `a >> b` dependencies", m.text)
	}
}

func isChain(toks []token) bool {
	found := false
	eachTopLevel(toks, func(_ int, t token) bool {
		found = t.text == ">>" || t.text == "<<"
		return !found
	})
	return found
}

func (r *reader) chain(toks []token) {
	p := &parser{toks: toks, scope: r.scope}
	operands, ops := p.chain()
	if p.err == nil && p.peek().kind != tEOF {
		p.fail(p.peek().pos, "unexpected %s in a dependency", tokDesc(p.peek()))
	}
	if p.err != nil {
		r.dynamic(p.err.pos, "the dependency cannot be read: %s", p.err.msg)
		return
	}
	sets := make([][]int, len(operands))
	for i, v := range operands {
		ids, ok := r.operators(v)
		if !ok {
			r.dynamic(v.Pos, "a dependency operand is %s; pono reads operator variables and lists of them", describe(v))
			return
		}
		sets[i] = ids
	}
	for i, op := range ops {
		from, to := sets[i], sets[i+1]
		if op.text == "<<" {
			from, to = to, from
		}
		for _, f := range from {
			for _, t := range to {
				if r.edges[[2]int{f, t}] {
					continue
				}
				r.edges[[2]int{f, t}] = true
				r.dag.Edges = append(r.dag.Edges, Edge{From: f, To: t, Pos: op.pos})
			}
		}
	}
}

// operators reads an operator or a list of operators.
func (r *reader) operators(v Value) ([]int, bool) {
	switch v.Kind {
	case Operator:
		return []int{v.Task}, true
	case List:
		var out []int
		for _, x := range v.Items {
			if x.Kind != Operator {
				return nil, false
			}
			out = append(out, x.Task)
		}
		return out, true
	}
	return nil, false
}
