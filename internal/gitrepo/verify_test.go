package gitrepo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/test/gitserver"
)

func TestRemoteVerify(t *testing.T) {
	t.Parallel()
	alice := gitserver.NewGPGKey(t, "Alice", "alice@example.org")
	mallory := gitserver.NewGPGKey(t, "Mallory", "mallory@example.org")
	bob := gitserver.NewSSHKey(t, "bob@example.org")
	eve := gitserver.NewSSHKey(t, "eve@example.org")

	repo := gitserver.NewRepo(t)
	pgpGood := repo.CommitSigned(t, map[string]string{"v": "1"}, "signed by alice", alice)
	pgpOther := repo.CommitSigned(t, map[string]string{"v": "2"}, "signed by mallory", mallory)
	sshGood := repo.CommitSigned(t, map[string]string{"v": "3"}, "signed by bob", bob)
	sshOther := repo.CommitSigned(t, map[string]string{"v": "4"}, "signed by eve", eve)
	unsigned := repo.Commit(t, map[string]string{"v": "5"}, "unsigned")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)
	mustFetch(t, r, mustResolve(t, r, "commit:"+pgpGood)) // fetches everything

	dir := t.TempDir()
	keyring := filepath.Join(dir, "keyring.asc")
	signers := filepath.Join(dir, "allowed_signers")
	if err := os.WriteFile(keyring, []byte(alice.PublicKey), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(signers, []byte("# trusted\n"+bob.AllowedSigner("bob@example.org")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := LoadVerifier(keyring, signers)
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name, commit, wantSigner string
	}{
		{"OpenPGP", pgpGood, "Alice <alice@example.org>"},
		{"SSH", sshGood, "bob@example.org"},
	} {
		signer, err := r.Verify(tt.commit, v)
		if err != nil {
			t.Errorf("%s: Verify: %v", tt.name, err)
		} else if signer != tt.wantSigner {
			t.Errorf("%s: signer = %q, want %q", tt.name, signer, tt.wantSigner)
		}
	}

	_, err = r.Verify(unsigned, v)
	checkErr(t, err, ErrUnsigned, []string{"commit " + shortHash(unsigned) + " of " + r.URL() + " is not signed"})
	_, err = r.Verify(pgpOther, v)
	checkErr(t, err, ErrUntrusted, []string{"commit " + shortHash(pgpOther), "is signed by OpenPGP key " + mallory.Fingerprint, "not in the keyring"})
	_, err = r.Verify(sshOther, v)
	checkErr(t, err, ErrUntrusted, []string{"commit " + shortHash(sshOther), "signed with SSH key ssh-ed25519 SHA256:", "not in allowed signers"})

	// A keyring alone cannot vouch for SSH signatures, and the reverse.
	pgpOnly, err := NewVerifier(alice.PublicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Verify(sshGood, pgpOnly)
	checkErr(t, err, ErrUntrusted, []string{"no allowed signers are configured"})
	sshOnly, err := NewVerifier("", []byte(bob.AllowedSigner("bob@example.org")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Verify(pgpGood, sshOnly)
	checkErr(t, err, ErrUntrusted, []string{"no OpenPGP keyring is configured"})

	// The key is listed, but not for git signatures.
	fileOnly, err := NewVerifier("", []byte(`bob@example.org namespaces="file" `+bob.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Verify(sshGood, fileOnly)
	checkErr(t, err, ErrUntrusted, []string{"does not trust for this commit", `only for namespaces file, not "git"`})
	// Bob's key was trusted only until before the commit was made.
	expired, err := NewVerifier("", []byte(`bob@example.org valid-before="20000101Z" `+bob.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Verify(sshGood, expired)
	checkErr(t, err, ErrUntrusted, []string{"only before 2000-01-01T00:00:00Z"})
}

// A signature that was valid for the original commit does not verify once
// the commit's content is altered and the signature copied over.
func TestRemoteVerifyTamperedCommit(t *testing.T) {
	t.Parallel()
	bob := gitserver.NewSSHKey(t, "bob@example.org")
	alice := gitserver.NewGPGKey(t, "Alice", "alice@example.org")
	repo := gitserver.NewRepo(t)
	sshSigned := repo.CommitSigned(t, map[string]string{"v": "1"}, "honest", bob)
	pgpSigned := repo.CommitSigned(t, map[string]string{"v": "2"}, "honest too", alice)

	forge := func(signed string) string {
		raw := repo.Git(t, "cat-file", "commit", signed)
		forged := strings.Replace(raw, "honest", "forged", 1)
		f := filepath.Join(t.TempDir(), "commit")
		if err := os.WriteFile(f, []byte(forged+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return repo.Git(t, "hash-object", "-t", "commit", "-w", f)
	}
	forgedSSH, forgedPGP := forge(sshSigned), forge(pgpSigned)
	repo.Git(t, "update-ref", "refs/heads/forged-ssh", forgedSSH)
	repo.Git(t, "update-ref", "refs/heads/forged-pgp", forgedPGP)
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)
	v, err := NewVerifier(alice.PublicKey, []byte(bob.AllowedSigner("bob@example.org")))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ branch, commit, want string }{
		{"forged-ssh", forgedSSH, "SSH signature by bob@example.org"},
		{"forged-pgp", forgedPGP, "OpenPGP signature does not verify"},
	} {
		mustFetch(t, r, mustResolve(t, r, c.branch))
		_, err := r.Verify(c.commit, v)
		checkErr(t, err, ErrUntrusted, []string{"commit " + shortHash(c.commit), c.want})
	}
}

func TestLoadVerifierErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, keyring, signers, wantErr string
	}{
		{"nothing", "", "", "needs an OpenPGP keyring or an allowed signers file"},
		{"missing keyring", filepath.Join(dir, "nope.asc"), "", "nope.asc"},
		{"bad keyring", bad, "", "read OpenPGP keyring"},
		{"bad allowed signers", "", bad, "allowed signers line 1"},
	}
	for _, tt := range tests {
		_, err := LoadVerifier(tt.keyring, tt.signers)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: LoadVerifier error = %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}
