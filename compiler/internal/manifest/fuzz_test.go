package manifest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// internals are fragments that must never reach a user: Go type names,
// stack traces.
var internals = []string{"interface {}", "map[string]", "[]interface", "goroutine ", "panic:", "runtime.", "*unstructured", "Go value of type", "Go struct field"}

// FuzzParseManifests: whatever a template renders, Parse ends quickly,
// without a panic, with a readable message or objects that survive the
// canonical round trip unchanged in identity, hook status and origin.
func FuzzParseManifests(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/golden/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, s := range ar.Files {
			if strings.HasPrefix(s.Name, "out/manifests/") || strings.Contains(s.Name, "/templates/") {
				f.Add(string(s.Data), false)
			}
		}
	}
	for _, seed := range []string{
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: x}\n",
		"apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n- {}\n",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: [{apiVersion: v1, kind: Pod}]\n",
		"apiVersion: v1\nkind: ConfigMap\nitems: null\n--- # c\n---\n",
		"---\n# Source: a\n# pono: item of a \"List\", hook \"pre-install\"\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
		"a: &a [*a, *a]\n",
		"- 1\n- 2\n",
	} {
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, in string, hook bool) {
		for _, doc := range docSep.Split(in, -1) {
			checkUnmarshal(t, []byte(doc)) // the direct YAML decoding equals the JSON detour
		}
		start := time.Now()
		objs, err := Parse(in, "c/templates/t.yaml", hook, nil)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("Parse took %v for %d bytes", d, len(in))
		}
		if _, cerr := ParseCanonical(in); cerr != nil {
			checkMessage(t, cerr.Error())
		}
		if err != nil {
			checkMessage(t, err.Error())
			return
		}
		for _, o := range objs {
			if o.Kind == "" || o.APIVersion == "" {
				t.Fatalf("object without kind or apiVersion: %+v", o)
			}
		}
		for _, o := range objs {
			check(t, o.Body) // the direct YAML encoding equals the JSON detour
		}
		canon, err := Canonical(objs)
		if err != nil {
			checkMessage(t, err.Error())
			return
		}
		back, err := ParseCanonical(string(canon))
		if err != nil {
			t.Fatalf("canonical output does not parse: %v\n%s", err, canon)
		}
		if len(back) != len(objs) {
			t.Fatalf("round trip: %d objects, then %d\n%s", len(objs), len(back), canon)
		}
		for i := range objs {
			a, b := objs[i], back[i]
			// Helm's hooks carry their annotation (that is how Helm found
			// them); a document passed as a hook without one has nothing
			// to keep its hook status in the canonical file.
			_, annotated := annotation(a.Body, hookAnnotation)
			hookKept := a.Hook == b.Hook || (hook && a.List == "" && !annotated)
			if a.ID() != b.ID() || !hookKept || a.List != b.List || a.Source != b.Source {
				t.Fatalf("round trip changed object %d: %+v -> %+v\n%s", i, summarise(objs[i:i+1]), summarise(back[i:i+1]), canon)
			}
		}
	})
}

func checkMessage(t *testing.T, msg string) {
	t.Helper()
	if strings.TrimSpace(msg) == "" {
		t.Fatal("empty error message")
	}
	for _, s := range internals {
		if strings.Contains(msg, s) {
			t.Fatalf("message shows internals (%q): %s", s, msg)
		}
	}
}
