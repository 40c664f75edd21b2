package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
)

// TestCheckSeesListItemsOnce: items of a List are checked and named with
// their List; the same violation in both renders is reported once, and
// one only the second render has is still reported.
func TestCheckSeesListItemsOnce(t *testing.T) {
	render := func(privileged string) []manifest.Object {
		objs, err := manifest.Parse(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers:
    - name: c
      securityContext: {privileged: `+privileged+`}
`, "x/templates/l.yaml", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		return objs
	}
	in := Input{ReleaseNamespace: "services", AdminNamespace: "admin", Scopes: manifest.NewScopes(nil)}
	in.Objects = append(render("false"), render("true")...)
	in.Objects = append(in.Objects, render("true")...)
	want := []Violation{{
		Object: "Pod/services/p (an item of a List in x/templates/l.yaml)",
		Rule:   Privileged,
		Detail: `container "c" sets securityContext.privileged: true`,
	}}
	if diff := cmp.Diff(want, Check(in)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}
