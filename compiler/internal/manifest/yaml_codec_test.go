package manifest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// TestMarshalBodyMatchesDetour: the direct encoding is byte-identical to
// sigs.k8s.io/yaml.Marshal for the values Parse produces, the awkward ones
// (exponents, -0, big integers, strings YAML would read as something else,
// invalid UTF-8) and a few thousand random bodies.
func TestMarshalBodyMatchesDetour(t *testing.T) {
	awkward := []any{
		0.0, math.Copysign(0, -1), 1.0, -1.0, 12345678.0, 1e6, 1e20, 1e21, 1e22, 1.5e300, 1e-6, 1e-7, 0.1, 123456.5,
		float64(1<<53 - 1), float64(1 << 53), float64(1<<63) * 1.5, -float64(1 << 60), 2.5e-320,
		"", "yes", "no", "on", "null", "~", "1", "0x10", "1e3", ".5", "-", "a: b", "#c", "multi\nline\n", " lead", "trail ",
		"\x00", "\u2028", "<&>", "caf\xe9", "ok\xff\xfe", "日本",
		true, false, nil, []any{}, map[string]any{}, int64(7), 42,
	}
	for _, v := range awkward {
		check(t, map[string]any{"v": v, "list": []any{v, map[string]any{"k": v}}})
	}
	check(t, map[string]any{"caf\xe9": 1.0})
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		check(t, randomBody(r, 0))
	}
}

func check(t *testing.T, body map[string]any) {
	t.Helper()
	want, werr := yaml.Marshal(body)
	got, gerr := marshalBody(body)
	if (werr == nil) != (gerr == nil) || string(got) != string(want) {
		t.Fatalf("marshal of %#v:\n got %q (%v)\nwant %q (%v)", body, got, gerr, want, werr)
	}
}

func randomBody(r *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for range r.IntN(6) {
		m[randomString(r)] = randomValue(r, depth+1)
	}
	return m
}

func randomValue(r *rand.Rand, depth int) any {
	k := r.IntN(9)
	if depth > 3 && k >= 7 {
		k = 0
	}
	switch k {
	case 0:
		return randomString(r)
	case 1:
		return float64(r.IntN(2000000) - 1000000)
	case 2:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(60)-30))
	case 3:
		return r.IntN(2) == 0
	case 4:
		return nil
	case 5:
		return math.Ldexp(1, r.IntN(70))
	case 6:
		return float64(r.Int64())
	case 7:
		var l []any
		for range r.IntN(4) {
			l = append(l, randomValue(r, depth+1))
		}
		return l
	default:
		return randomBody(r, depth)
	}
}

var pieces = []string{"a", "B", "9", "10", "-", ".", " ", ":", "#", "\n", "'", "\"", "yes", "0x", "e5", "é", "\t", "{", "[", "*", "&", "!", "%", "@", "`", "|", ">"}

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(5) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestUnmarshalDocMatchesDetour: the direct decoding gives what
// sigs.k8s.io/yaml.Unmarshal gives, values and errors, for awkward
// documents and for every awkward value written as YAML.
func TestUnmarshalDocMatchesDetour(t *testing.T) {
	docs := []string{
		"", "# only a comment\n", "~", "a: 1", "a: 1.0", "a: 1e3", "a: 0x1F", "a: 0o17", "a: 017", "a: -0", "a: .inf", "a: -.Inf", "a: .nan",
		"a: 9223372036854775807", "a: 9223372036854775808", "a: 18446744073709551616", "a: 1_000", "a: +12",
		"a: yes", "a: on", "a: ~", "a: 2001-12-14t21:59:43.10-05:00", "a: 2002-12-14", "a: !!binary aGVsbG8=", "a: !!str 12",
		"1: x\n2.5: y\ntrue: z\nnull: n", "? [a, b]\n: c", "? {a: b}\n: c", ".inf: x",
		"a: &x [1, 2]\nb: *x", "a: caf\xe9", "\xff: b", "a: |\n  multi\n  line\n", "[1, 2, 3]", "just a string", "a: [", "a: b: c", "\t- x",
		"a:\n  b:\n    c: [1, {d: e}]", "a: !!float 1", "a: !!int 1.5",
	}
	for _, v := range []any{12345678.0, 1e21, 1.5, "x"} {
		docs = append(docs, fmt.Sprintf("v: %v", v))
	}
	for _, d := range docs {
		checkUnmarshal(t, []byte(d))
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		y, err := yaml.Marshal(randomBody(r, 0))
		if err != nil {
			t.Fatal(err)
		}
		checkUnmarshal(t, y)
	}
}

func checkUnmarshal(t *testing.T, doc []byte) {
	t.Helper()
	if _, err := unmarshalDoc(doc); err != nil && strings.Contains(err.Error(), "appears twice in one mapping") {
		return // the detour's result is random: see TestUnmarshalDocRefusesCollidingKeys
	}
	var want any
	werr := yaml.Unmarshal(doc, &want)
	got, gerr := unmarshalDoc(doc)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("unmarshal of %q: error %v, want %v", doc, gerr, werr)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("unmarshal of %q (-detour +direct):\n%s", doc, d)
	}
}

// TestUnmarshalDocRefusesCollidingKeys: keys that become the same string
// (which the detour resolves at random) are refused with one sentence.
func TestUnmarshalDocRefusesCollidingKeys(t *testing.T) {
	for doc, key := range map[string]string{
		"1: a\n\"1\": b":               "1",
		"a:\n  true: x\n  \"true\": y": "true",
		"- {1.0: a, 1: b}":             "1",
	} {
		_, err := unmarshalDoc([]byte(doc))
		want := "the key \"" + key + "\" appears twice in one mapping"
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("unmarshal of %q: %v, want %q...", doc, err, want)
		}
	}
	if _, err := unmarshalDoc([]byte("a: {1: x}\nb: {\"1\": y}")); err != nil {
		t.Errorf("the same key in two mappings is refused: %v", err)
	}
}
