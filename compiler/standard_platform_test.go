package compiler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestStandardPlatformFromSource compiles platforms/kaapana, every
// environment, against Kaapana's real charts: the source pointed at the
// Kaapana source tree instead of the registry, nothing else changed.
func TestStandardPlatformFromSource(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	dir := filepath.Join(t.TempDir(), "kaapana")
	if err := os.CopyFS(dir, os.DirFS("../platforms/kaapana")); err != nil {
		t.Fatal(err)
	}
	cue := filepath.Join(dir, "platform.cue")
	b, err := os.ReadFile(cue)
	if err != nil {
		t.Fatal(err)
	}
	const registry = `sources: kaapana: oci: "oci://registry.example.org/kaapana"`
	if !strings.Contains(string(b), registry) {
		t.Fatalf("platform.cue no longer has %s", registry)
	}
	b = []byte(strings.Replace(string(b), registry, `sources: kaapana: {path: "`+tree+`", buildVersion: "0.6.0"}`, 1))
	if err := os.WriteFile(cue, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for env, releases := range map[string]int{"": 6, "dev": 6, "prod": 5} {
		t.Run("env="+env, func(t *testing.T) {
			c := compiler.NewCompile(&compiler.Config{AllowExternalSources: true})
			c.Env = env
			res, err := c.Run(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Releases) != releases {
				t.Errorf("%d releases, want %d", len(res.Releases), releases)
			}
			admin, ok := res.Release("kaapana-admin-chart")
			if !ok || admin.Kind != "platform" || admin.Namespace != "default" {
				t.Errorf("kaapana-admin-chart: %+v", admin)
			}
			// Every pod goes out through the admin chart's squid proxy, as
			// with Kaapana's complete admin globals.
			if m := string(res.Manifests["code-server-chart"]); !strings.Contains(m, "squid-proxy-service.admin.svc.cluster.local:3128") {
				t.Errorf("code-server-chart renders no proxy:\n%s", m)
			}
		})
	}
}
