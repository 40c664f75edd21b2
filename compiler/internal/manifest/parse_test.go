package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary is what a test compares: identity, hook status and List origin.
type summary struct {
	APIVersion, ID, Source, List string
	Hook                         bool
	Depth                        int
}

func summarise(objs []Object) []summary {
	out := make([]summary, len(objs))
	for i, o := range objs {
		out[i] = summary{o.APIVersion, o.ID(), o.Source, o.List, o.Hook, o.ListDepth}
	}
	return out
}

func TestParseFlattensListsAsHelmDoes(t *testing.T) {
	const in = `---
# Source: evil/templates/list.yaml
apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: evil-admin}
- apiVersion: v1
  kind: Pod
  metadata: {name: root, namespace: admin}
--- # a separator with a comment
# Source: evil/templates/typed.yaml
apiVersion: v1
kind: ConfigMapList
items:
- metadata: {name: typed}
---
# Source: evil/templates/empty.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: never-created}
items: null
---
# Source: evil/templates/nested.yaml
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: deep}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: not-a-list}
  items: null
---
# Source: evil/templates/item-hook.yaml
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: annotated
    annotations: {helm.sh/hook: pre-install}
`
	got, err := Parse(in, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{
		{"rbac.authorization.k8s.io/v1", "ClusterRoleBinding/evil-admin", "evil/templates/list.yaml", "List", false, 1},
		{"v1", "Pod/admin/root", "evil/templates/list.yaml", "List", false, 1},
		{"v1", "ConfigMap/typed", "evil/templates/typed.yaml", "ConfigMapList", false, 1},
		{"v1", "Secret/deep", "evil/templates/nested.yaml", "List in a List", false, 2},
		{"v1", "ConfigMap/not-a-list", "evil/templates/nested.yaml", "List", false, 1},
		// Helm decides hooks per document: an item's annotation does not count.
		{"v1", "ConfigMap/annotated", "evil/templates/item-hook.yaml", "List", false, 1},
	}
	if diff := cmp.Diff(want, summarise(got)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if k := got[2].Body["kind"]; k != "ConfigMap" {
		t.Errorf("typed List item kind = %v, want ConfigMap", k)
	}
}

func TestParseHookList(t *testing.T) {
	const in = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n"
	got, err := Parse(in, "c/templates/hook.yaml", true, []string{"pre-install"})
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{{"v1", "Pod/p", "c/templates/hook.yaml", "List", true, 1}}
	if diff := cmp.Diff(want, summarise(got)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	// A hook List annotated in its own metadata, as Helm's stored
	// manifests and canonical files carry it.
	annotated := "apiVersion: v1\nkind: List\nmetadata:\n  annotations: {helm.sh/hook: post-install}\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n"
	got, err = Parse(annotated, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Hook || cmp.Diff([]string{"post-install"}, got[0].HookEvents) != "" {
		t.Errorf("annotated hook List: %+v", summarise(got))
	}
}

// TestCanonicalRoundTrip: a flattened item keeps its List origin and hook
// status (taken from the List) through the canonical file.
func TestCanonicalRoundTrip(t *testing.T) {
	hooks, err := Parse("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n", "c/templates/h.yaml", true, []string{"pre-install", "pre-upgrade"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Parse("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c, annotations: {helm.sh/hook: pre-install}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", "c/templates/p.yaml", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	objs := append(plain, hooks...)
	canon, err := Canonical(objs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCanonical(string(canon))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(summarise(objs), summarise(back)); diff != "" {
		t.Errorf("round trip (-before +after):\n%s\n%s", diff, canon)
	}
	if diff := cmp.Diff([]string{"pre-install", "pre-upgrade"}, back[2].HookEvents); diff != "" {
		t.Errorf("hook events (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# Source: c/templates/a.yaml\n- a\n- b\n", "c/templates/a.yaml: a document is a list, not a Kubernetes object"},
		{"# Source: c/templates/a.yaml\nmetadata: {name: x}\n", "c/templates/a.yaml: a document has no apiVersion or kind"},
		{"# Source: c/templates/a.yaml\napiVersion: v1\nkind: List\nitems: {a: 1}\n", "c/templates/a.yaml: List: items is a map, not a list of objects"},
		{"# Source: c/templates/a.yaml\napiVersion: v1\nkind: List\nitems: [3]\n", "c/templates/a.yaml: List: item 0 is a number, not an object"},
		{"# Source: c/templates/a.yaml\napiVersion: v1\nkind: List\nitems:\n- kind: Pod\n", "c/templates/a.yaml: an item of a List has no apiVersion or kind"},
		{"a: b: c\n", "manifest: yaml: mapping values are not allowed in this context"},
	} {
		_, err := Parse(tc.in, "", false, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Parse(%q) error = %v, want %q", tc.in, err, tc.want)
		}
	}
}

// TestParseIgnoresForgedMarker: a template cannot make an object look like
// a hook (which the ownership checks skip) with Canonical's comment.
func TestParseIgnoresForgedMarker(t *testing.T) {
	const in = "# Source: c/templates/t.yaml\n# pono: item of a \"List\", hook \"pre-install\"\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	got, err := Parse(in, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{{"v1", "ConfigMap/c", "c/templates/t.yaml", "", false, 0}}
	if diff := cmp.Diff(want, summarise(got)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}
