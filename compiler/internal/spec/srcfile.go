package spec

import (
	"unicode/utf8"

	"cuelang.org/go/cue/token"
)

// srcFile is one input file with a CUE token.File, so positions found by
// any parser (YAML's line and column, JSON's byte offset, the CUE child's
// line and column) become the token.Pos the rest of the compiler uses.
type srcFile struct {
	name  string // as messages show it
	src   []byte
	tf    *token.File
	lines []int         // line start offsets (token.File.Lines copies them each call)
	ascii bool          // columns are byte offsets
	runes map[int][]int // per non-ASCII line: byte offset of each character
}

func newSrcFile(name string, src []byte) *srcFile {
	// One byte past the end, so an error at end of input has a position.
	tf := token.NewFile(name, -1, len(src)+1)
	tf.SetLinesForContent(src)
	if len(tf.Lines()) == 0 {
		tf.SetLines([]int{0}) // an empty file still has line 1
	}
	return &srcFile{name: name, src: src, tf: tf, lines: tf.Lines(), ascii: isASCII(src)}
}

// at is the position of byte offset off.
func (f *srcFile) at(off int) token.Pos {
	off = max(0, min(off, len(f.src)))
	return f.tf.Pos(off, token.NoRelPos)
}

// lineCol is the position of a 1-based line and a 1-based column counted
// in characters, as YAML reports them.
func (f *srcFile) lineCol(line, col int) token.Pos {
	lines := f.lines
	if line < 1 || len(lines) == 0 {
		return f.at(0)
	}
	if line > len(lines) {
		return f.at(len(f.src))
	}
	start := lines[line-1]
	if col < 1 {
		col = 1
	}
	if f.ascii {
		return f.at(start + col - 1)
	}
	// Index each line once, so a file on one long line stays linear.
	offs, ok := f.runes[line]
	if !ok {
		for off := start; off < len(f.src) && f.src[off] != '\n'; {
			offs = append(offs, off)
			_, n := utf8.DecodeRune(f.src[off:])
			off += n
		}
		if f.runes == nil {
			f.runes = map[int][]int{}
		}
		f.runes[line] = offs
	}
	if col-1 < len(offs) {
		return f.at(offs[col-1])
	}
	end := start
	if len(offs) > 0 {
		end = offs[len(offs)-1] + 1
	}
	return f.at(end)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// checkText finds what no parser should see: bytes that are not UTF-8 and
// control characters (NUL and friends), with their position.
func (f *srcFile) checkText() (token.Pos, string, bool) {
	for off := 0; off < len(f.src); {
		r, n := utf8.DecodeRune(f.src[off:])
		switch {
		case r == utf8.RuneError && n == 1:
			return f.at(off), "the file is not valid UTF-8 text (byte 0x" + hexByte(f.src[off]) + ")", false
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0x7f:
			return f.at(off), "control character " + uPlus(r) + " is not allowed in a platform file", false
		}
		off += n
	}
	return token.NoPos, "", true
}

func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

func uPlus(r rune) string {
	return "U+00" + hexByte(byte(r))
}
