package compiler_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestKaapanaSourceRandomParts: Kaapana's admin chart draws random strings
// inside fields (oauth2-proxy.cfg's cookie_secret) and names
// (cert-init-{{ randAlphaNum 3 | lower }}): only the drawn part is
// masked, the rest of the field stays readable, and two compiles are
// byte-identical.
func TestKaapanaSourceRandomParts(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	dir := filepath.Join(t.TempDir(), "platform")
	kaapanaExtensionPlatform(t, dir, tree, "kaapana-admin-chart", false)
	compile := func() *compiler.Result {
		res, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true}).Run(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := compile()
	m := string(res.Manifests["kaapana-admin-chart"])
	for _, want := range []string{
		`cookie_secret = "(pono: differs between renders)"`,
		`provider = "keycloak-oidc"`,
		`name: 'cert-init-(pono: differs between renders)'`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("the admin chart's manifest does not contain %s", want)
		}
	}
	if strings.Contains(m, "oauth2-proxy.cfg: '(pono: differs between renders)'") {
		t.Error("oauth2-proxy.cfg is masked whole")
	}
	if again := compile(); string(again.Manifests["kaapana-admin-chart"]) != m {
		t.Error("two compiles of the admin chart differ")
	}
}
