package sopsfile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/internal/sopsfile"
	"github.com/pono-gitops/pono/internal/sopsfile/sopstest"
)

func keyFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.txt")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecryptRoundTrip(t *testing.T) {
	key, rcpt := sopstest.NewIdentity()
	plain := "globals:\n  # the admin login\n  credentials_minio_password: s3cr3t-minio\n  port: 9000\n  tls: true\n  list: [a, b]\n"
	enc, err := sopstest.Encrypt([]byte(plain), false, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(enc, []byte("s3cr3t-minio")) {
		t.Fatal("the encrypted file holds the cleartext")
	}
	out, err := sopsfile.Decrypt("secrets.sops.yaml", enc, false, sopsfile.NewKeys(keyFile(t, key)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"credentials_minio_password: s3cr3t-minio", "port: 9000", "tls: true"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("cleartext lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "sops:") {
		t.Errorf("cleartext keeps the metadata:\n%s", out)
	}
}

func TestDecryptJSON(t *testing.T) {
	key, rcpt := sopstest.NewIdentity()
	enc, err := sopstest.Encrypt([]byte(`{"registry": {"password": "pw-json"}}`), true, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	out, err := sopsfile.Decrypt("s.sops.json", enc, true, sopsfile.NewKeys(keyFile(t, key)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"pw-json"`) {
		t.Errorf("cleartext: %s", out)
	}
}

func TestDecryptFailures(t *testing.T) {
	key, rcpt := sopstest.NewIdentity()
	other, _ := sopstest.NewIdentity()
	enc, err := sopstest.Encrypt([]byte("globals:\n  a_password: hunter22\n  b: x\n"), false, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	// A value moved to another key does not decrypt there: its key path
	// is the cipher's additional data.
	vals := regexp.MustCompile(`ENC\[[^\]]*\]`).FindAll(enc, 2)
	moved := bytes.Replace(enc, vals[0], vals[1], 1)
	clearEdit, err := sopstest.Encrypt([]byte("globals:\n  a_password: hunter22\n  note_unencrypted: before\n"), false, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	clearEdit = bytes.Replace(clearEdit, []byte("note_unencrypted: before"), []byte("note_unencrypted: after"), 1)
	t.Setenv(sopsfile.KeyFileEnv, "")
	t.Setenv(sopsfile.KeyEnv, "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	for _, tc := range []struct {
		name string
		src  []byte
		keys *sopsfile.Keys
		want string
	}{
		{"no key", enc, sopsfile.NewKeys(""), "s.sops.yaml: cannot decrypt this SOPS file: no age key was given (pass --age-key-file or set SOPS_AGE_KEY_FILE)"},
		{"wrong key", enc, sopsfile.NewKeys(keyFile(t, other)), "s.sops.yaml: cannot decrypt this SOPS file: no identity in the age key file "},
		{"mac", clearEdit, sopsfile.NewKeys(keyFile(t, key)), "s.sops.yaml: cannot decrypt this SOPS file: its MAC does not match its content (the file was changed after it was encrypted: re-encrypt it with sops)"},
		{"no metadata", []byte("globals: {a: b}\n"), sopsfile.NewKeys(keyFile(t, key)), "s.sops.yaml: cannot decrypt this SOPS file: it has no sops metadata (encrypt it with sops, or rename it without .sops)"},
		{"bad key file", enc, sopsfile.NewKeys(keyFile(t, "not a key\n")), "holds no age identity"},
		{"moved value", moved, sopsfile.NewKeys(keyFile(t, key)), "s.sops.yaml: cannot decrypt this SOPS file: a value does not decrypt with the file's data key (the file was changed after it was encrypted)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sopsfile.Decrypt("s.sops.yaml", tc.src, false, tc.keys)
			if err == nil {
				t.Fatal("decrypted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter22") {
				t.Errorf("error leaks the value: %v", err)
			}
		})
	}
}

func TestKeyFromEnv(t *testing.T) {
	key, rcpt := sopstest.NewIdentity()
	enc, err := sopstest.Encrypt([]byte("a_secret: v\n"), false, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(sopsfile.KeyFileEnv, keyFile(t, key))
	if _, err := sopsfile.Decrypt("s.sops.yaml", enc, false, sopsfile.NewKeys("")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(sopsfile.KeyFileEnv, "")
	t.Setenv(sopsfile.KeyEnv, key)
	if _, err := sopsfile.Decrypt("s.sops.yaml", enc, false, sopsfile.NewKeys("")); err != nil {
		t.Fatal(err)
	}
}

func TestNames(t *testing.T) {
	for name, want := range map[string]bool{"secrets.sops.yaml": true, "a.SOPS.json": true, "x.sops.yml": true, "sops.yaml": false, "a.yaml": false} {
		if got := sopsfile.IsSOPSName(name); got != want {
			t.Errorf("IsSOPSName(%q) = %v", name, got)
		}
	}
}

// BenchmarkDecrypt is the compile-time cost of one SOPS file of three
// values (docs/benchmarks.md): age unwraps the data key, then each value
// and the MAC are AES-GCM decrypted.
func BenchmarkDecrypt(b *testing.B) {
	key, rcpt := sopstest.NewIdentity()
	enc, err := sopstest.Encrypt([]byte("globals:\n  credentials_minio_password: a\n  credentials_keycloak_admin_password: b\n  credentials_grafana_password: c\n"), false, rcpt)
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "keys.txt")
	if err := os.WriteFile(p, []byte(key), 0o600); err != nil {
		b.Fatal(err)
	}
	keys := sopsfile.NewKeys(p)
	for b.Loop() {
		if _, err := sopsfile.Decrypt("s.sops.yaml", enc, false, keys); err != nil {
			b.Fatal(err)
		}
	}
}
