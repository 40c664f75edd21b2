package helmchart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"Chart.yaml":             {Data: []byte("apiVersion: v2\nname: demo\nversion: 1.2.3\n")},
		"values.yaml":            {Data: []byte("greeting: hello\n")},
		".helmignore":            {Data: []byte("*.bak\nscratch/\n")},
		"templates/cm.yaml":      {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {g: {{ .Values.greeting }}}\n")},
		"templates/_helpers.tpl": {Data: []byte("{{/* nothing */}}\n")},
		"templates/old.yaml.bak": {Data: []byte("ignored")},
		"scratch/notes.txt":      {Data: []byte("ignored")},
		"files/with-bom.txt":     {Data: []byte("\xEF\xBB\xBFtext")},
	}
	ch, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Name() != "demo" || ch.Version() != "1.2.3" {
		t.Errorf("chart = %s %s, want demo 1.2.3", ch.Name(), ch.Version())
	}
	if diff := cmp.Diff(map[string]any{"greeting": "hello"}, ch.Values()); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	var templates []string
	for _, f := range ch.c.Templates {
		templates = append(templates, f.Name)
	}
	if diff := cmp.Diff([]string{"templates/_helpers.tpl", "templates/cm.yaml"}, templates); diff != "" {
		t.Errorf("templates, .helmignore applied (-want +got):\n%s", diff)
	}
	if got := string(ch.Raw("files/with-bom.txt")); got != "text" {
		t.Errorf("files/with-bom.txt = %q, want the byte order mark stripped", got)
	}
	if ch.Raw("scratch/notes.txt") != nil {
		t.Error("scratch/ is in .helmignore but was loaded")
	}
}

// The same chart loaded from a directory and from an fs.FS has the same
// digest, so a chart embedded in the binary and the one in the repository
// are recognised as one.
func TestLoadFSDigestMatchesLoadDir(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: demo\nversion: 1.0.0\n",
		"values.yaml":       "a: 1\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromDir, err := LoadDir(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fromFS, err := LoadFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if fromDir.Digest != fromFS.Digest {
		t.Errorf("digest from LoadFS = %s, from LoadDir = %s", fromFS.Digest, fromDir.Digest)
	}
}

func TestLoadFSErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"no Chart.yaml", fstest.MapFS{"values.yaml": {Data: []byte("a: 1\n")}}, "Chart.yaml file is missing"},
		{"unvendored dependency", fstest.MapFS{
			"Chart.yaml": {Data: []byte("apiVersion: v2\nname: demo\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  repository: file://../sub\n")},
		}, `dependency "sub" is not vendored`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadFS error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
