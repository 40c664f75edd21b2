package source

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/test/testenv"
)

// Every chart of Kaapana's source tree resolves from the tree as it is:
// name-only and stale file:// dependencies found by name, 0.0.0 stamped,
// library charts refused as extensions, Helm's warnings as Problems.
func TestKaapanaSourceTree(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	r := New(Options{PlatformDir: tree})
	src := spec.Source{Path: ".", BuildVersion: "0.6.0"}
	sp, err := r.locate(src)
	if err != nil {
		t.Fatal(err)
	}
	index, err := r.scanPath(sp, src.BuildVersion)
	if err != nil {
		t.Fatal(err)
	}
	if len(index.charts) < 55 {
		t.Errorf("found %d charts, want every chart of the tree", len(index.charts))
	}
	for name := range index.charts {
		res, err := r.Resolve(context.Background(), Request{SourceName: "kaapana", Source: src, Chart: name, Constraint: "0.6.0"})
		if name == "workflow-helpers" { // kaapana-library-chart is apiVersion v1, installable as far as Helm knows
			if err == nil || !strings.Contains(err.Error(), "library charts are not installable") {
				t.Errorf("%s: got %v, want it refused as a library chart", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if res.Chart.Version() != "0.6.0" {
			t.Errorf("%s: version %s", name, res.Chart.Version())
		}
	}
	loki := filepath.Join(tree, "services/monitoring/loki/loki-chart/requirements.yaml")
	want := []string{loki + `: warning: chart loki-promtail-chart: Helm says: Dependencies are handled in Chart.yaml since apiVersion "v2". We recommend migrating dependencies to Chart.yaml.`}
	if diff := cmp.Diff(want, problemStrings(r)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// BenchmarkScanKaapanaTree is one scan of the whole Kaapana source tree:
// what a compile pays once per path source.
func BenchmarkScanKaapanaTree(b *testing.B) {
	tree := testenv.SharedDir(b, "kaapana-src")
	r := New(Options{PlatformDir: tree})
	sp, err := r.locate(spec.Source{Path: "."})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := r.scanPath(sp, "0.6.0"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveKaapanaPlatformChart loads kaapana-platform-chart with
// its whole dependency closure found by name in the tree.
func BenchmarkResolveKaapanaPlatformChart(b *testing.B) {
	tree := testenv.SharedDir(b, "kaapana-src")
	src := spec.Source{Path: ".", BuildVersion: "0.6.0"}
	for b.Loop() {
		r := New(Options{PlatformDir: tree})
		if _, err := r.Resolve(context.Background(), Request{SourceName: "k", Source: src, Chart: "kaapana-platform-chart", Constraint: "0.6.0"}); err != nil {
			b.Fatal(err)
		}
	}
}
