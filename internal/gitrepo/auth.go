package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/pono-gitops/pono/internal/safefs"
)

// Auth are the credentials for a remote repository. They never appear in
// logs or errors: String, GoString and LogValue redact every secret.
//
// Over HTTPS, Username and Password are sent as basic auth. A BearerToken
// is sent as the basic-auth password too, with Username, or "git" when
// Username is empty. Git hosts take tokens that way (GitHub and Gitea with
// any user name; hosts wanting a particular one, such as Bitbucket's
// "x-token-auth", get it from Username), and so does git's http-backend
// behind a basic-auth proxy, whereas an "Authorization: Bearer" header is
// refused for git traffic by most of them.
//
// Over SSH, SSHPrivateKey (with SSHPassphrase when it is encrypted) logs
// in as the URL's user, else Username, else "git". KnownHosts must name the
// server's host key: there is deliberately no way to accept an unknown one.
type Auth struct {
	Username string
	Password string
	// BearerToken is an access token; see the type's documentation.
	BearerToken string

	SSHPrivateKey []byte
	SSHPassphrase []byte
	// KnownHosts is in OpenSSH known_hosts format.
	KnownHosts []byte

	// Source says where the credentials came from (a directory, a Secret),
	// for error messages: "check the credentials in <Source>".
	Source string
}

// Keys of the files (or Secret data) AuthFromDir and AuthFromSecretData
// read. They follow the names Flux and Argo CD use for git Secrets.
const (
	KeyUsername     = "username"
	KeyPassword     = "password"
	KeyToken        = "token"
	KeyBearerToken  = "bearerToken" // alias of KeyToken
	KeyIdentity     = "identity"    // SSH private key
	KeyIdentityPass = "identity.passphrase"
	KeyKnownHosts   = "known_hosts"
)

const redacted = "<redacted>"

// AuthFromDir reads credentials from the files of dir, laid out like a
// mounted Kubernetes Secret: one file per key (username, password, token or
// bearerToken, identity, identity.passphrase, known_hosts). A missing file
// leaves its field unset; other files (identity.pub, ca.crt, Kubernetes'
// ..data links) are ignored. A missing dir is an error, since the caller
// asked for credentials.
func AuthFromDir(dir string) (*Auth, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("read git credentials: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("read git credentials: %s is not a directory", dir)
	}
	data := map[string][]byte{}
	for _, key := range authKeys {
		b, err := safefs.ReadRegularFile(filepath.Join(dir, key), 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read git credentials from %s: %w", dir, err)
		}
		data[key] = b
	}
	a, err := authFromData(data)
	if err != nil {
		return nil, fmt.Errorf("git credentials in %s: %w", dir, err)
	}
	a.Source = dir
	return a, nil
}

// AuthFromSecretData reads credentials from a Secret's data, with the keys
// AuthFromDir reads. Set Source on the result to name the Secret.
func AuthFromSecretData(data map[string][]byte) (*Auth, error) {
	a, err := authFromData(data)
	if err != nil {
		return nil, fmt.Errorf("git credentials: %w", err)
	}
	a.Source = "the Secret's data"
	return a, nil
}

var authKeys = []string{KeyUsername, KeyPassword, KeyToken, KeyBearerToken, KeyIdentity, KeyIdentityPass, KeyKnownHosts}

func authFromData(data map[string][]byte) (*Auth, error) {
	// Files written by `echo` or editors end in a newline that is never
	// part of a user name, password or token.
	line := func(key string) string { return strings.TrimRight(string(data[key]), "\r\n") }
	a := &Auth{
		Username:      strings.TrimSpace(line(KeyUsername)),
		Password:      line(KeyPassword),
		BearerToken:   strings.TrimSpace(line(KeyToken)),
		SSHPrivateKey: data[KeyIdentity],
		SSHPassphrase: []byte(line(KeyIdentityPass)),
		KnownHosts:    data[KeyKnownHosts],
	}
	if tok := strings.TrimSpace(line(KeyBearerToken)); tok != "" {
		if a.BearerToken != "" && a.BearerToken != tok {
			return nil, fmt.Errorf("both %s and %s are set and differ; set one", KeyToken, KeyBearerToken)
		}
		a.BearerToken = tok
	}
	if len(a.SSHPassphrase) == 0 {
		a.SSHPassphrase = nil
	}
	if err := a.validate(); err != nil {
		return nil, err
	}
	return a, nil
}

// validate rejects combinations that cannot mean anything.
func (a *Auth) validate() error {
	if a.Password != "" && a.BearerToken != "" {
		return fmt.Errorf("both a password and a token are set; set one")
	}
	if len(a.SSHPassphrase) > 0 && len(a.SSHPrivateKey) == 0 {
		return fmt.Errorf("an SSH key passphrase is set without an SSH key (%s)", KeyIdentity)
	}
	return nil
}

// source names where the credentials came from, for error messages.
func (a *Auth) source() string {
	if a == nil || a.Source == "" {
		return "the credentials"
	}
	return a.Source
}

// String describes the credentials with every secret redacted. Value
// receivers, so an Auth printed by value is redacted as well.
func (a Auth) String() string {
	var parts []string
	if a.Username != "" {
		parts = append(parts, fmt.Sprintf("Username: %q", a.Username))
	}
	set := func(name string, isSet bool) {
		if isSet {
			parts = append(parts, name+": "+redacted)
		}
	}
	set("Password", a.Password != "")
	set("BearerToken", a.BearerToken != "")
	set("SSHPrivateKey", len(a.SSHPrivateKey) > 0)
	set("SSHPassphrase", len(a.SSHPassphrase) > 0)
	if len(a.KnownHosts) > 0 {
		// Host keys are public; their count helps debugging.
		parts = append(parts, fmt.Sprintf("KnownHosts: %d lines", strings.Count(strings.TrimSpace(string(a.KnownHosts)), "\n")+1))
	}
	if a.Source != "" {
		parts = append(parts, fmt.Sprintf("Source: %q", a.Source))
	}
	return "gitrepo.Auth{" + strings.Join(parts, ", ") + "}"
}

// GoString is String, so %#v redacts too.
func (a Auth) GoString() string { return a.String() }

// LogValue makes slog print the redacted form.
func (a Auth) LogValue() slog.Value { return slog.StringValue(a.String()) }

var (
	_ fmt.Stringer   = Auth{}
	_ fmt.GoStringer = Auth{}
	_ slog.LogValuer = Auth{}
)
