package pydag

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep a hostile file from costing more than a real DAG:
// Kaapana's largest v2 DAG is under 5 KB, 600 tokens and 4 levels deep.
const (
	MaxSourceBytes = 1 << 20
	MaxTokens      = 200_000
	MaxDepth       = 64
)

type tokKind int

const (
	tName tokKind = iota
	tNumber
	tString
	tOp
	tNewline
	tEOF
)

// Pos is a 1-based line and column (in characters) in the DAG file.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

type token struct {
	kind tokKind
	text string // name, number or operator text; a string's decoded value
	pos  Pos
	// For strings: the prefix letters (lower case: "f", "r", "rb", ...).
	prefix string
	// For strings with an f prefix: the raw body between the quotes.
	raw string
	// rawPos is where raw starts, for positions inside an f-string.
	rawPos Pos
}

// line is one logical line: its tokens (without the newline) and the
// column its first token starts at (the indentation).
type line struct {
	toks   []token
	indent int
}

// syntaxError is a problem the tokenizer cannot step over.
type syntaxError struct {
	pos Pos
	msg string
}

func (e *syntaxError) Error() string { return e.pos.String() + ": " + e.msg }

type lexer struct {
	src       string
	off       int
	line, col int
	depth     int // open brackets: newlines inside them join lines
	ntok      int
}

// threeOps and twoOps are Python's multi-character operators, longest
// first, so that ">>=" is not read as ">>" "=".
var (
	threeOps = []string{">>=", "<<=", "**=", "//=", "..."}
	twoOps   = []string{">>", "<<", "**", "//", "==", "!=", "<=", ">=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="}
)

// lines splits src into logical lines as Python's tokenizer does:
// comments dropped, brackets and backslashes join physical lines.
func lines(src string) ([]line, error) {
	if len(src) > MaxSourceBytes {
		return nil, &syntaxError{Pos{1, 1}, fmt.Sprintf("the file is %d bytes; pono reads DAG files of at most %d", len(src), MaxSourceBytes)}
	}
	if !utf8.ValidString(src) {
		return nil, &syntaxError{Pos{1, 1}, "the file is not UTF-8 text"}
	}
	lx := &lexer{src: strings.TrimPrefix(src, "\ufeff"), line: 1, col: 1}
	var out []line
	var cur []token
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tNewline, tEOF:
			if len(cur) > 0 {
				out = append(out, line{toks: cur, indent: cur[0].pos.Col})
				cur = nil
			}
			if t.kind == tEOF {
				return out, nil
			}
		default:
			cur = append(cur, t)
		}
	}
}

func (lx *lexer) peek(n int) byte {
	if lx.off+n < len(lx.src) {
		return lx.src[lx.off+n]
	}
	return 0
}

// advance moves over n bytes, counting lines and characters.
func (lx *lexer) advance(n int) {
	for _, r := range lx.src[lx.off : lx.off+n] {
		if r == '\n' {
			lx.line++
			lx.col = 1
		} else {
			lx.col++
		}
	}
	lx.off += n
}

func (lx *lexer) pos() Pos { return Pos{lx.line, lx.col} }

func (lx *lexer) next() (token, error) {
	lx.ntok++
	if lx.ntok > MaxTokens {
		return token{}, &syntaxError{lx.pos(), fmt.Sprintf("the file has more than %d tokens; pono reads smaller DAG files", MaxTokens)}
	}
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == '#':
			for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
				lx.advance(1)
			}
		case c == '\\' && (lx.peek(1) == '\n' || lx.peek(1) == '\r' && lx.peek(2) == '\n'):
			lx.advance(1)
			if lx.peek(0) == '\r' {
				lx.advance(1)
			}
			lx.advance(1)
		case c == '\n':
			p := lx.pos()
			lx.advance(1)
			if lx.depth == 0 {
				return token{kind: tNewline, pos: p}, nil
			}
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			lx.advance(1)
		default:
			return lx.token()
		}
	}
	if lx.depth > 0 {
		return token{}, &syntaxError{lx.pos(), "the file ends inside an open bracket"}
	}
	return token{kind: tEOF, pos: lx.pos()}, nil
}

