package pydag

import (
	"fmt"
	"strings"
)

// parser evaluates the expressions of one logical line. The first
// construct outside the subset stops it with err, positioned: the caller
// decides whether the line mattered.
type parser struct {
	toks  []token
	i     int
	scope map[string]Value
	depth int
	err   *syntaxError
}

func (p *parser) peek() token {
	if p.err != nil || p.i >= len(p.toks) {
		end := Pos{1, 1}
		if len(p.toks) > 0 {
			end = p.toks[len(p.toks)-1].pos
		}
		return token{kind: tEOF, pos: end}
	}
	return p.toks[p.i]
}

func (p *parser) take() token {
	t := p.peek()
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(text string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == text
}

func (p *parser) fail(pos Pos, format string, args ...any) Value {
	if p.err == nil {
		p.err = &syntaxError{pos, fmt.Sprintf(format, args...)}
	}
	return dynamic(pos, p.err.msg)
}

func (p *parser) expect(op string) bool {
	if p.isOp(op) {
		p.take()
		return true
	}
	t := p.peek()
	if what, ok := unsupported[t.text]; ok && (t.kind == tOp || t.kind == tName) {
		p.fail(t.pos, "%s is not read by pono", what)
	} else {
		p.fail(t.pos, "expected %q here, found %s", op, tokDesc(t))
	}
	return false
}

func tokDesc(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the line"
	case tString:
		return "a string"
	case tNumber:
		return "the number " + t.text
	}
	return fmt.Sprintf("%q", t.text)
}

// unsupported names the Python constructs outside the subset, for the
// message when one is met where a value is expected.
var unsupported = map[string]string{
	"lambda": "a lambda", "if": "a conditional expression", "for": "a comprehension",
	"not": "a boolean operator", "and": "a boolean operator", "or": "a boolean operator",
	"await": "await", "yield": "yield", "*": "an unpacking or multiplication (*)", "**": "an unpacking (**)",
	"in": "a comparison", "is": "a comparison", "==": "a comparison", "!=": "a comparison",
	"<": "a comparison", ">": "a comparison", "<=": "a comparison", ">=": "a comparison",
	"-": "arithmetic", "/": "arithmetic", "//": "arithmetic", "%": "string formatting or arithmetic",
	"@": "arithmetic", "&": "a bitwise operator", "|": "a bitwise operator", "^": "a bitwise operator",
	"~": "a bitwise operator", ":=": "an assignment expression",
}

