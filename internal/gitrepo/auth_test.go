package gitrepo

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuthFromDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  *Auth // Source is set to the directory by the test
		// wantErr is a substring of the error; empty means no error.
		wantErr string
	}{
		{
			name:  "basic auth, trailing newlines trimmed",
			files: map[string]string{"username": "alice\n", "password": "p@ss word\n"},
			want:  &Auth{Username: "alice", Password: "p@ss word"},
		},
		{
			name:  "token",
			files: map[string]string{"token": "ghp_abc\n"},
			want:  &Auth{BearerToken: "ghp_abc"},
		},
		{
			name:  "bearerToken alias",
			files: map[string]string{"bearerToken": "tok", "username": "x-access-token"},
			want:  &Auth{Username: "x-access-token", BearerToken: "tok"},
		},
		{
			name:  "ssh key, passphrase and known hosts kept as they are",
			files: map[string]string{"identity": "KEY\n", "identity.passphrase": "pw\n", "known_hosts": "host ssh-ed25519 AAAA\n"},
			want:  &Auth{SSHPrivateKey: []byte("KEY\n"), SSHPassphrase: []byte("pw"), KnownHosts: []byte("host ssh-ed25519 AAAA\n")},
		},
		{
			name:  "other files ignored",
			files: map[string]string{"identity.pub": "ssh-ed25519 AAAA", "ca.crt": "CERT", "username": "bob"},
			want:  &Auth{Username: "bob"},
		},
		{
			name:  "empty directory",
			files: map[string]string{},
			want:  &Auth{},
		},
		{
			name:    "password and token",
			files:   map[string]string{"password": "a", "token": "b"},
			wantErr: "both a password and a token",
		},
		{
			name:    "token and bearerToken differ",
			files:   map[string]string{"token": "a", "bearerToken": "b"},
			wantErr: "both token and bearerToken",
		},
		{
			name:    "passphrase without key",
			files:   map[string]string{"identity.passphrase": "pw"},
			wantErr: "passphrase is set without an SSH key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := AuthFromDir(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("AuthFromDir error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Source = dir
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("AuthFromDir (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthFromDirMissing(t *testing.T) {
	t.Parallel()
	_, err := AuthFromDir(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("AuthFromDir(missing) = %v, want an error naming the directory", err)
	}
}

// Kubernetes mounts a Secret's keys as symbolic links into a hidden
// ..data directory; reading must follow them.
func TestAuthFromDirMountedSecretLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "..2024_01_01")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "token"), []byte("tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Base(data), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..data", "token"), filepath.Join(dir, "token")); err != nil {
		t.Fatal(err)
	}
	got, err := AuthFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.BearerToken != "tok" {
		t.Errorf("BearerToken = %q, want tok", got.BearerToken)
	}
}

func TestAuthFromSecretData(t *testing.T) {
	t.Parallel()
	got, err := AuthFromSecretData(map[string][]byte{"username": []byte("u"), "password": []byte("p")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Username != "u" || got.Password != "p" {
		t.Errorf("AuthFromSecretData = %v", got)
	}
	if _, err := AuthFromSecretData(map[string][]byte{"password": []byte("p"), "bearerToken": []byte("t")}); err == nil {
		t.Error("AuthFromSecretData accepted both a password and a token")
	}
}

// Every way an Auth can end up in text redacts the secrets.
func TestAuthRedacts(t *testing.T) {
	t.Parallel()
	a := &Auth{
		Username:      "alice",
		Password:      "hunter2-password",
		BearerToken:   "tok-secret-value",
		SSHPrivateKey: []byte("-----BEGIN OPENSSH PRIVATE KEY----- key-secret"),
		SSHPassphrase: []byte("passphrase-secret"),
		KnownHosts:    []byte("a ssh-ed25519 AAAA\nb ssh-ed25519 BBBB\n"),
		Source:        "/etc/pono/git",
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("auth", "auth", a, "value", *a)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("auth", "auth", a)
	outputs := []string{
		fmt.Sprint(a), fmt.Sprint(*a), fmt.Sprintf("%v %+v %#v %s", a, a, a, a),
		fmt.Sprintf("%v %+v %#v", *a, *a, *a), logs.String(),
	}
	for _, out := range outputs {
		for _, secret := range []string{"hunter2", "tok-secret", "key-secret", "passphrase-secret"} {
			if strings.Contains(out, secret) {
				t.Errorf("output contains %q:\n%s", secret, out)
			}
		}
	}
	if want := `gitrepo.Auth{Username: "alice", Password: <redacted>, BearerToken: <redacted>, SSHPrivateKey: <redacted>, SSHPassphrase: <redacted>, KnownHosts: 2 lines, Source: "/etc/pono/git"}`; a.String() != want {
		t.Errorf("String() = %s\nwant       %s", a.String(), want)
	}
}
