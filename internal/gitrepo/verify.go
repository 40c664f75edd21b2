package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"github.com/pono-gitops/pono/internal/safefs"
)

// sshNamespace is the namespace git signs commits in (ssh-keygen -Y sign -n git).
const sshNamespace = "git"

// Verifier holds the keys whose commit signatures are trusted.
type Verifier struct {
	// OpenPGPKeyRing is an armored OpenPGP keyring (gpg --armor --export).
	OpenPGPKeyRing string
	// AllowedSigners is an allowed_signers file as git's
	// gpg.ssh.allowedSignersFile reads it (see ssh-keygen(1)). The
	// namespaces, valid-after and valid-before options are honoured;
	// cert-authority lines are not supported and trust nothing.
	AllowedSigners []byte
}

// LoadVerifier reads a keyring and an allowed_signers file; either path
// may be empty, not both.
func LoadVerifier(keyringFile, allowedSignersFile string) (*Verifier, error) {
	var keyring string
	var signers []byte
	if keyringFile != "" {
		b, err := safefs.ReadRegularFile(keyringFile, 0)
		if err != nil {
			return nil, fmt.Errorf("read OpenPGP keyring: %w", err)
		}
		keyring = string(b)
	}
	if allowedSignersFile != "" {
		b, err := safefs.ReadRegularFile(allowedSignersFile, 0)
		if err != nil {
			return nil, fmt.Errorf("read allowed signers: %w", err)
		}
		signers = b
	}
	v, err := NewVerifier(keyring, signers)
	if err != nil {
		return nil, fmt.Errorf("%w (files %q, %q)", err, keyringFile, allowedSignersFile)
	}
	return v, nil
}

// NewVerifier checks a keyring and allowed signers held in memory (from a
// Secret or ConfigMap); either may be empty, not both.
func NewVerifier(openPGPKeyRing string, allowedSigners []byte) (*Verifier, error) {
	if strings.TrimSpace(openPGPKeyRing) == "" && len(bytes.TrimSpace(allowedSigners)) == 0 {
		return nil, errors.New("commit verification needs an OpenPGP keyring or an allowed signers file")
	}
	v := &Verifier{OpenPGPKeyRing: openPGPKeyRing, AllowedSigners: allowedSigners}
	if strings.TrimSpace(openPGPKeyRing) != "" {
		if _, err := openpgp.ReadArmoredKeyRing(strings.NewReader(openPGPKeyRing)); err != nil {
			return nil, fmt.Errorf("read OpenPGP keyring: %w", err)
		}
	}
	if _, err := parseAllowedSigners(allowedSigners); err != nil {
		return nil, err
	}
	return v, nil
}

// Verify checks the signature of a fetched commit and returns who signed
// it: the OpenPGP key's primary user ID, or the principals its
// allowed_signers line names. An unsigned commit is ErrUnsigned; a
// signature by an unknown key, a bad signature or an unsupported kind of
// signature is ErrUntrusted.
func (r *Remote) Verify(commit string, v *Verifier) (signer string, err error) {
	if v == nil {
		return "", fmt.Errorf("verify commit %s of %s: no verifier configured", shortHash(commit), r.display)
	}
	r.mu.Lock()
	c, err := r.cachedCommit("verify", commit)
	r.mu.Unlock()
	if err != nil {
		return "", err
	}
	short := shortHash(commit)
	sig := strings.TrimSpace(c.PGPSignature)
	switch {
	case sig == "":
		return "", newError(ErrUnsigned, nil, "commit %s of %s is not signed", short, r.display)
	case strings.HasPrefix(sig, "-----BEGIN PGP SIGNATURE-----"):
		return r.verifyOpenPGP(short, c.Verify, sig, v)
	case strings.HasPrefix(sig, "-----BEGIN SSH SIGNATURE-----"):
		encoded := &plumbing.MemoryObject{}
		if err := c.EncodeWithoutSignature(encoded); err != nil {
			return "", fmt.Errorf("verify commit %s of %s: %w", short, r.display, err)
		}
		rd, err := encoded.Reader()
		if err != nil {
			return "", fmt.Errorf("verify commit %s of %s: %w", short, r.display, err)
		}
		defer rd.Close()
		payload, err := io.ReadAll(rd)
		if err != nil {
			return "", fmt.Errorf("verify commit %s of %s: %w", short, r.display, err)
		}
		return r.verifySSH(short, payload, sig, c.Committer.When, v)
	}
	return "", newError(ErrUntrusted, nil, "commit %s of %s carries a signature pono cannot check (only OpenPGP and SSH signatures are supported)", short, r.display)
}

