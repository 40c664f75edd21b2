package compiler_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/testenv"
)

// platforms/kaapana takes the registry login from a Secret reference: the
// admin chart's registry-secret renders from the placeholders, which are
// sensitive, and the release records where the values come from.
func TestStandardPlatformRegistryFromSecret(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	dir := standardPlatformAt(t, tree)
	res, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true, AgeKeyFile: kaapanaTestKey}).Run(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := res.Release("kaapana-admin-chart")
	var refs []string
	for _, r := range admin.ValuesFrom {
		refs = append(refs, r.Object()+" "+r.Key+" -> "+r.Path)
	}
	want := []string{
		"Secret admin/kaapana-registry-credentials username -> global.credentials_registry_username",
		"Secret admin/kaapana-registry-credentials password -> global.credentials_registry_password",
	}
	if !slices.Equal(refs, want) {
		t.Errorf("valuesFrom of kaapana-admin-chart:\n got %q\nwant %q", refs, want)
	}
	for _, p := range []string{"global.credentials_registry_username", "global.credentials_registry_password"} {
		if !slices.Contains(admin.Sensitive, p) {
			t.Errorf("%s is not sensitive: %v", p, admin.Sensitive)
		}
	}
	g := admin.Values["global"].(map[string]any)
	if got := g["credentials_registry_password"]; got != "from-cluster:Secret/admin/kaapana-registry-credentials/password" {
		t.Errorf("global.credentials_registry_password = %v, want the placeholder", got)
	}
	if !strings.Contains(string(res.Manifests["kaapana-admin-chart"]), "name: registry-secret") {
		t.Error("the admin chart renders no registry-secret")
	}
}
