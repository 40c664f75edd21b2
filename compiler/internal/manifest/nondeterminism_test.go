package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, in string) []Object {
	t.Helper()
	objs, err := Parse(in, "c/templates/t.yaml", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	Sort(objs)
	return objs
}

func TestMaskDifferencesBothDirections(t *testing.T) {
	a := mustParse(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {same: x, first: y, value: '1'}\n")
	b := mustParse(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {same: x, second: z, value: '2'}\n")
	out, d := MaskDifferences(a, b)
	want := []FieldDiff{{"ConfigMap/c", "data", true, "c/templates/t.yaml"}, {"ConfigMap/c", "data.value", false, "c/templates/t.yaml"}}
	if diff := cmp.Diff(want, d.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	data := out[0].Body["data"].(map[string]any)
	// A key only one render has is left out: its name may be the random part.
	if diff := cmp.Diff(map[string]any{"same": "x", "value": Varies}, data); diff != "" {
		t.Errorf("masked data (-want +got):\n%s", diff)
	}
}

// TestMaskDifferencesRandomNames: objects with randomised names pair up by
// template and kind, and the output no longer depends on the draw.
func TestMaskDifferencesRandomNames(t *testing.T) {
	render := func(name string) []Object {
		return mustParse(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: job-"+name+", namespace: s}\nspec: {x: 1}\n")
	}
	out1, d := MaskDifferences(render("abc"), render("xyz"))
	out2, _ := MaskDifferences(render("klm"), render("def"))
	c1, _ := Canonical(out1)
	c2, _ := Canonical(out2)
	if string(c1) != string(c2) {
		t.Errorf("outputs differ:\n%s\n%s", c1, c2)
	}
	want := Differences{Fields: []FieldDiff{{"Job/s/job-" + Varies, "metadata.name", false, "c/templates/t.yaml"}}}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("differences (-want +got):\n%s", diff)
	}
}

// TestMaskDifferencesRandomCount: objects without a counterpart in the
// other render are reported, from either side, and left out.
func TestMaskDifferencesRandomCount(t *testing.T) {
	two := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c0}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1}\n"
	three := two + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2}\n"
	out, d := MaskDifferences(mustParse(t, two), mustParse(t, three))
	if diff := cmp.Diff(Differences{OnlySecond: []string{"ConfigMap/c2"}}, d); diff != "" {
		t.Errorf("second has more (-want +got):\n%s", diff)
	}
	if len(out) != 2 {
		t.Errorf("output has %d objects, want 2", len(out))
	}
	out, d = MaskDifferences(mustParse(t, three), mustParse(t, two))
	if diff := cmp.Diff(Differences{OnlyFirst: []string{"ConfigMap/c2"}}, d); diff != "" {
		t.Errorf("first has more (-want +got):\n%s", diff)
	}
	if len(out) != 2 {
		t.Errorf("output has %d objects, want 2", len(out))
	}
}

// TestMaskDifferencesPartOfString: only the random part of a string is
// masked (Kaapana's cert-init-{{ randAlphaNum 3 | lower }} Job, the cookie
// secret inside oauth2-proxy.cfg), the rest stays readable, and the
// output does not depend on the draw.
func TestMaskDifferencesPartOfString(t *testing.T) {
	render := func(name, secret string) []Object {
		return mustParse(t, `apiVersion: v1
kind: ConfigMap
metadata: {name: cert-init-`+name+`, namespace: s}
data:
  oauth2-proxy.cfg: |
    provider = "oidc"
    cookie_secret = "`+secret+`"
    upstreams = ["http://app:8080/"]
`)
	}
	want := "provider = \"oidc\"\ncookie_secret = \"" + Varies + "\"\nupstreams = [\"http://app:8080/\"]\n"
	for _, draws := range [][4]string{
		{"x7q", "Q2hhbmdlTWU0", "k2p", "b3RoZXJTZWNyZXQ"},
		// base64 with '+' and '/' splits into different numbers of words:
		// everything between the common start and end is masked once.
		{"abc", "ab+cd/ef==", "zzz", "Zm9vYmFy"},
	} {
		out, d := MaskDifferences(render(draws[0], draws[1]), render(draws[2], draws[3]))
		if got := out[0].Name; got != "cert-init-"+Varies {
			t.Errorf("name %q, want cert-init-%s", got, Varies)
		}
		if got := out[0].Body["data"].(map[string]any)["oauth2-proxy.cfg"]; got != want {
			t.Errorf("cfg:\n%s\nwant:\n%s", got, want)
		}
		if len(d.Fields) != 2 {
			t.Errorf("differences %+v, want the name and the cfg", d.Fields)
		}
	}
}

func TestMaskString(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"same", "same", "same"},
		{"job-abc", "job-xyz", "job-" + Varies},
		// Draws sharing a first letter are masked whole, as any other.
		{"job-abc", "job-axy", "job-" + Varies},
		{"a-1-b-2", "a-3-b-4", "a-" + Varies + "-b-" + Varies},
		{"x: é1", "x: é2", "x: é" + Varies},
		{"pre a/b post", "pre c post", "pre " + Varies + " post"},
		// base64 draws: with or without '+' and '/', at any place, the
		// same single marker.
		{"ab+cd=", "ef+gh=", Varies},
		{"ab+cd=", "ef/gh=", Varies},
		{"ab+cd=", "efgh", Varies},
		{`x = "abcd=="`, `x = "efgh"`, `x = "` + Varies + `"`},
	} {
		if got := maskString(c.a, c.b); got != c.want {
			t.Errorf("maskString(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