func (r *Remote) verifyOpenPGP(short string, check func(string) (*openpgp.Entity, error), sig string, v *Verifier) (string, error) {
	if strings.TrimSpace(v.OpenPGPKeyRing) == "" {
		return "", newError(ErrUntrusted, nil, "commit %s of %s has an OpenPGP signature, but no OpenPGP keyring is configured", short, r.display)
	}
	entity, err := check(v.OpenPGPKeyRing)
	if errors.Is(err, pgperrors.ErrUnknownIssuer) {
		return "", newError(ErrUntrusted, err, "commit %s of %s is signed by OpenPGP key %s, which is not in the keyring", short, r.display, pgpIssuer(sig))
	}
	if err != nil {
		return "", newError(ErrUntrusted, err, "commit %s of %s: OpenPGP signature does not verify: %v", short, r.display, err)
	}
	if id := entity.PrimaryIdentity(); id != nil {
		return id.Name, nil
	}
	return fmt.Sprintf("%X", entity.PrimaryKey.Fingerprint), nil
}

// pgpIssuer names the key an OpenPGP signature claims to be from, for a
// message; "unknown" when the signature does not say.
func pgpIssuer(sig string) string {
	block, err := armor.Decode(strings.NewReader(sig))
	if err != nil {
		return "(unreadable signature)"
	}
	p, err := packet.Read(block.Body)
	if err != nil {
		return "(unreadable signature)"
	}
	if s, ok := p.(*packet.Signature); ok {
		if len(s.IssuerFingerprint) > 0 {
			return fmt.Sprintf("%X", s.IssuerFingerprint)
		}
		if s.IssuerKeyId != nil {
			return fmt.Sprintf("%016X", *s.IssuerKeyId)
		}
	}
	return "(unknown)"
}

func (r *Remote) verifySSH(short string, payload []byte, armored string, when time.Time, v *Verifier) (string, error) {
	sig, err := sshsig.Unarmor([]byte(armored))
	if err != nil {
		return "", newError(ErrUntrusted, err, "commit %s of %s: unreadable SSH signature: %v", short, r.display, err)
	}
	fp := sig.PublicKey.Type() + " " + ssh.FingerprintSHA256(sig.PublicKey)
	if len(bytes.TrimSpace(v.AllowedSigners)) == 0 {
		return "", newError(ErrUntrusted, nil, "commit %s of %s is signed with SSH key %s, but no allowed signers are configured", short, r.display, fp)
	}
	signers, err := parseAllowedSigners(v.AllowedSigners)
	if err != nil {
		return "", fmt.Errorf("verify commit %s of %s: %w", short, r.display, err)
	}
	var reasons []string
	for _, s := range signers {
		ok, why := s.matches(sig.PublicKey, sshNamespace, when)
		if why != "" {
			reasons = append(reasons, why)
		}
		if !ok {
			continue
		}
		if err := sshsig.Verify(bytes.NewReader(payload), sig, s.key, sig.HashAlgorithm, sshNamespace); err != nil {
			return "", newError(ErrUntrusted, err, "commit %s of %s: SSH signature by %s (%s) does not verify: %v", short, r.display, s.principals, fp, err)
		}
		return s.principals, nil
	}
	if len(reasons) > 0 {
		return "", newError(ErrUntrusted, nil, "commit %s of %s is signed with SSH key %s, which allowed signers does not trust for this commit: %s",
			short, r.display, fp, strings.Join(reasons, "; "))
	}
	return "", newError(ErrUntrusted, nil, "commit %s of %s is signed with SSH key %s, which is not in allowed signers", short, r.display, fp)
}
