package manifest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Varies replaces a value, or the part of a string, that differs between
// two renders in the canonical output, so the compiled output stays
// byte-identical.
const Varies = "(pono: differs between renders)"

// FieldDiff is a field whose value differs between two renders, or a map
// with keys only one render has (OneSided: those keys are left out of the
// output, since their names may be what is random).
type FieldDiff struct {
	Object   string
	Field    string
	OneSided bool
	// Source is the template, to find an object whose name is masked.
	Source string
}

// Differences are what two renders of the same release disagree on.
type Differences struct {
	// Fields differ in an object both renders have (or in a pair of
	// objects with randomised names, matched by template and kind).
	Fields []FieldDiff
	// OnlyFirst and OnlySecond are objects the other render has no
	// counterpart for (a randomised object count): they are left out of
	// the output.
	OnlyFirst, OnlySecond []string
}

// Empty reports whether the renders agree.
func (d Differences) Empty() bool {
	return len(d.Fields) == 0 && len(d.OnlyFirst) == 0 && len(d.OnlySecond) == 0
}

// MaskDifferences compares two sorted renders of the same release in both
// directions and returns the objects to write, with every differing leaf
// of a replaced by Varies. Objects that only one render has are paired by
// template, hook, apiVersion and kind (a randomised name), masked the same
// way; those left without a partner (a randomised count) are dropped, so
// the output depends as little as possible on the draw. a's bodies are
// modified.
func MaskDifferences(a, b []Object) ([]Object, Differences) {
	var d Differences
	key := func(o Object) string {
		return fmt.Sprint(o.Hook, "\x00", o.ID(), "\x00", o.APIVersion, "\x00", o.Source)
	}
	group := func(o Object) string {
		return fmt.Sprint(o.Hook, "\x00", o.APIVersion, "\x00", o.Kind, "\x00", o.Source)
	}
	inB := map[string][]Object{}
	for _, o := range b {
		inB[key(o)] = append(inB[key(o)], o)
	}
	var out []Object
	var lonelyA []Object
	for _, o := range a {
		k := key(o)
		if len(inB[k]) == 0 {
			lonelyA = append(lonelyA, o)
			continue
		}
		other := inB[k][0]
		inB[k] = inB[k][1:]
		out = append(out, maskObject(o, other, &d))
	}
	lonelyB := map[string][]Object{}
	for _, o := range b {
		for _, rest := range inB[key(o)] {
			lonelyB[group(rest)] = append(lonelyB[group(rest)], rest)
		}
		delete(inB, key(o))
	}
	for _, o := range lonelyA {
		g := group(o)
		if len(lonelyB[g]) == 0 {
			d.OnlyFirst = append(d.OnlyFirst, o.ID())
			continue
		}
		other := lonelyB[g][0]
		lonelyB[g] = lonelyB[g][1:]
		out = append(out, maskObject(o, other, &d))
	}
	for _, g := range sortedGroups(lonelyB) {
		for _, o := range lonelyB[g] {
			d.OnlySecond = append(d.OnlySecond, o.ID())
		}
	}
	Sort(out)
	sort.SliceStable(d.Fields, func(i, j int) bool {
		if d.Fields[i].Object != d.Fields[j].Object {
			return d.Fields[i].Object < d.Fields[j].Object
		}
		return d.Fields[i].Field < d.Fields[j].Field
	})
	return out, d
}

func sortedGroups(m map[string][]Object) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maskObject masks a against b and records the differing fields under the
// masked ID (a randomised name reads Varies, so the report is stable too).
func maskObject(a, b Object, d *Differences) Object {
	var fields []FieldDiff
	a.Body = maskValue(a.Body, b.Body, "", &fields).(map[string]any)
	if md, ok := a.Body["metadata"].(map[string]any); ok {
		a.Name, _ = md["name"].(string)
		a.Namespace, _ = md["namespace"].(string)
	}
	for _, f := range fields {
		f.Object, f.Source = a.ID(), a.Source
		d.Fields = append(d.Fields, f)
	}
	return a
}

