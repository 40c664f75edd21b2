package compiler_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/testenv"
)

// packageChart writes the chart directory dir as `helm package` would:
// a gzipped tar of <name>/..., dependencies vendored under charts/.
func packageChart(t *testing.T, dir, name, dst string) {
	t.Helper()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if err := tw.WriteHeader(&tar.Header{Name: name + "/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{tw, zw, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCheckChart: a real Kaapana extension chart, packaged from the source
// tree, passes as an extension of a platform with Kaapana's globals; a
// chart with a privileged container is refused by the policy.
func TestCheckChart(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	charts := treeCharts(t, tree)
	dir := t.TempDir()
	vendorLikeKaapana(t, charts, charts["code-server-chart"], filepath.Join(dir, "code-server"))
	good := filepath.Join(dir, "code-server-chart-0.6.0.tgz")
	packageChart(t, filepath.Join(dir, "code-server"), "code-server-chart", good)

	g, _ := yaml.Marshal(kaapanaGlobals)
	plat := filepath.Join(dir, "platform")
	if err := os.MkdirAll(plat, 0o755); err != nil {
		t.Fatal(err)
	}
	p := fmt.Sprintf("name: lab\nkubernetes:\n  version: v1.33.0\nglobals:\n%s\n", indent(string(g)))
	if err := os.WriteFile(filepath.Join(plat, "platform.yaml"), []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
	c := compiler.NewCompile(&compiler.Config{CacheDir: t.TempDir()})
	res, err := c.CheckChart(context.Background(), plat, good)
	if err != nil {
		t.Fatalf("code-server-chart: %v", err)
	}
	rel, ok := res.Release("code-server-chart")
	if !ok || rel.Chart.Version != "0.6.0" || rel.Kind != "application" || len(res.Manifests["code-server-chart"]) == 0 {
		t.Errorf("release %+v (found %v), %d bytes of manifests", rel, ok, len(res.Manifests["code-server-chart"]))
	}

	bad := filepath.Join(dir, "bad")
	files := map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: bad-chart\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: services}\n" +
			"spec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    securityContext: {privileged: true}\n",
	}
	for n, b := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(bad, n)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bad, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	badTgz := filepath.Join(dir, "bad-chart-1.0.0.tgz")
	packageChart(t, bad, "bad-chart", badTgz)
	_, err = c.CheckChart(context.Background(), "", badTgz)
	want := badTgz + ": release bad-chart: Pod/services/bad violates rule privileged"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("bad chart: %v, want %q", err, want)
	}
	t.Log(err)
}
