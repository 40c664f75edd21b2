package helmchart

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/pono-gitops/pono/internal/safefs"
)

func writeChartFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A chart file linked to a host file outside the platform is refused with
// a message naming the link and its target; Helm's loader would read it.
func TestLoadDirRefusesLinksThatLeave(t *testing.T) {
	base := t.TempDir()
	platform := filepath.Join(base, "platform")
	secret := filepath.Join(base, "token")
	writeChartFile(t, secret, "hunter2")
	chart := filepath.Join(platform, "charts", "app")
	writeChartFile(t, filepath.Join(chart, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n")
	if err := os.Symlink(secret, filepath.Join(chart, "files.txt")); err != nil {
		t.Fatal(err)
	}
	_, err := LoadDir(chart, LoadOptions{Root: platform})
	var le *safefs.LinkError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a link error", err)
	}
	want := filepath.Join(platform, "charts/app/files.txt") + " is a symbolic link to " + secret + ", outside " + platform + ": refusing to follow it"
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}

	// A link that stays inside the platform directory is read, as Helm would.
	if err := os.Remove(filepath.Join(chart, "files.txt")); err != nil {
		t.Fatal(err)
	}
	writeChartFile(t, filepath.Join(platform, "shared", "files.txt"), "shared")
	if err := os.Symlink("../../shared/files.txt", filepath.Join(chart, "files.txt")); err != nil {
		t.Fatal(err)
	}
	ch, err := LoadDir(chart, LoadOptions{Root: platform})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(ch.Raw("files.txt")); got != "shared" {
		t.Errorf("files.txt = %q, want the linked file's content", got)
	}
	// Without a root the chart directory itself is the boundary.
	if _, err := LoadDir(chart, LoadOptions{}); !errors.Is(err, safefs.ErrEscapes) {
		t.Errorf("root = chart dir: got %v, want the link refused", err)
	}
}

// A file:// dependency that leaves the root is refused too.
func TestLoadDirDependencyOutside(t *testing.T) {
	base := t.TempDir()
	platform := filepath.Join(base, "platform")
	writeChartFile(t, filepath.Join(base, "lib", "Chart.yaml"), "apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n")
	chart := filepath.Join(platform, "app")
	writeChartFile(t, filepath.Join(chart, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 1.0.0\n  repository: file://../../lib\n")
	_, err := LoadDir(chart, LoadOptions{Root: platform})
	want := "chart " + chart + `: dependency "lib": file://../../lib is outside ` + platform
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// Loading through safefs gives the same files as Helm's own loader for a
// chart without links: .helmignore and Helm's default rules applied.
func TestLoadDirMatchesHelm(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"Chart.yaml":             "apiVersion: v2\nname: demo\nversion: 1.2.3\n",
		"values.yaml":            "a: 1\n",
		".helmignore":            "*.bak\nscratch/\n",
		"templates/cm.yaml":      "kind: ConfigMap\n",
		"templates/.hidden.yaml": "kind: Secret\n",
		"templates/x.bak":        "old",
		"scratch/n.txt":          "n",
		"files/bom.txt":          "\xEF\xBB\xBFtext",
	} {
		writeChartFile(t, filepath.Join(dir, name), content)
	}
	helm, err := loader.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := LoadDir(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dirDigest(ch.c, nil), dirDigest(helm, nil); got != want {
		var names []string
		for _, f := range ch.c.Raw {
			names = append(names, f.Name)
		}
		t.Errorf("digest %s, Helm's loader gives %s (files %v)", got, want, names)
	}
}

// A dependency with no repository that is not vendored says so, without an
// empty repository in the sentence.
func TestLoadDirDependencyWithoutRepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 1.0.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadDir(dir, LoadOptions{})
	want := `chart ` + dir + `: dependency "lib": it names no repository and is not vendored under charts/ (vendor it with helm dependency build, or point it at a local chart with file://)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// A dependency constraint only a stamped 0.0.0 could satisfy says that the
// build version is what is missing.
func TestLoadDirUnsetDependencyVersion(t *testing.T) {
	root := t.TempDir()
	writeChartFile(t, filepath.Join(root, "lib", "Chart.yaml"), "apiVersion: v2\nname: lib\nversion: 0.0.0\n")
	writeChartFile(t, filepath.Join(root, "app", "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: ^0.6.0\n  repository: file://../lib\n")
	_, err := LoadDir(filepath.Join(root, "app"), LoadOptions{Root: root})
	want := `dependency "lib": version 0.0.0 does not satisfy "^0.6.0": Kaapana's charts say 0.0.0 until its build stamps them, and the source has no buildVersion to stamp`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if _, err := LoadDir(filepath.Join(root, "app"), LoadOptions{Root: root, BuildVersion: "0.6.1"}); err != nil {
		t.Errorf("with a build version: %v", err)
	}
}
