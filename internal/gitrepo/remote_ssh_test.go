package gitrepo

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/test/gitserver"
)

func TestRemoteSSH(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"platform/platform.yaml": "name: ssh\n"}, "first")
	repo.Push(t)
	srv := gitserver.StartSSH(t, repo.Root)
	url := srv.URL(repo.Name)
	ctx := context.Background()
	main := mustParseRef(t, "branch:main")

	t.Run("key and known_hosts", func(t *testing.T) {
		t.Parallel()
		r := newTestRemote(t, url, &Auth{SSHPrivateKey: srv.ClientKey, KnownHosts: srv.KnownHosts})
		head, err := r.Resolve(ctx, main)
		if err != nil {
			t.Fatalf("Resolve: %v\nsshd log:\n%s", err, srv.Log())
		}
		if head.Commit != c1 {
			t.Fatalf("Resolve = %s, want %s", head.Commit, c1)
		}
		mustFetch(t, r, head)
		if got := exportFiles(t, r, c1, "platform"); got["platform.yaml"] != "name: ssh\n" {
			t.Errorf("Export = %v", got)
		}
	})

	t.Run("encrypted key", func(t *testing.T) {
		t.Parallel()
		const passphrase = "open-sesame-passphrase"
		encrypted := gitserver.EncryptSSHKey(t, srv.ClientKey, passphrase)
		r := newTestRemote(t, url, &Auth{SSHPrivateKey: encrypted, SSHPassphrase: []byte(passphrase), KnownHosts: srv.KnownHosts})
		if _, err := r.Resolve(ctx, main); err != nil {
			t.Fatal(err)
		}
		_, err := NewRemote(RemoteOptions{URL: url, CacheDir: t.TempDir(),
			Auth: &Auth{SSHPrivateKey: encrypted, SSHPassphrase: []byte("wrong-passphrase"), KnownHosts: srv.KnownHosts, Source: "/run/secrets/git"}})
		checkErr(t, err, nil, []string{"read the SSH private key in /run/secrets/git"}, "wrong-passphrase", passphrase, keyBody(encrypted))
	})

	t.Run("wrong key", func(t *testing.T) {
		t.Parallel()
		other := gitserver.NewSSHKey(t, "not-authorized")
		r := newTestRemote(t, url, &Auth{SSHPrivateKey: other.PrivateKey, KnownHosts: srv.KnownHosts, Source: "Secret pono/git"})
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrAuthFailed, []string{"git ls-remote " + url, "authentication failed", "check the credentials in Secret pono/git"},
			string(other.PrivateKey), keyBody(other.PrivateKey))
	})

	t.Run("host key changed", func(t *testing.T) {
		t.Parallel()
		impostor := gitserver.NewSSHKey(t, "impostor")
		known := fmt.Sprintf("[127.0.0.1]:%d %s\n", srv.Port, impostor.PublicKey)
		r := newTestRemote(t, url, &Auth{SSHPrivateKey: srv.ClientKey, KnownHosts: []byte(known)})
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrHostKey, []string{"git ls-remote " + url, "does not match known_hosts", "ssh-ed25519 SHA256:"},
			keyBody(srv.ClientKey))
	})

	t.Run("host not in known_hosts", func(t *testing.T) {
		t.Parallel()
		known := "[127.0.0.1]:1 " + srv.HostPublicKey + "\nexample.org " + srv.HostPublicKey + "\n"
		r := newTestRemote(t, url, &Auth{SSHPrivateKey: srv.ClientKey, KnownHosts: []byte(known)})
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrHostKey, []string{fmt.Sprintf("known_hosts does not contain the host 127.0.0.1:%d", srv.Port), "it presented ssh-ed25519 SHA256:"})
	})

	t.Run("missing repository", func(t *testing.T) {
		t.Parallel()
		r := newTestRemote(t, srv.URL("nope.git"), &Auth{SSHPrivateKey: srv.ClientKey, KnownHosts: srv.KnownHosts})
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrRepositoryNotFound, []string{"repository not found"})
	})
}

// pono never connects over SSH without knowing the host key, and needs a key.
func TestNewRemoteSSHRefusesWithoutKnownHosts(t *testing.T) {
	t.Parallel()
	key := gitserver.NewSSHKey(t, "k")
	tests := []struct {
		name    string
		auth    *Auth
		wantErr string
	}{
		{"no auth", nil, "needs an SSH private key"},
		{"no known_hosts", &Auth{SSHPrivateKey: key.PrivateKey}, "pono never accepts an unknown host key"},
		{"bad key", &Auth{SSHPrivateKey: []byte("not a key"), KnownHosts: []byte("h " + key.PublicKey)}, "read the SSH private key"},
		{"bad known_hosts", &Auth{SSHPrivateKey: key.PrivateKey, KnownHosts: []byte("h ssh-ed25519 !!!")}, "read known_hosts"},
	}
	for _, tt := range tests {
		for _, url := range []string{"ssh://git@example.org/repo.git", "git@example.org:org/repo.git"} {
			_, err := NewRemote(RemoteOptions{URL: url, Auth: tt.auth, CacheDir: t.TempDir()})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s, %s: NewRemote error = %v, want one containing %q", tt.name, url, err, tt.wantErr)
			}
		}
	}
}

// keyBody is a line from the middle of a PEM key, to look for in messages.
func keyBody(pem []byte) string {
	lines := strings.Split(strings.TrimSpace(string(pem)), "\n")
	if len(lines) < 3 {
		return ""
	}
	return lines[1]
}
