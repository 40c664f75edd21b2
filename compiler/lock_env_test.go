package compiler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// One pono.lock serves every environment: an environment whose source
// resolves a chart differently (another path, another chart content) gets
// entries of its own, so --locked holds for the base and for each
// environment, whichever was compiled last.
func TestLockSeveralEnvironments(t *testing.T) {
	dir := t.TempDir()
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: services}\ndata: {from: %s}\n"
	writeTree(t, dir, map[string]string{
		"platform.yaml":                     "name: demo\nsources:\n  local:\n    path: charts\nextensions:\n  app:\n    version: ^1\n  other:\n    version: 1.0.0\n",
		"environments/next/next.yaml":       "sources:\n  local:\n    path: next-charts\n",
		"environments/same/same.yaml":       "globals:\n  instance_name: same\n",
		"charts/app/Chart.yaml":             "apiVersion: v2\nname: app\nversion: 1.0.0\n",
		"charts/app/templates/cm.yaml":      strings.ReplaceAll(cm, "%s", "base"),
		"charts/other/Chart.yaml":           "apiVersion: v2\nname: other\nversion: 1.0.0\n",
		"next-charts/app/Chart.yaml":        "apiVersion: v2\nname: app\nversion: 1.0.0\n",
		"next-charts/app/templates/cm.yaml": strings.ReplaceAll(cm, "%s", "next"),
		"next-charts/other/Chart.yaml":      "apiVersion: v2\nname: other\nversion: 1.0.0\n",
	})
	compile := func(env string, locked bool) error {
		c := compiler.NewCompile(&compiler.Config{})
		c.Env, c.Locked = env, locked
		res, err := c.Run(context.Background(), dir)
		if err != nil {
			return err
		}
		if !locked {
			return res.WriteLock(dir)
		}
		return nil
	}
	for _, env := range []string{"", "next", "same"} {
		if err := compile(env, false); err != nil {
			t.Fatalf("compile -e %q: %v", env, err)
		}
	}
	for _, env := range []string{"", "next", "same"} {
		if err := compile(env, true); err != nil {
			t.Errorf("compile -e %q --locked after every environment was compiled: %v", env, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "pono.lock"))
	if err != nil {
		t.Fatal(err)
	}
	// Only what next resolves differently is its own; same shares the base's.
	if n := strings.Count(string(b), "environment: next"); n != 2 {
		t.Errorf("%d entries for next, want 2 (app and other at next-charts):\n%s", n, b)
	}
	if strings.Contains(string(b), "environment: same") {
		t.Errorf("entries for same, which resolves as the base does:\n%s", b)
	}
}
