package values

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetAndLookup(t *testing.T) {
	m := map[string]any{
		"a":    map[string]any{"b": map[string]any{"c": "deep"}, "nil": nil, "list": []any{"x"}},
		"s":    "top",
		"":     "empty key",
		"x.y":  "dotted key",
		"rbac": map[string]any{"create": false},
	}
	for _, c := range []struct {
		name   string
		path   string // for Lookup
		keys   []string
		want   any
		wantOK bool
	}{
		{"top level", "s", []string{"s"}, "top", true},
		{"nested", "a.b.c", []string{"a", "b", "c"}, "deep", true},
		{"a map", "a.b", []string{"a", "b"}, map[string]any{"c": "deep"}, true},
		{"present nil counts (bootstrap get)", "a.nil", []string{"a", "nil"}, nil, true},
		{"false is found, not missing (bootstrap rbac.create)", "rbac.create", []string{"rbac", "create"}, false, true},
		{"missing leaf", "a.b.d", []string{"a", "b", "d"}, nil, false},
		{"missing parent", "z.b", []string{"z", "b"}, nil, false},
		{"through a string", "s.x", []string{"s", "x"}, nil, false},
		{"lists are not indexed (mask paths write lists as [i])", "a.list.0", []string{"a", "list", "0"}, nil, false},
		{"empty path is the empty key (mask.Lookup)", "", []string{""}, "empty key", true},
		{"a dotted key is not reachable by Lookup", "x.y", []string{"x", "y"}, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Lookup(m, c.path)
			if ok != c.wantOK || !cmp.Equal(got, c.want) {
				t.Errorf("Lookup(%q) = %v, %v; want %v, %v", c.path, got, ok, c.want, c.wantOK)
			}
			got, ok = Get(m, c.keys...)
			if ok != c.wantOK || !cmp.Equal(got, c.want) {
				t.Errorf("Get(%q) = %v, %v; want %v, %v", c.keys, got, ok, c.want, c.wantOK)
			}
		})
	}
	if got, ok := Get(m); !ok || !cmp.Equal(got, any(m)) {
		t.Errorf("Get with no keys = %v, %v; want m", got, ok)
	}
	if got, ok := Lookup(nil, "a"); ok || got != nil {
		t.Errorf("Lookup in nil = %v, %v", got, ok)
	}
}

func TestSet(t *testing.T) {
	for _, c := range []struct {
		name string
		in   map[string]any
		keys []string
		want map[string]any
	}{
		{"creates parents", map[string]any{}, []string{"verify", "keyring"}, map[string]any{"verify": map[string]any{"keyring": "v"}}},
		{"keeps siblings", map[string]any{"verify": map[string]any{"other": 1.0}}, []string{"verify", "keyring"},
			map[string]any{"verify": map[string]any{"other": 1.0, "keyring": "v"}}},
		{"replaces a non-map parent", map[string]any{"webhook": "x"}, []string{"webhook", "secret"}, map[string]any{"webhook": map[string]any{"secret": "v"}}},
		{"replaces a leaf", map[string]any{"a": "old"}, []string{"a"}, map[string]any{"a": "v"}},
		{"no keys changes nothing", map[string]any{"a": "old"}, nil, map[string]any{"a": "old"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			Set(c.in, "v", c.keys...)
			if d := cmp.Diff(c.want, c.in); d != "" {
				t.Errorf("Set (-want +got):\n%s", d)
			}
		})
	}
}

