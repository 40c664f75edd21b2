package plan

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestObjectsMatchManifests: what the compiler read of each release's
// objects (Result.Objects, which planning uses) summarises to the same
// Resources as parsing the release's compiled manifest, for every platform
// of the compiler's goldens that compiles.
func TestObjectsMatchManifests(t *testing.T) {
	files, err := filepath.Glob("../compiler/testdata/golden/good-*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no compiler goldens found (%v)", err)
	}
	releases := 0
	for _, file := range append(files, "kinds") {
		ar := txtar.Parse([]byte(kindsPlatform))
		if file != "kinds" {
			if ar, err = txtar.ParseFile(file); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		goldentest.WriteFiles(t, ar, dir, func(name string) bool { return strings.HasPrefix(name, "out/") })
		res, err := compiler.NewCompile(&compiler.Config{}).Run(context.Background(), dir)
		if err != nil && file == "kinds" {
			t.Fatalf("kinds platform: %v", err)
		}
		if err != nil {
			continue // a golden of an environment overlay or an error
		}
		for _, r := range res.Releases {
			want, err := Inspect(res.Manifests[r.Name])
			if err != nil {
				t.Fatalf("%s: release %s: %v", file, r.Name, err)
			}
			objs, ok := res.Objects[r.Name]
			if !ok {
				t.Fatalf("%s: release %s has no Objects", file, r.Name)
			}
			if d := cmp.Diff(want, ResourcesOf(objs)); d != "" {
				t.Errorf("%s: release %s (-manifest +objects):\n%s", file, r.Name, d)
			}
			if file == "kinds" && (len(want.CRDs) != 2 || len(want.Namespaces) != 1) {
				t.Errorf("kinds platform: CRDs %v, Namespaces %v; want Gadget and Widget, project-x", want.CRDs, want.Namespaces)
			}
			releases++
		}
	}
	if releases < 10 {
		t.Fatalf("only %d releases compared", releases)
	}
}

// kindsPlatform has what the goldens lack: a CRD from crds/ and one in a
// List, a Namespace, a custom resource and a hook.
const kindsPlatform = `-- platform.yaml --
name: t
sources:
  local:
    path: charts
extensions:
  op:
    version: "1.0.0"
policy:
  allow:
    op: [cluster-scoped]
-- charts/op/Chart.yaml --
apiVersion: v2
name: op
version: 1.0.0
-- charts/op/crds/widget.yaml --
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.org}
spec: {group: example.org, names: {kind: Widget, plural: widgets}, scope: Namespaced}
-- charts/op/templates/all.yaml --
apiVersion: v1
kind: Namespace
metadata: {name: project-x}
---
apiVersion: v1
kind: List
items:
- apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata: {name: gadgets.example.org}
  spec: {group: example.org, names: {kind: Gadget, plural: gadgets}, scope: Namespaced}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c, namespace: services}
---
apiVersion: example.org/v1
kind: Widget
metadata: {name: w, namespace: project-x}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: services
  annotations: {helm.sh/hook: pre-install}
`
