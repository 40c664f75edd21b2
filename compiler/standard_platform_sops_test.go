package compiler_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/testenv"
)

// platforms/kaapana takes its passwords from credentials.sops.yaml: with
// the test key every release gets them, sensitive, and releases.yaml and
// the manifests do not hold them; without a key nothing compiles.
func TestStandardPlatformCredentialsFromSOPS(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	dir := standardPlatformAt(t, tree)
	t.Setenv("SOPS_AGE_KEY_FILE", "")
	t.Setenv("SOPS_AGE_KEY", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if _, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true}).Run(context.Background(), dir); err == nil ||
		!strings.Contains(err.Error(), "credentials.sops.yaml:") || !strings.HasSuffix(err.Error(), ": cannot decrypt this SOPS file: no age key was given (pass --age-key-file or set SOPS_AGE_KEY_FILE)") {
		t.Fatalf("without a key: %v", err)
	}
	res, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true, AgeKeyFile: kaapanaTestKey}).Run(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"test-minio-Kaapana2020", "test-keycloak-Kaapana2020", "test-grafana-Kaapana2020"}
	for _, rel := range res.Releases {
		g, _ := rel.Values["global"].(map[string]any)
		if g["credentials_minio_password"] != "test-minio-Kaapana2020" {
			t.Errorf("%s: credentials_minio_password = %v", rel.Name, g["credentials_minio_password"])
		}
		if !slices.Contains(rel.Sensitive, "global.credentials_minio_password") {
			t.Errorf("%s: the SOPS value is not sensitive: %v", rel.Name, rel.Sensitive)
		}
	}
	out := t.TempDir() + "/out"
	if err := res.Write(context.Background(), compiler.Output{Dir: out}); err != nil {
		t.Fatal(err)
	}
	assertNotInDir(t, out, secrets...)
}