func TestWithAndWithout(t *testing.T) {
	orig := func() map[string]any {
		return map[string]any{"a": map[string]any{"b": "old", "keep": "k"}, "s": "str"}
	}
	for _, c := range []struct {
		name string
		got  func(map[string]any) map[string]any
		want map[string]any
	}{
		{"with replaces", func(m map[string]any) map[string]any { return With(m, []string{"a", "b"}, "new") },
			map[string]any{"a": map[string]any{"b": "new", "keep": "k"}, "s": "str"}},
		{"with creates", func(m map[string]any) map[string]any { return With(m, []string{"x", "y"}, "new") },
			map[string]any{"a": map[string]any{"b": "old", "keep": "k"}, "s": "str", "x": map[string]any{"y": "new"}}},
		{"with replaces a non-map parent (compiler setPath)", func(m map[string]any) map[string]any { return With(m, []string{"s", "y"}, "new") },
			map[string]any{"a": map[string]any{"b": "old", "keep": "k"}, "s": map[string]any{"y": "new"}}},
		{"without deletes", func(m map[string]any) map[string]any { return Without(m, []string{"a", "b"}) },
			map[string]any{"a": map[string]any{"keep": "k"}, "s": "str"}},
		{"without a missing path creates nothing", func(m map[string]any) map[string]any { return Without(m, []string{"x", "y"}) },
			map[string]any{"a": map[string]any{"b": "old", "keep": "k"}, "s": "str"}},
		{"with no keys copies", func(m map[string]any) map[string]any { return With(m, nil, "new") }, orig()},
		{"with on nil", func(map[string]any) map[string]any { return With(nil, []string{"a"}, "new") }, map[string]any{"a": "new"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := orig()
			if d := cmp.Diff(c.want, c.got(m)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if d := cmp.Diff(orig(), m); d != "" {
				t.Errorf("the input changed (-want +got):\n%s", d)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	got, err := Normalize(map[string]any{
		"int": 3, "list": []string{"a"}, "nested": map[string]int{"n": 1}, "nil": nil, "b": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"int": 3.0, "list": []any{"a"}, "nested": map[string]any{"n": 1.0}, "nil": nil, "b": true}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Normalize (-want +got):\n%s", d)
	}

	in := map[string]any{"a": map[string]any{"b": "c"}}
	out, _ := Normalize(in)
	out["a"].(map[string]any)["b"] = "changed"
	if in["a"].(map[string]any)["b"] != "c" {
		t.Error("Normalize shares maps with its input")
	}

	if got, err := Normalize(nil); got != nil || err != nil {
		t.Errorf("Normalize(nil) = %v, %v; want nil, nil", got, err)
	}
	if _, err := Normalize(map[string]any{"f": func() {}}); err == nil {
		t.Error("Normalize of a func: no error")
	}
}

func TestKeys(t *testing.T) {
	for _, c := range []struct {
		name string
		ms   []map[string]int
		want []string
	}{
		{"none", nil, nil},
		{"nil maps", []map[string]int{nil, nil}, nil},
		{"union, sorted, each once", []map[string]int{{"b": 1, "a": 2}, {"c": 3, "a": 4}}, []string{"a", "b", "c"}},
		{"one side only", []map[string]int{nil, {"z": 1}}, []string{"z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, Keys(c.ms...)); d != "" {
				t.Errorf("Keys (-want +got):\n%s", d)
			}
		})
	}
}

func TestCopy(t *testing.T) {
	in := map[string]any{"a": map[string]any{"b": []any{"x", map[string]any{"c": 1.0}}}, "n": map[string]any(nil), "s": "str"}
	out := Copy(in)
	want := map[string]any{"a": map[string]any{"b": []any{"x", map[string]any{"c": 1.0}}}, "n": map[string]any{}, "s": "str"}
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("Copy (-want +got):\n%s", d)
	}
	out["a"].(map[string]any)["b"].([]any)[1].(map[string]any)["c"] = 2.0
	out["a"].(map[string]any)["new"] = true
	if d := cmp.Diff(map[string]any{"b": []any{"x", map[string]any{"c": 1.0}}}, in["a"]); d != "" {
		t.Errorf("writing the copy changed the input (-want +got):\n%s", d)
	}
	if got := Copy(nil); got == nil || len(got) != 0 {
		t.Errorf("Copy(nil) = %#v, want an empty map", got)
	}
	if got := DeepCopy("leaf"); got != "leaf" {
		t.Errorf("DeepCopy(leaf) = %v", got)
	}
}
