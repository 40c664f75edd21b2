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
	dir := standardPlatformAt(t, tree)
	for env, releases := range map[string]int{"": 6, "dev": 6, "prod": 5} {
		t.Run("env="+env, func(t *testing.T) {
			c := compiler.NewCompile(&compiler.Config{AllowExternalSources: true, AgeKeyFile: kaapanaTestKey})
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
			// with Kaapana's complete admin globals (globalsFrom).
			if m := string(res.Manifests["code-server-chart"]); !strings.Contains(m, "squid-proxy-service.admin.svc.cluster.local:3128") {
				t.Errorf("code-server-chart renders no proxy:\n%s", m)
			}
		})
	}
}

// The admin chart as Kaapana's build stamps it lists preinstall_extensions:
// platforms/kaapana empties the list, and without that the overlap with
// the releases pono manages is an error.
func TestStandardPlatformPreinstall(t *testing.T) {
	tree := filepath.Join(t.TempDir(), "kaapana-src")
	if err := os.CopyFS(tree, os.DirFS(testenv.SharedDir(t, "kaapana-src"))); err != nil {
		t.Fatal(err)
	}
	values := filepath.Join(tree, "platforms/kaapana-admin-chart/values.yaml")
	b, err := os.ReadFile(values)
	if err != nil {
		t.Fatal(err)
	}
	stamped := strings.Replace(string(b), "\nglobal:\n", "\nglobal:\n  preinstall_extensions:\n  - {name: kaapana-platform-chart, version: 0.6.0}\n  - {name: code-server-chart, version: 0.6.0}\n  - {name: kaapana-workflows-core, version: 0.6.0}\n", 1)
	if stamped == string(b) {
		t.Fatal("admin chart values.yaml has no global: map")
	}
	if err := os.WriteFile(values, []byte(stamped), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := standardPlatformAt(t, tree)
	if _, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true, AgeKeyFile: kaapanaTestKey}).Run(context.Background(), dir); err != nil {
		t.Fatalf("platforms/kaapana with the stamped admin chart: %v", err)
	}
	cue := filepath.Join(dir, "platform.cue")
	p, _ := os.ReadFile(cue)
	without := strings.Replace(string(p), "values: global: preinstall_extensions: []", "", 1)
	if without == string(p) {
		t.Fatal("platforms/kaapana no longer empties preinstall_extensions")
	}
	if err := os.WriteFile(cue, []byte(without), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = compiler.NewCompile(&compiler.Config{AllowExternalSources: true, AgeKeyFile: kaapanaTestKey}).Run(context.Background(), dir)
	for _, chart := range []string{"kaapana-platform-chart", "code-server-chart", "kaapana-workflows-core"} {
		if err == nil || !strings.Contains(err.Error(), "global.preinstall_extensions lists "+chart+" 0.6.0, which pono installs as release "+chart+": kube-helm's init Job would install it as well") {
			t.Errorf("%s: got %v", chart, err)
		}
	}
}

// standardPlatformAt is a copy of platforms/kaapana with its source
// pointed at the Kaapana source tree instead of the registry.
func standardPlatformAt(t *testing.T, tree string) string {
	t.Helper()
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
	return dir
}