func (p *parser) enter(pos Pos) bool {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(pos, "the expression is nested more than %d deep", MaxDepth)
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// expr := shift; shift := sum ((">>" | "<<") sum)*.
// A shift of operators is returned as a List value of Kind Dynamic? No:
// dependencies are collected by the statement reader, which calls
// shiftChain instead; here a shift is outside the subset.
func (p *parser) expr() Value {
	v := p.sum()
	if t := p.peek(); t.kind == tOp && (t.text == ">>" || t.text == "<<") {
		return p.fail(t.pos, "a dependency (%s) is read only as a statement of its own", t.text)
	}
	return v
}

// chain reads a >>/<< dependency statement: the operands and operators.
func (p *parser) chain() (operands []Value, ops []token) {
	operands = append(operands, p.sum())
	for {
		t := p.peek()
		if t.kind != tOp || t.text != ">>" && t.text != "<<" {
			return operands, ops
		}
		p.take()
		ops = append(ops, t)
		operands = append(operands, p.sum())
	}
}

// sum := postfix ("+" postfix)*: string concatenation.
func (p *parser) sum() Value {
	v := p.postfix()
	for p.isOp("+") {
		t := p.take()
		w := p.postfix()
		if p.err != nil {
			return v
		}
		if v.Kind != Str || w.Kind != Str {
			return p.fail(t.pos, "+ is read only between strings, here it joins %s and %s", describe(v), describe(w))
		}
		v = Value{Kind: Str, Pos: v.Pos, Parts: joinParts(parts(v), parts(w))}
		v = normalize(v)
	}
	return v
}

func parts(v Value) []Part {
	if v.Parts != nil {
		return v.Parts
	}
	return []Part{{Text: v.Text}}
}

func joinParts(a, b []Part) []Part {
	out := append([]Part(nil), a...)
	for _, x := range b {
		if n := len(out); n > 0 && x.Sym == "" && out[n-1].Sym == "" {
			out[n-1].Text += x.Text
			continue
		}
		out = append(out, x)
	}
	return out
}

// normalize turns a string whose parts are all literal into Text.
func normalize(v Value) Value {
	for _, x := range v.Parts {
		if x.Sym != "" {
			return v
		}
	}
	var b strings.Builder
	for _, x := range v.Parts {
		b.WriteString(x.Text)
	}
	v.Text, v.Parts = b.String(), nil
	return v
}

// postfix := atom ("(" args ")" | "." NAME | "[" ... "]")*.
func (p *parser) postfix() Value {
	start := p.peek().pos
	if !p.enter(start) {
		return dynamic(start, p.err.msg)
	}
	defer p.leave()
	v := p.atom()
	for p.err == nil {
		t := p.peek()
		switch {
		case t.kind == tOp && t.text == "(":
			p.take()
			v = p.call(v, t.pos)
		case t.kind == tOp && t.text == ".":
			p.take()
			n := p.take()
			if n.kind != tName {
				return p.fail(n.pos, "expected a name after '.', found %s", tokDesc(n))
			}
			if v.Kind == Symbol {
				v = Value{Kind: Symbol, Pos: v.Pos, Text: v.Text + "." + n.text, Unbound: v.Unbound}
			} else {
				v = dynamic(v.Pos, fmt.Sprintf("the attribute .%s of %s is only known when the DAG runs", n.text, describe(v)))
			}
		case t.kind == tOp && t.text == "[":
			return p.fail(t.pos, "a subscript ([...]) is not read by pono; write the value itself")
		default:
			return v
		}
	}
	return v
}

// call reads the arguments of a call of fn.
func (p *parser) call(fn Value, open Pos) Value {
	c := Value{Kind: Call, Pos: fn.Pos}
	switch fn.Kind {
	case Symbol:
		c.Func = fn.Text
	case Dynamic:
		c.Func = "?"
	default:
		return p.fail(open, "%s is called; pono reads calls of imported names only", describe(fn))
	}
	for p.err == nil && !p.isOp(")") {
		t := p.peek()
		if t.kind == tOp && (t.text == "*" || t.text == "**") {
			return p.fail(t.pos, "an unpacked argument (%s) is not read by pono; write each argument", t.text)
		}
		if t.kind == tName && p.i+1 < len(p.toks) && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=" {
			p.take()
			p.take()
			if _, dup := c.kwarg(t.text); dup {
				return p.fail(t.pos, "keyword argument %s is given twice", t.text)
			}
			c.Kwargs = append(c.Kwargs, Kwarg{Name: t.text, Pos: t.pos, Value: p.expr()})
		} else {
			if len(c.Kwargs) > 0 {
				return p.fail(t.pos, "a positional argument follows a keyword argument")
			}
			c.Args = append(c.Args, p.expr())
		}
		if !p.isOp(",") {
			break
		}
		p.take()
	}
	p.expect(")")
	return c
}

func (p *parser) atom() Value {
	t := p.take()
	switch t.kind {
	case tName:
		return p.name(t)
	case tNumber:
		return Value{Kind: Num, Pos: t.pos, Text: t.text}
	case tString:
		v := p.str(t)
		// Adjacent literals concatenate ("a" "b").
		for p.err == nil && p.peek().kind == tString {
			w := p.str(p.take())
			if v.Kind != Str || w.Kind != Str {
				break
			}
			v = normalize(Value{Kind: Str, Pos: v.Pos, Parts: joinParts(parts(v), parts(w))})
		}
		return v
	case tOp:
		switch t.text {
		case "(":
			return p.seq(t, ")", false)
		case "[":
			return p.seq(t, "]", true)
		case "{":
			return p.dict(t)
		}
		if what, ok := unsupported[t.text]; ok {
			return p.fail(t.pos, "%s is not read by pono", what)
		}
	case tEOF:
		return p.fail(t.pos, "a value is missing at the end of the line")
	}
	return p.fail(t.pos, "unexpected %s", tokDesc(t))
}

var constants = map[string]Value{"True": {Kind: Bool, Bool: true}, "False": {Kind: Bool}, "None": {Kind: None}}

