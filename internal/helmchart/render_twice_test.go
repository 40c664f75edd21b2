package helmchart

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRenderTwice: a chart that renders the same way twice gives the same
// result as Render, once (same pointer); one that does not gives two
// results that each match what Render gives.
func TestRenderTwice(t *testing.T) {
	ctx := context.Background()
	opts := RenderOptions{ReleaseName: "r", Namespace: "ns", KubeVersion: "v1.36.3", Values: map[string]any{"colour": "red"}}

	ch := parityChart(t, ">=1.20.0-0")
	first, second, err := RenderTwice(ctx, ch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("identical renders gave two results")
	}
	want, err := Render(ctx, ch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, first); d != "" {
		t.Errorf("RenderTwice's first differs from Render (-want +got):\n%s", d)
	}

	dir := t.TempDir()
	writeChartFile(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: rand\nversion: 1.0.0\n")
	writeChartFile(t, filepath.Join(dir, "templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  token: {{ randAlphaNum 32 | quote }}\n")
	rnd, err := LoadDir(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first, second, err = RenderTwice(ctx, rnd, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first == second || first.Manifest == second.Manifest {
		t.Fatalf("a random value rendered the same twice:\n%s", first.Manifest)
	}
	if len(first.Manifest) != len(second.Manifest) {
		t.Errorf("renders differ in more than the token:\n%s\n%s", first.Manifest, second.Manifest)
	}

	if _, _, err := RenderTwice(ctx, ch, RenderOptions{ReleaseName: "Bad_Name", KubeVersion: "v1.36.3"}); err == nil {
		t.Error("a bad release name rendered")
	}
}