// maskValue compares a with b and returns a with every differing leaf
// replaced by Varies; a key only one of them has is dropped from a.
func maskValue(a, b any, path string, fields *[]FieldDiff) any {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		// Reported once per map, without the keys: their names may be the
		// random part, and the report must be as stable as the output.
		oneSided := false
		for k, v := range am {
			if bv, ok := bm[k]; ok {
				am[k] = maskValue(v, bv, joinPath(path, k), fields)
			} else {
				oneSided = true
				delete(am, k)
			}
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				oneSided = true
			}
		}
		if oneSided {
			*fields = append(*fields, FieldDiff{Field: path, OneSided: true})
		}
		return am
	}
	al, ok1 := a.([]any)
	bl, ok2 := b.([]any)
	if ok1 && ok2 && len(al) == len(bl) {
		for i := range al {
			al[i] = maskValue(al[i], bl[i], fmt.Sprintf("%s[%d]", path, i), fields)
		}
		return al
	}
	if reflect.DeepEqual(a, b) {
		return a
	}
	*fields = append(*fields, FieldDiff{Field: path})
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return maskString(as, bs)
		}
	}
	return Varies
}

// maskString is a with only the parts that differ from b replaced by
// Varies, so a name (cert-init-x7q) or a configuration file with one
// random secret stays readable. Strings are compared by words (runs of
// letters and digits) and the single characters between them: a random
// word is replaced whole, never cut where two draws happen to share a
// letter, and a run of random words with the characters between them
// (base64's '+' and '/', and its padding after them) becomes one marker,
// so the result does not
// depend on the draw. When the renders have different numbers of words,
// everything between the common start and the common end is replaced,
// once.
func maskString(a, b string) string {
	return absorbPadding(maskWords(a, b))
}

// absorbPadding drops the '=' that follow a marker: base64 padding, whose
// length depends on the length of what was drawn (a password with a
// multi-byte character).
func absorbPadding(s string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, Varies)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i+len(Varies)])
		s = strings.TrimLeft(s[i+len(Varies):], "=")
	}
}

func maskWords(a, b string) string {
	ta, tb := words(a), words(b)
	var out strings.Builder
	if len(ta) == len(tb) {
		differs := make([]bool, len(ta))
		for i := range ta {
			differs[i] = ta[i] != tb[i]
		}
		// A character both draws happen to have between two random words
		// (a base64 '+') is part of the random run: one marker for all.
		for i := 1; i+1 < len(ta); i++ {
			if !differs[i] && differs[i-1] && differs[i+1] && !isWord(ta[i]) {
				differs[i] = true
			}
		}
		for i := range ta {
			switch {
			case !differs[i]:
				out.WriteString(ta[i])
			case i == 0 || !differs[i-1]:
				out.WriteString(Varies)
			}
		}
		return out.String()
	}
	pre := 0
	for pre < len(ta) && pre < len(tb) && ta[pre] == tb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ta)-pre && suf < len(tb)-pre && ta[len(ta)-1-suf] == tb[len(tb)-1-suf] {
		suf++
	}
	for _, t := range ta[:pre] {
		out.WriteString(t)
	}
	out.WriteString(Varies)
	for _, t := range ta[len(ta)-suf:] {
		out.WriteString(t)
	}
	return out.String()
}

func isWord(t string) bool {
	c := t[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// words splits s into runs of ASCII letters and digits and the single
// characters between them; joined they are s again.
func words(s string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); i++ {
		alnum := isWord(s[i : i+1])
		switch {
		case alnum && start < 0:
			start = i
		case !alnum:
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			n := 1
			for i+n < len(s) && s[i+n]&0xC0 == 0x80 {
				n++ // a multi-byte character stays whole
			}
			out = append(out, s[i:i+n])
			i += n - 1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func joinPath(p, k string) string {
	if strings.ContainsAny(k, ".[]") {
		k = fmt.Sprintf("[%q]", k)
		return p + k
	}
	if p == "" {
		return k
	}
	return p + "." + k
}
