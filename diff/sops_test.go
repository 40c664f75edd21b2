package diff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/internal/sopsfile/sopstest"
)

// Two commits that change a value kept in a SOPS-encrypted file: the diff
// between them says the value changed (and which Secret keys), in every
// format, and never shows it.
func TestGitDiffSOPSValueChanged(t *testing.T) {
	r := newRepo(t)
	key, rcpt := sopstest.NewIdentity()
	keyFile := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(keyFile, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	encrypt := func(secret string) string {
		b, err := sopstest.Encrypt([]byte("extensions:\n  vault:\n    parameters:\n      password: "+secret+"\n"), false, rcpt)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// The password moves out of platform.yaml into the encrypted file.
	r.edit("platform/platform.yaml", "    sensitive: [password]\n    parameters:\n      password: "+oldSecret+"\n", "")
	r.write("platform/secrets.sops.yaml", encrypt(oldSecret))
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "password from sops")
	r.write("platform/secrets.sops.yaml", encrypt(newSecret))
	r.git("commit", "-q", "-am", "rotate the password")

	d := diff.NewGitDiff(&compiler.Config{AgeKeyFile: keyFile})
	d.Base, d.Head = "main~1", "main"
	rep, err := d.Run(context.Background(), filepath.Join(r.dir, "platform"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Releases) != 1 || rep.Releases[0].Name != "vault" {
		t.Fatalf("releases = %+v, want only vault", rep.Releases)
	}
	vault := rep.Releases[0]
	var changed bool
	for _, v := range vault.Values {
		if v.Path == "global.password" && v.Change == "changed" && v.From == diff.Hidden && v.To == diff.Hidden {
			changed = true
		}
	}
	if !changed {
		t.Errorf("global.password is not shown as changed and hidden: %+v", vault.Values)
	}
	var keys []string
	for _, o := range vault.Objects {
		keys = append(keys, o.SecretKeys...)
	}
	if strings.Join(keys, ",") != "data.password,stringData.plain" {
		t.Errorf("changed Secret keys = %v", keys)
	}
	var b bytes.Buffer
	for format, write := range map[string]func() error{
		"text":     func() error { return diff.WriteText(&b, rep, diff.TextOptions{}) },
		"markdown": func() error { return diff.WriteMarkdown(&b, rep, diff.MarkdownOptions{}) },
		"json":     func() error { return diff.WriteJSON(&b, rep) },
	} {
		b.Reset()
		if err := write(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "global.password") {
			t.Errorf("%s output does not name the changed value:\n%s", format, b.String())
		}
		assertNoSecrets(t, format, b.String())
	}
}
