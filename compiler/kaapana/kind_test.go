package kaapana_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/internal/helmchart"
)

// `helm package` drops kaapana_type from Chart.yaml: a chart is the same
// kind read from its directory and from its archive, through an
// annotation or, for Kaapana's admin chart, its name.
func TestKindSurvivesPackaging(t *testing.T) {
	for _, tc := range []struct{ name, chartYAML, want string }{
		{"admin chart by name", "apiVersion: v1\nname: kaapana-admin-chart\nversion: 0.6.0\nkaapana_type: platform\n", kaapana.KindPlatform},
		{"annotation", "apiVersion: v2\nname: site-platform\nversion: 0.6.0\nannotations:\n  kaapana_type: platform\n", kaapana.KindPlatform},
		{"collection annotation", "apiVersion: v2\nname: bundle\nversion: 0.6.0\nannotations:\n  kaapana.ai/type: extension-collection\n", kaapana.KindCollection},
		{"nothing", "apiVersion: v2\nname: plain\nversion: 0.6.0\n", kaapana.KindOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(tc.chartYAML), 0o644); err != nil {
				t.Fatal(err)
			}
			fromDir, err := helmchart.LoadDir(dir, helmchart.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			archive, err := helmchart.Package(fromDir)
			if err != nil {
				t.Fatal(err)
			}
			fromArchive, err := helmchart.LoadArchiveBytes(archive, "x.tgz")
			if err != nil {
				t.Fatal(err)
			}
			for what, ch := range map[string]*helmchart.Chart{"directory": fromDir, "archive": fromArchive} {
				m, err := kaapana.Read(ch.Raw("Chart.yaml"), nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				if m.Kind != tc.want {
					t.Errorf("from the %s: kind %s, want %s", what, m.Kind, tc.want)
				}
			}
		})
	}
}