func (p *parser) name(t token) Value {
	if v, ok := constants[t.text]; ok {
		v.Pos = t.pos
		return v
	}
	if what, ok := unsupported[t.text]; ok {
		return p.fail(t.pos, "%s is not read by pono", what)
	}
	v, ok := p.scope[t.text]
	if !ok {
		return Value{Kind: Symbol, Pos: t.pos, Text: t.text, Unbound: true}
	}
	if v.Kind != Operator && v.Kind != Symbol {
		// A reference is reported where it is used; its value keeps the
		// position it was written at.
		return v
	}
	v.Pos = t.pos
	return v
}

// seq reads a tuple (or parenthesised expression) or a list.
func (p *parser) seq(open token, closer string, list bool) Value {
	v := Value{Kind: List, Pos: open.pos}
	comma := false
	for p.err == nil && !p.isOp(closer) {
		v.Items = append(v.Items, p.expr())
		if p.peek().kind == tName && p.peek().text == "for" {
			return p.fail(p.peek().pos, "a comprehension is not read by pono; write the items")
		}
		if !p.isOp(",") {
			break
		}
		p.take()
		comma = true
	}
	p.expect(closer)
	if !list && !comma && len(v.Items) == 1 {
		return v.Items[0]
	}
	return v
}

func (p *parser) dict(open token) Value {
	v := Value{Kind: Dict, Pos: open.pos}
	for p.err == nil && !p.isOp("}") {
		if p.isOp("**") {
			return p.fail(p.peek().pos, "an unpacked dict (**) is not read by pono; write the keys")
		}
		k := p.expr()
		if !p.expect(":") {
			return v
		}
		x := p.expr()
		if p.peek().kind == tName && p.peek().text == "for" {
			return p.fail(p.peek().pos, "a comprehension is not read by pono; write the items")
		}
		v.Keys = append(v.Keys, k)
		v.Items = append(v.Items, x)
		if !p.isOp(",") {
			break
		}
		p.take()
	}
	p.expect("}")
	return v
}

// str turns a string token into a value; an f-string's placeholders must
// be plain names of known strings or imported names.
func (p *parser) str(t token) Value {
	if strings.Contains(t.prefix, "b") {
		return dynamic(t.pos, "a bytes literal is not a string")
	}
	if !strings.Contains(t.prefix, "f") {
		return Value{Kind: Str, Pos: t.pos, Text: t.text}
	}
	var out []Part
	raw := t.raw
	col := t.rawPos
	lit := func(s string) {
		if !strings.Contains(t.prefix, "r") {
			s = unescape(s)
		}
		out = joinParts(out, []Part{{Text: s}})
	}
	for i := 0; i < len(raw); {
		switch {
		case strings.HasPrefix(raw[i:], "{{"):
			lit("{")
			i += 2
		case strings.HasPrefix(raw[i:], "}}"):
			lit("}")
			i += 2
		case raw[i] == '{':
			end := strings.IndexByte(raw[i:], '}')
			at := Pos{col.Line, col.Col + len([]rune(raw[:i]))}
			if end < 0 {
				return p.fail(at, "the f-string placeholder is never closed")
			}
			name := strings.TrimSpace(raw[i+1 : i+end])
			if !isIdent(name) {
				return p.fail(at, "the f-string placeholder {%s} is not a plain name; pono reads only {NAME}", name)
			}
			v, ok := p.scope[name]
			switch {
			case !ok:
				return p.fail(at, "the f-string placeholder {%s} names nothing assigned or imported before this line", name)
			case v.Kind == Symbol && !v.Unbound:
				out = append(out, Part{Sym: v.Text})
			case v.Kind == Str:
				out = joinParts(out, parts(v))
			default:
				return p.fail(at, "the f-string placeholder {%s} is %s, not a string", name, describe(v))
			}
			i += end + 1
		case raw[i] == '}':
			return p.fail(Pos{col.Line, col.Col + len([]rune(raw[:i]))}, "a single '}' in an f-string")
		default:
			j := i
			for j < len(raw) && raw[j] != '{' && raw[j] != '}' {
				j++
			}
			lit(raw[i:j])
			i = j
		}
	}
	if out == nil {
		out = []Part{{}}
	}
	return normalize(Value{Kind: Str, Pos: t.pos, Parts: out})
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !isNameStart(r) && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
