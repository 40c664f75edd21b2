package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestObjectDiffsSeeListItems: a manifest Helm stored with a List and the
// compiler's canonical file, which writes the items one by one, describe
// the same objects; a changed item is reported as that item.
func TestObjectDiffsSeeListItems(t *testing.T) {
	stored := `---
# Source: c/templates/list.yaml
apiVersion: v1
kind: ConfigMapList
items:
- metadata: {name: a, namespace: s}
  data: {k: "1"}
- metadata: {name: b, namespace: s}
`
	same := `---
# Source: c/templates/list.yaml
# pono: item of a "ConfigMapList"
apiVersion: v1
data:
  k: "1"
kind: ConfigMap
metadata:
  name: a
  namespace: s
---
# Source: c/templates/list.yaml
# pono: item of a "ConfigMapList"
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  namespace: s
`
	got, err := ObjectDiffs([]byte(stored), []byte(same), newMasker())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("same objects, diffs: %+v", got)
	}
	changed := `---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a, namespace: s}
  data: {k: "2"}
`
	got, err = ObjectDiffs([]byte(stored), []byte(changed), newMasker())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range got {
		ids = append(ids, d.Change+" "+d.ID)
	}
	if diff := cmp.Diff([]string{"changed ConfigMap/s/a", "removed ConfigMap/s/b"}, ids); diff != "" {
		t.Errorf("diffs (-want +got):\n%s", diff)
	}
}
