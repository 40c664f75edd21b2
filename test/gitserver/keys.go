package gitserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Signer is a key CommitSigned can sign with: a *GPGKey or an *SSHKey.
type Signer interface {
	// signArgs are the git -c options and extra environment that make
	// "git commit -S" sign with this key.
	signArgs() (gitArgs, env []string)
}

var (
	_ Signer = (*GPGKey)(nil)
	_ Signer = (*SSHKey)(nil)
)

// GPGKey is an OpenPGP signing key without passphrase in its own
// GNUPGHOME. Its gpg-agent is stopped when the test ends.
type GPGKey struct {
	// Home is the key's GNUPGHOME.
	Home string
	// Fingerprint is the primary key's fingerprint (hex, upper case).
	Fingerprint string
	// UserID is "Name <email>".
	UserID string
	// PublicKey is the armored public key, a keyring holding just this key.
	PublicKey string
}

// NewGPGKey generates an ed25519 OpenPGP key for name and email.
func NewGPGKey(t testing.TB, name, email string) *GPGKey {
	t.Helper()
	gpg := lookPath(t, "gpg", "gpg")
	gpgconf := lookPath(t, "gpgconf", "gpgconf")
	home := shortTempDir(t, "gnupg-")
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env := gitEnv(home, "GNUPGHOME="+home)
	// gpg starts a gpg-agent for this GNUPGHOME on first use; stop exactly
	// that agent, or every test run would leave one behind.
	t.Cleanup(func() {
		cmd := exec.Command(gpgconf, "--kill", "gpg-agent")
		cmd.Env = env
		_ = cmd.Run()
	})
	uid := fmt.Sprintf("%s <%s>", name, email)
	run(t, home, env, gpg, "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-generate-key", uid, "ed25519", "sign", "never")
	var fpr string
	for _, line := range strings.Split(run(t, home, env, gpg, "--batch", "--with-colons", "--list-secret-keys"), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			fpr = f[9]
			break
		}
	}
	if fpr == "" {
		t.Fatalf("gpg generated no key for %s in %s", uid, home)
	}
	pub := run(t, home, env, gpg, "--batch", "--armor", "--export", fpr)
	return &GPGKey{Home: home, Fingerprint: fpr, UserID: uid, PublicKey: pub + "\n"}
}

func (k *GPGKey) signArgs() (gitArgs, env []string) {
	return []string{"-c", "gpg.format=openpgp", "-c", "user.signingkey=" + k.Fingerprint},
		[]string{"GNUPGHOME=" + k.Home}
}

// SSHKey is an ed25519 SSH key pair without passphrase, usable as a client
// key for StartSSH or as a commit signing key.
type SSHKey struct {
	// PrivateKeyFile holds the private key in OpenSSH format.
	PrivateKeyFile string
	// PrivateKey is the content of PrivateKeyFile.
	PrivateKey []byte
	// PublicKey is the authorized_keys line: "ssh-ed25519 AAAA... comment".
	PublicKey string
}

// NewSSHKey generates an ed25519 key pair with comment.
func NewSSHKey(t testing.TB, comment string) *SSHKey {
	t.Helper()
	keygen := lookPath(t, "ssh-keygen", "openssh-client")
	dir := t.TempDir()
	file := filepath.Join(dir, "id_ed25519")
	run(t, dir, gitEnv(dir), keygen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file)
	priv, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(file + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return &SSHKey{PrivateKeyFile: file, PrivateKey: priv, PublicKey: strings.TrimSpace(string(pub))}
}

// AllowedSigner is this key's line in an allowed_signers file (see
// ssh-keygen(1)), trusting it for git signatures by principal.
func (k *SSHKey) AllowedSigner(principal string) string {
	return fmt.Sprintf("%s namespaces=\"git\" %s", principal, k.PublicKey)
}

func (k *SSHKey) signArgs() (gitArgs, env []string) {
	return []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + k.PrivateKeyFile}, nil
}

// EncryptSSHKey returns the OpenSSH private key encrypted with passphrase,
// as ssh-keygen -p writes it.
func EncryptSSHKey(t testing.TB, key []byte, passphrase string) []byte {
	t.Helper()
	keygen := lookPath(t, "ssh-keygen", "openssh-client")
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	if err := os.WriteFile(file, key, 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, dir, gitEnv(dir), keygen, "-q", "-p", "-P", "", "-N", passphrase, "-f", file)
	out, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
