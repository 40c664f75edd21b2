package compiler_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/sopsfile/sopstest"
)

// assertNotInDir fails for every file under dir that holds one of the
// secrets raw, base64- or URL-encoded.
func assertNotInDir(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)} {
				if bytes.Contains(b, []byte(form)) {
					t.Errorf("%s holds %q", p, form)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// secretPlatform writes a platform with a secret through each route:
// a SOPS file (a global and a parameter), sensitive (a global and a
// values path) and a name that is a credential (admin_password). It
// returns the platform directory and the age key file.
func secretPlatform(t *testing.T, minio string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	key, rcpt := sopstest.NewIdentity()
	enc, err := sopstest.Encrypt([]byte("globals:\n  credentials_minio_password: "+minio+"\nextensions:\n  app:\n    parameters:\n      db_password: sops-db-pw-777\n"), false, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"platform.yaml": `name: demo
globals:
  site_token: plain-site-token-555
sources:
  local: {path: charts}
extensions:
  app:
    version: 1.0.0
    sensitive: [site_token, auth.token]
    parameters: {admin_password: plain-admin-pw-666}
    values:
      auth: {token: values-token-888}
`,
		"secrets.sops.yaml":      string(enc),
		"charts/app/Chart.yaml":  "apiVersion: v2\nname: app\nversion: 1.0.0\n",
		"charts/app/values.yaml": "global: {}\nextension_params:\n  admin_password: {type: string}\n  db_password: {type: string}\n",
		"charts/app/templates/s.yaml": `apiVersion: v1
kind: Secret
metadata: {name: app, namespace: services}
data:
  minio: {{ .Values.global.credentials_minio_password | b64enc }}
stringData:
  admin: {{ .Values.global.admin_password | quote }}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: services}
data:
  dsn: "postgres://app:{{ .Values.global.db_password }}@db"
  token: {{ .Values.auth.token | quote }}
  site: {{ .Values.global.site_token | quote }}
  url: {{ printf "https://x/?p=%s" (.Values.global.credentials_minio_password | urlquery) | quote }}
`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	kf := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(kf, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, kf
}

var planted = []string{"sops-minio-pw-999", "sops-db-pw-777", "plain-site-token-555", "plain-admin-pw-666", "values-token-888"}

func TestSensitivePathsOfEveryRoute(t *testing.T) {
	dir, key := secretPlatform(t, "sops-minio-pw-999")
	res, err := compiler.NewCompile(&compiler.Config{AgeKeyFile: key}).Run(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := res.Release("app")
	want := []string{"auth.token", "global.admin_password", "global.credentials_minio_password", "global.db_password", "global.site_token"}
	if d := cmp.Diff(want, rel.Sensitive); d != "" {
		t.Errorf("sensitive paths (-want +got):\n%s", d)
	}
	if g := rel.Values["global"].(map[string]any); g["db_password"] != "sops-db-pw-777" {
		t.Errorf("the SOPS parameter did not reach the values: %v", g["db_password"])
	}
}

// Sensitive values never reach the compile output, and the output stays
// byte-identical from one compile to the next; a changed secret changes
// its marker and nothing else.
func TestSensitiveOutputDeterministic(t *testing.T) {
	dir, key := secretPlatform(t, "sops-minio-pw-999")
	write := func(dir string) map[string]string {
		res, err := compiler.NewCompile(&compiler.Config{AgeKeyFile: key}).Run(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "out")
		if err := res.Write(context.Background(), compiler.Output{Dir: out}); err != nil {
			t.Fatal(err)
		}
		assertNotInDir(t, out, planted...)
		files := map[string]string{}
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				files[p[len(out):]] = string(b)
			}
			return err
		})
		return files
	}
	a, b := write(dir), write(dir)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("two compiles differ (-first +second):\n%s", d)
	}
	// The same platform with another MinIO password (encrypted anew).
	dir2, key2 := secretPlatform(t, "sops-minio-pw-000")
	key = key2
	c := write(dir2)
	if a["/releases.yaml"] == c["/releases.yaml"] || a["/manifests/app.yaml"] == c["/manifests/app.yaml"] {
		t.Error("a changed secret leaves the output unchanged: its marker should change")
	}
}
