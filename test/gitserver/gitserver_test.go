package gitserver

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cloneWithCLI clones url with the git CLI into a new directory, with
// extraEnv, and returns the clone; the CLI is the independent witness that
// the servers speak real git.
func cloneWithCLI(t *testing.T, rawURL string, extraEnv ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	dst := filepath.Join(t.TempDir(), "clone")
	cmd := gitCmd(t, home, gitEnv(home, extraEnv...), "clone", "--quiet", rawURL, dst)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", &cliError{err: err, out: string(out)}
	}
	return dst, nil
}

type cliError struct {
	err error
	out string
}

func (e *cliError) Error() string { return e.err.Error() + ": " + e.out }

func TestHTTPServerServesWithBasicAuth(t *testing.T) {
	t.Parallel()
	repo := NewRepo(t)
	head := repo.Commit(t, map[string]string{"platform.yaml": "name: demo\n", "charts/a/Chart.yaml": "name: a\n"}, "first")
	repo.Tag(t, "v1.0.0", head)
	repo.Push(t)
	srv := StartHTTP(t, repo.Root, "alice", "s3cret")

	u, err := url.Parse(srv.URL(repo.Name))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("alice", "wrong")
	if _, err := cloneWithCLI(t, u.String()); err == nil {
		t.Fatal("clone with a wrong password succeeded")
	}
	before := srv.Requests()
	u.User = url.UserPassword("alice", "s3cret")
	dst, err := cloneWithCLI(t, u.String())
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	if srv.Requests() <= before {
		t.Errorf("Requests() = %d after a clone, want more than %d", srv.Requests(), before)
	}
	got, err := os.ReadFile(filepath.Join(dst, "charts/a/Chart.yaml"))
	if err != nil || string(got) != "name: a\n" {
		t.Errorf("cloned charts/a/Chart.yaml = %q, %v", got, err)
	}
}

func TestSSHServerServesWithKey(t *testing.T) {
	t.Parallel()
	repo := NewRepo(t)
	repo.Commit(t, map[string]string{"README": "hi\n"}, "first")
	repo.Push(t)
	srv := StartSSH(t, repo.Root)

	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	known := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(key, srv.ClientKey, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(known, srv.KnownHosts, 0o600); err != nil {
		t.Fatal(err)
	}
	sshCmd := "ssh -F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes" +
		" -o UserKnownHostsFile=" + known + " -i " + key
	dst, err := cloneWithCLI(t, srv.URL(repo.Name), "GIT_SSH_COMMAND="+sshCmd)
	if err != nil {
		t.Fatalf("clone over ssh: %v\nsshd log:\n%s", err, srv.Log())
	}
	if got, _ := os.ReadFile(filepath.Join(dst, "README")); string(got) != "hi\n" {
		t.Errorf("cloned README = %q", got)
	}
}

func TestSignedCommitsVerifyWithGit(t *testing.T) {
	t.Parallel()
	repo := NewRepo(t)
	gpgKey := NewGPGKey(t, "Alice", "alice@example.org")
	sshKey := NewSSHKey(t, "bob@example.org")

	pgpCommit := repo.CommitSigned(t, map[string]string{"a": "1"}, "openpgp", gpgKey)
	sshCommit := repo.CommitSigned(t, map[string]string{"a": "2"}, "ssh", sshKey)

	if sig := repo.Git(t, "cat-file", "commit", pgpCommit); !strings.Contains(sig, "-----BEGIN PGP SIGNATURE-----") {
		t.Errorf("commit %s carries no OpenPGP signature:\n%s", pgpCommit, sig)
	}
	// git itself verifies the SSH signature against the allowed signers
	// line the helper produces.
	signers := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(signers, []byte(sshKey.AllowedSigner("bob@example.org")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo.Git(t, "-c", "gpg.ssh.allowedSignersFile="+signers, "verify-commit", sshCommit)
	if !strings.Contains(gpgKey.PublicKey, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
		t.Errorf("PublicKey is not an armored key:\n%s", gpgKey.PublicKey)
	}
}

func TestRepoRemoveAndCopyDir(t *testing.T) {
	t.Parallel()
	repo := NewRepo(t)
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "charts", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "charts", "x", "Chart.yaml"), []byte("name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo.CopyDir(t, src, "platform")
	repo.Commit(t, map[string]string{"old.txt": "old"}, "copy")
	repo.Remove(t, "old.txt")
	repo.Commit(t, nil, "remove")
	got := repo.Git(t, "ls-tree", "-r", "--name-only", "HEAD")
	if got != "platform/charts/x/Chart.yaml" {
		t.Errorf("files at HEAD = %q, want only platform/charts/x/Chart.yaml", got)
	}
}
