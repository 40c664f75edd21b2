package compiler_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
)

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExamples compiles every example in every environment, locked, and
// checks that compiling never writes into the platform directory.
func TestExamples(t *testing.T) {
	cases := []struct {
		dir      string
		envs     []string
		releases map[string]int
	}{
		{"../examples/minimal", []string{""}, map[string]int{"": 1}},
		{"../examples/kaapana-like", []string{"", "prod", "staging"}, map[string]int{"": 6, "prod": 5, "staging": 6}},
	}
	for _, tc := range cases {
		for _, env := range tc.envs {
			t.Run(filepath.Base(tc.dir)+"/"+env, func(t *testing.T) {
				before := snapshot(t, tc.dir)
				c := compiler.NewCompile(&compiler.Config{})
				c.Env = env
				c.Locked = true
				res, err := c.Run(context.Background(), tc.dir)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Releases) != tc.releases[env] {
					t.Errorf("%d releases, want %d", len(res.Releases), tc.releases[env])
				}
				if diff := cmp.Diff(before, snapshot(t, tc.dir)); diff != "" {
					t.Errorf("compile changed the platform directory:\n%s", diff)
				}
			})
		}
	}
}

// kaapanaTestKey decrypts platforms/kaapana/credentials.sops.yaml: a
// test key, committed beside the platform.
const kaapanaTestKey = "../platforms/kaapana/testdata/age-test-key.txt"

// TestStandardPlatform checks platforms/kaapana without Kaapana's charts.
func TestStandardPlatform(t *testing.T) {
	for _, env := range []string{"", "dev", "prod"} {
		c := compiler.NewCompile(&compiler.Config{AgeKeyFile: kaapanaTestKey})
		c.Env = env
		c.SchemaOnly = true
		res, err := c.Run(context.Background(), "../platforms/kaapana")
		if err != nil {
			t.Fatalf("env %q: %v", env, err)
		}
		if res.Platform.Name != "kaapana" || res.Platform.Namespaces.Helm != "default" {
			t.Errorf("env %q: platform = %+v", env, res.Platform)
		}
	}
}
