package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Sentinel errors, for errors.Is. A reconcile loop can tell from them
// whether retrying can help: authentication, host key, missing repository,
// ref or commit, and signature errors need a change of configuration or of
// the repository; anything else may be transient.
var (
	ErrAuthFailed         = errors.New("git authentication failed")
	ErrHostKey            = errors.New("SSH host key not trusted")
	ErrRepositoryNotFound = errors.New("git repository not found")
	ErrRefNotFound        = errors.New("git ref not found")
	ErrRefMoved           = errors.New("git ref moved after it was resolved")
	ErrCommitNotFound     = errors.New("git commit not found")
	ErrPathNotFound       = errors.New("directory not found in the commit")
	ErrUnsigned           = errors.New("commit is not signed")
	ErrUntrusted          = errors.New("commit signature is not trusted")
)

// gitError carries a message pono writes itself, so it names the URL and
// says what to do and never repeats whatever a lower layer put in its
// message (a server's reply, a credential), while still unwrapping to its
// sentinel and cause.
type gitError struct {
	msg  string
	errs []error
}

func (e *gitError) Error() string   { return e.msg }
func (e *gitError) Unwrap() []error { return e.errs }

func newError(sentinel, cause error, format string, args ...any) error {
	errs := []error{sentinel}
	if cause != nil {
		errs = append(errs, cause)
	}
	return &gitError{msg: fmt.Sprintf(format, args...), errs: errs}
}

// transportError turns what go-git's transports return for a network
// operation ("ls-remote", "fetch") into an error that says what went wrong
// and what to check.
func (r *Remote) transportError(op string, err error) error {
	prefix := "git " + op + " " + r.display
	var hk *hostKeyError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", prefix, err)
	case errors.As(err, &hk):
		return hk.explain(prefix)
	case errors.Is(err, transport.ErrAuthenticationRequired), isSSHAuthFailure(err):
		if !r.hasCredentials() {
			return newError(ErrAuthFailed, err, "%s: authentication required, and no credentials are configured", prefix)
		}
		return newError(ErrAuthFailed, err, "%s: authentication failed (%s)", prefix, r.checkCredentials())
	case errors.Is(err, transport.ErrAuthorizationFailed):
		return newError(ErrAuthFailed, err, "%s: access denied (%s and their access to the repository)", prefix, r.checkCredentials())
	case errors.Is(err, transport.ErrRepositoryNotFound):
		if !r.hasCredentials() {
			return newError(ErrRepositoryNotFound, err, "%s: repository not found (or it is private and needs credentials)", prefix)
		}
		return newError(ErrRepositoryNotFound, err, "%s: repository not found", prefix)
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		return newError(ErrRefNotFound, err, "%s: the repository is empty (nothing has been pushed to it)", prefix)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// checkCredentials says where to look for the credentials that failed.
func (r *Remote) checkCredentials() string {
	switch {
	case r.auth != nil && r.auth.Source != "":
		return "check the credentials in " + r.auth.Source
	case r.method == nil:
		return "check the credentials in the URL"
	}
	return "check the credentials"
}

// isSSHAuthFailure recognises the SSH client's refusal: x/crypto/ssh has
// no sentinel for it, only this message.
func isSSHAuthFailure(err error) bool {
	return err != nil && strings.Contains(err.Error(), "ssh: unable to authenticate")
}

// hostKeyError is what the SSH host key callback returns; it remembers
// the key the server presented, so the message can show its fingerprint.
type hostKeyError struct {
	host string
	key  ssh.PublicKey
	err  error
}

func (e *hostKeyError) Error() string { return e.err.Error() }
func (e *hostKeyError) Unwrap() error { return e.err }

func (e *hostKeyError) explain(prefix string) error {
	presented := e.key.Type() + " " + ssh.FingerprintSHA256(e.key)
	var ke *knownhosts.KeyError
	if errors.As(e.err, &ke) && len(ke.Want) > 0 {
		return newError(ErrHostKey, e, "%s: the host key of %s (%s) does not match known_hosts: the server's key changed, or something intercepts the connection", prefix, e.host, presented)
	}
	var re *knownhosts.RevokedError
	if errors.As(e.err, &re) {
		return newError(ErrHostKey, e, "%s: the host key of %s (%s) is revoked in known_hosts", prefix, e.host, presented)
	}
	return newError(ErrHostKey, e, "%s: known_hosts does not contain the host %s (it presented %s)", prefix, e.host, presented)
}

// isTransportFailure reports errors of reaching or being admitted by the
// server, which a second fetch with other options cannot fix.
func isTransportFailure(err error) bool {
	var hk *hostKeyError
	var ne net.Error
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &hk) || errors.As(err, &ne) || isSSHAuthFailure(err) ||
		errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) ||
		errors.Is(err, transport.ErrRepositoryNotFound) || errors.Is(err, transport.ErrEmptyRemoteRepository)
}

// RedactURL hides a password embedded in a repository address
// (https://user:pass@host becomes https://user:xxxxx@host), keeping the user
// name so the address still says which account is used. scp-like addresses
// (git@host:path) carry no password and are returned as they are.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
		return u.Redacted()
	}
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		if user := raw[:at]; strings.Contains(user, ":") {
			name, _, _ := strings.Cut(user, ":")
			return name + ":xxxxx" + raw[at:]
		}
	}
	return raw
}
