package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/internal/spec"
)

// A Kaapana-style source tree: charts at any depth, dependencies by name
// only, stale and absolute file:// paths, vendored copies and hidden
// directories that a scan must not take for the tree's charts.
func kaapanaTree(t *testing.T) string {
	t.Helper()
	platform := t.TempDir()
	tree := filepath.Join(platform, "kaapana")
	writeFile(t, filepath.Join(tree, "services/utils/lib-chart/Chart.yaml"), "apiVersion: v1\nname: lib-chart\nversion: 0.0.0\n")
	writeFile(t, filepath.Join(tree, "services/utils/lib-chart/templates/_h.tpl"), `{{- define "lib.name" }}from-lib{{ end }}`)
	writeFile(t, filepath.Join(tree, "services/base/app/app-chart/Chart.yaml"), "apiVersion: v1\nname: app-chart\nversion: 0.0.0\n")
	writeFile(t, filepath.Join(tree, "services/base/app/app-chart/requirements.yaml"), "dependencies:\n- name: lib-chart\n  version: 0.0.0\n- name: dep-chart\n  version: 0.0.0\n  repository: file://../../../moved/dep-chart\n")
	writeFile(t, filepath.Join(tree, "services/base/app/app-chart/templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ include \"lib.name\" . }}'}\n")
	writeFile(t, filepath.Join(tree, "services/base/app/app-chart/charts/vendored/Chart.yaml"), "apiVersion: v1\nname: vendored-chart\nversion: 0.0.0\n")
	writeFile(t, filepath.Join(tree, "services/dep-chart/Chart.yaml"), "apiVersion: v1\nname: dep-chart\nversion: 0.0.0\n")
	writeFile(t, filepath.Join(tree, ".git/lib-chart/Chart.yaml"), "apiVersion: v1\nname: lib-chart\nversion: 0.0.0\n")
	return platform
}

func TestSourceTreeByName(t *testing.T) {
	platform := kaapanaTree(t)
	r := New(Options{PlatformDir: platform})
	src := spec.Source{Path: "kaapana", BuildVersion: "0.6.0"}
	res, err := r.Resolve(context.Background(), Request{SourceName: "k", Source: src, Chart: "app-chart", Constraint: "0.6.0"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"vendored-chart", "lib-chart", "dep-chart"}, res.Chart.Dependencies()); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	// A vendored copy is the chart's, not one of the tree's.
	_, err = r.Resolve(context.Background(), Request{SourceName: "k", Source: src, Chart: "vendored-chart", Constraint: "*"})
	if err == nil || !strings.Contains(err.Error(), "charts there: app-chart, dep-chart, lib-chart)") {
		t.Errorf("vendored chart: got %v", err)
	}
	if res.Entry.Location != "kaapana/services/base/app/app-chart" || res.Chart.Version() != "0.6.0" {
		t.Errorf("entry %+v", res.Entry)
	}
	if p := problemStrings(r); len(p) != 0 {
		t.Errorf("problems: %q", p)
	}
}

// An absolute file:// path is absolute, as helm dependency build reads it,
// not joined to the chart's directory.
func TestSourceTreeAbsoluteFileDependency(t *testing.T) {
	platform := kaapanaTree(t)
	dep := filepath.Join(platform, "kaapana/services/dep-chart")
	writeFile(t, filepath.Join(platform, "kaapana/services/base/app/app-chart/requirements.yaml"), "dependencies:\n- name: dep-chart\n  version: 0.0.0\n  repository: file://"+dep+"\n")
	res, err := New(Options{PlatformDir: platform}).Resolve(context.Background(), Request{SourceName: "k", Source: spec.Source{Path: "kaapana", BuildVersion: "0.6.0"}, Chart: "app-chart", Constraint: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"vendored-chart", "dep-chart"}, res.Chart.Dependencies()); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}

func TestSourceTreeErrors(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(t *testing.T, tree string)
		chart   string
		build   string
		wantErr string
		probs   []string
	}{
		{
			name:    "0.0.0 without buildVersion",
			chart:   "app-chart",
			wantErr: `chart "app-chart" in kaapana has version 0.0.0, which "0.6.0" does not allow: Kaapana's charts say 0.0.0 until its build stamps them, and source "k" has no buildVersion: set sources.k.buildVersion to the version its build would stamp`,
		},
		{
			name:    "unknown dependency name",
			edit:    func(t *testing.T, tree string) { os.RemoveAll(filepath.Join(tree, "services/dep-chart")) },
			chart:   "app-chart",
			build:   "0.6.0",
			wantErr: `dependency "dep-chart": no chart named "dep-chart" in the source, and it is not vendored under charts/`,
		},
		{
			name: "duplicate name",
			edit: func(t *testing.T, tree string) {
				writeFile(t, filepath.Join(tree, "other/lib-chart/Chart.yaml"), "apiVersion: v1\nname: lib-chart\nversion: 0.0.0\n")
			},
			chart:   "lib-chart",
			build:   "0.6.0",
			wantErr: `chart "lib-chart" is in kaapana twice`,
			probs:   []string{"{tree}/services/utils/lib-chart/Chart.yaml: chart lib-chart 0.6.0 is also at {tree}/other/lib-chart: chart names must be unique in a source, or a dependency by name could mean either"},
		},
		{
			name: "library chart",
			edit: func(t *testing.T, tree string) {
				writeFile(t, filepath.Join(tree, "services/utils/lib-chart/Chart.yaml"), "apiVersion: v2\nname: lib-chart\ntype: library\nversion: 0.0.0\n")
			},
			chart:   "lib-chart",
			build:   "0.6.0",
			wantErr: "chart lib-chart is a library chart (type: library), and library charts are not installable: it can only be a dependency of another chart",
		},
		{
			name: "helm warning",
			edit: func(t *testing.T, tree string) {
				writeFile(t, filepath.Join(tree, "services/base/app/app-chart/Chart.yaml"), "apiVersion: v2\nname: app-chart\nversion: 0.0.0\n")
			},
			chart: "app-chart",
			build: "0.6.0",
			probs: []string{`{tree}/services/base/app/app-chart/requirements.yaml: warning: chart app-chart: Helm says: Dependencies are handled in Chart.yaml since apiVersion "v2". We recommend migrating dependencies to Chart.yaml.`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			platform := kaapanaTree(t)
			tree := filepath.Join(platform, "kaapana")
			if tc.edit != nil {
				tc.edit(t, tree)
			}
			r := New(Options{PlatformDir: platform})
			_, err := r.Resolve(context.Background(), Request{SourceName: "k", Source: spec.Source{Path: "kaapana", BuildVersion: tc.build}, Chart: tc.chart, Constraint: "0.6.0"})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got %v\nwant %s", err, tc.wantErr)
			}
			var want []string
			for _, p := range tc.probs {
				want = append(want, strings.ReplaceAll(p, "{tree}", tree))
			}
			if diff := cmp.Diff(want, problemStrings(r)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