func (lx *lexer) token() (token, error) {
	p := lx.pos()
	c := lx.src[lx.off]
	r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	switch {
	case isNameStart(r):
		end := lx.off + size
		for end < len(lx.src) {
			r2, s2 := utf8.DecodeRuneInString(lx.src[end:])
			if !isNameStart(r2) && !unicode.IsDigit(r2) {
				break
			}
			end += s2
		}
		word := lx.src[lx.off:end]
		if end < len(lx.src) && (lx.src[end] == '"' || lx.src[end] == '\'') && isStringPrefix(word) {
			lx.advance(len(word))
			return lx.str(p, strings.ToLower(word))
		}
		lx.advance(len(word))
		return token{kind: tName, text: word, pos: p}, nil
	case c >= '0' && c <= '9' || c == '.' && lx.peek(1) >= '0' && lx.peek(1) <= '9':
		end := lx.off
		for end < len(lx.src) {
			d := lx.src[end]
			if d >= '0' && d <= '9' || d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' || d == '.' || d == '_' ||
				(d == '+' || d == '-') && (lx.src[end-1] == 'e' || lx.src[end-1] == 'E') && !strings.HasPrefix(lx.src[lx.off:end], "0x") {
				end++
				continue
			}
			break
		}
		text := lx.src[lx.off:end]
		lx.advance(end - lx.off)
		return token{kind: tNumber, text: text, pos: p}, nil
	case c == '"' || c == '\'':
		return lx.str(p, "")
	}
	for _, ops := range [][]string{threeOps, twoOps} {
		for _, op := range ops {
			if strings.HasPrefix(lx.src[lx.off:], op) {
				lx.advance(len(op))
				return token{kind: tOp, text: op, pos: p}, nil
			}
		}
	}
	if strings.ContainsRune("()[]{},:.;=+-*/%@&|^~<>!", rune(c)) {
		switch c {
		case '(', '[', '{':
			lx.depth++
			if lx.depth > MaxDepth {
				return token{}, &syntaxError{p, fmt.Sprintf("brackets are nested more than %d deep", MaxDepth)}
			}
		case ')', ']', '}':
			if lx.depth == 0 {
				return token{}, &syntaxError{p, fmt.Sprintf("%q closes a bracket that was never opened", c)}
			}
			lx.depth--
		}
		lx.advance(1)
		return token{kind: tOp, text: string(c), pos: p}, nil
	}
	return token{}, &syntaxError{p, fmt.Sprintf("unexpected character %q", r)}
}

func isNameStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isStringPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// str reads a string literal after its prefix.
func (lx *lexer) str(p Pos, prefix string) (token, error) {
	q := lx.src[lx.off : lx.off+1]
	if strings.HasPrefix(lx.src[lx.off:], q+q+q) {
		q = q + q + q
	}
	lx.advance(len(q))
	start, startPos := lx.off, lx.pos()
	raw := strings.Contains(prefix, "r")
	for {
		if lx.off >= len(lx.src) {
			return token{}, &syntaxError{p, "the string is never closed"}
		}
		c := lx.src[lx.off]
		if c == '\n' && len(q) == 1 {
			return token{}, &syntaxError{p, "the string is not closed on its line"}
		}
		if c == '\\' && lx.off+1 < len(lx.src) {
			lx.advance(2)
			continue
		}
		if strings.HasPrefix(lx.src[lx.off:], q) {
			body := lx.src[start:lx.off]
			lx.advance(len(q))
			t := token{kind: tString, pos: p, prefix: prefix, raw: body, rawPos: startPos}
			if raw {
				t.text = body
			} else {
				t.text = unescape(body)
			}
			return t, nil
		}
		lx.advance(1)
	}
}

// unescape decodes Python's escapes; an unknown escape keeps its
// backslash, as Python does.
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"':
			b.WriteByte(s[i])
		case '\n':
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
			var v rune
			ok := i+n < len(s)
			for j := 1; ok && j <= n; j++ {
				d := hexVal(s[i+j])
				ok = d >= 0
				v = v*16 + rune(d)
			}
			if !ok || !utf8.ValidRune(v) {
				b.WriteByte('\\')
				b.WriteByte(s[i])
				continue
			}
			b.WriteRune(v)
			i += n
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
