package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/helmchart"
)

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPathSources(t *testing.T) {
	ctx := context.Background()
	platform := t.TempDir()
	// A Kaapana-style extensions cache: packaged charts named <name>-<version>.tgz.
	cache := filepath.Join(platform, "extensions")
	for _, v := range []string{"1.0.0", "1.2.0"} {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cache, "app-"+v+".tgz"), packageChart(t, "app", v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A chart directory with Kaapana's 0.0.0 version and a 0.0.0 file:// library.
	dev := filepath.Join(platform, "dev")
	writeFile(t, filepath.Join(dev, "lib", "Chart.yaml"), "apiVersion: v2\nname: lib\ntype: library\nversion: 0.0.0\n")
	writeFile(t, filepath.Join(dev, "tool", "Chart.yaml"), "apiVersion: v2\nname: tool\nversion: 0.0.0\ndependencies:\n- name: lib\n  version: 0.0.0\n  repository: file://../lib\n")
	writeFile(t, filepath.Join(dev, "tool", "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: services}\n")

	tests := []struct {
		name    string
		src     spec.Source
		chart   string
		cons    string
		want    string
		loc     string
		wantErr string
	}{
		{name: "cache dir picks highest", src: spec.Source{Path: "extensions"}, chart: "app", cons: "^1", want: "1.2.0", loc: "extensions/app-1.2.0.tgz"},
		{name: "cache dir exact", src: spec.Source{Path: "extensions"}, chart: "app", cons: "1.0.0", want: "1.0.0", loc: "extensions/app-1.0.0.tgz"},
		{name: "single archive", src: spec.Source{Path: "extensions/app-1.0.0.tgz"}, chart: "app", cons: "*", want: "1.0.0", loc: "extensions/app-1.0.0.tgz"},
		{name: "build version stamps 0.0.0", src: spec.Source{Path: "dev", BuildVersion: "0.6.1"}, chart: "tool", cons: "0.6.1", want: "0.6.1", loc: "dev/tool"},
		{name: "single chart dir", src: spec.Source{Path: "dev/tool", BuildVersion: "0.6.1"}, chart: "tool", cons: "~0.6", want: "0.6.1", loc: "dev/tool"},
		{name: "unknown chart", src: spec.Source{Path: "extensions"}, chart: "nope", cons: "*", wantErr: `chart "nope" not found in extensions (charts there: app)`},
		{name: "missing path", src: spec.Source{Path: "missing"}, chart: "app", cons: "*", wantErr: "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Options{PlatformDir: platform})
			got, err := r.Resolve(ctx, Request{SourceName: "s", Source: tc.src, Chart: tc.chart, Constraint: tc.cons})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Entry.Version != tc.want || got.Chart.Version() != tc.want {
				t.Errorf("version = %s (chart says %s), want %s", got.Entry.Version, got.Chart.Version(), tc.want)
			}
			if got.Entry.Location != tc.loc {
				t.Errorf("location = %q, want %q", got.Entry.Location, tc.loc)
			}
		})
	}

	// The file:// library is resolved as a subchart without writing into dev/.
	r := New(Options{PlatformDir: platform})
	got, err := r.Resolve(ctx, Request{SourceName: "s", Source: spec.Source{Path: "dev", BuildVersion: "0.6.1"}, Chart: "tool", Constraint: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if deps := got.Chart.Dependencies(); len(deps) != 1 || deps[0] != "lib" {
		t.Errorf("dependencies = %v, want [lib]", deps)
	}
	if _, err := os.Stat(filepath.Join(dev, "tool", "charts")); !os.IsNotExist(err) {
		t.Errorf("resolving wrote charts/ into the chart directory (stat err %v)", err)
	}
	// Archives are digested by their bytes, directories canonically.
	b, _ := os.ReadFile(filepath.Join(cache, "app-1.0.0.tgz"))
	a, err := New(Options{PlatformDir: platform}).Resolve(ctx, Request{SourceName: "s", Source: spec.Source{Path: "extensions"}, Chart: "app", Constraint: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Entry.Digest != helmchart.ArchiveDigest(b) {
		t.Errorf("archive digest %s, want %s", a.Entry.Digest, helmchart.ArchiveDigest(b))
	}
}
