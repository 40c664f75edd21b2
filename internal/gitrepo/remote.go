package gitrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
)

// DefaultTimeout bounds each network operation (one ls-remote, one fetch)
// when RemoteOptions.Timeout is zero.
const DefaultTimeout = 5 * time.Minute

// RemoteOptions configure a Remote.
type RemoteOptions struct {
	// URL is the repository: https://, http://, ssh://, user@host:path or
	// file://.
	URL string
	// Auth are the credentials; nil for a public repository.
	Auth *Auth
	// CacheDir holds one bare cache repository per URL. One process at a
	// time may use a cache directory.
	CacheDir string
	// Logger gets debug lines for every network operation; nil discards.
	Logger *slog.Logger
	// Timeout bounds each network operation; zero means DefaultTimeout.
	Timeout time.Duration
}

// Remote is a remote repository with a local bare cache of the commits
// fetched from it. Its methods are safe for concurrent use.
type Remote struct {
	url     string // as given, used to connect
	display string // url with any embedded password redacted, for messages
	auth    *Auth
	method  transport.AuthMethod
	log     *slog.Logger
	timeout time.Duration

	// mu serialises use of the cache repository: go-git's filesystem
	// storage is not safe for concurrent writers.
	mu   sync.Mutex
	dir  string
	repo *git.Repository

	// fetchFn runs one fetch into the cache (r.fetch); tests replace it
	// to make go-git's shallow fetch fail.
	fetchFn func(ctx context.Context, specs []config.RefSpec, depth int) error
}

// NewRemote checks the URL and credentials and opens (or creates) the
// cache repository CacheDir/<first 16 hex digits of sha256(URL)>. It does
// not touch the network.
func NewRemote(opts RemoteOptions) (*Remote, error) {
	if opts.URL == "" {
		return nil, errors.New("git remote: empty URL")
	}
	if opts.CacheDir == "" {
		return nil, fmt.Errorf("git remote %s: no cache directory", RedactURL(opts.URL))
	}
	r := &Remote{
		url:     opts.URL,
		display: RedactURL(opts.URL),
		auth:    opts.Auth,
		log:     opts.Logger,
		timeout: opts.Timeout,
	}
	r.fetchFn = r.fetch
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.timeout <= 0 {
		r.timeout = DefaultTimeout
	}
	ep, err := transport.NewEndpoint(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("git remote %s: invalid URL: %w", r.display, err)
	}
	if r.auth != nil {
		if err := r.auth.validate(); err != nil {
			return nil, fmt.Errorf("git remote %s: %s: %w", r.display, r.auth.source(), err)
		}
	}
	if r.method, err = authMethod(ep, r.auth, r.timeout); err != nil {
		return nil, fmt.Errorf("git remote %s: %w", r.display, err)
	}
	sum := sha256.Sum256([]byte(opts.URL))
	r.dir = filepath.Join(opts.CacheDir, hex.EncodeToString(sum[:])[:16])
	if r.repo, err = openCache(r.dir, r.log); err != nil {
		return nil, fmt.Errorf("git remote %s: cache %s: %w", r.display, r.dir, err)
	}
	return r, nil
}

// URL is the remote's URL with any embedded password redacted.
func (r *Remote) URL() string { return r.display }

// CachePath is the bare cache repository's directory.
func (r *Remote) CachePath() string { return r.dir }

// openCache opens the bare cache repository at dir, creating it when
// missing. A cache that cannot be opened is rebuilt: it holds nothing that
// cannot be fetched again.
func openCache(dir string, log *slog.Logger) (*git.Repository, error) {
	repo, err := git.PlainOpen(dir)
	if err == nil {
		return repo, nil
	}
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		log.Warn("git cache unreadable, rebuilding it", "dir", dir, "error", err)
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	return git.PlainInit(dir, true)
}

// authMethod builds go-git's credentials for the URL's protocol.
func authMethod(ep *transport.Endpoint, a *Auth, timeout time.Duration) (transport.AuthMethod, error) {
	switch ep.Protocol {
	case "http", "https":
		if a == nil {
			return nil, nil // go-git then uses credentials embedded in the URL, if any
		}
		switch {
		case a.BearerToken != "":
			user := a.Username
			if user == "" {
				user = "git"
			}
			return &githttp.BasicAuth{Username: user, Password: a.BearerToken}, nil
		case a.Username != "" || a.Password != "":
			return &githttp.BasicAuth{Username: a.Username, Password: a.Password}, nil
		}
		return nil, nil
	case "ssh":
		return sshAuth(ep, a, timeout)
	}
	return nil, nil
}

// sshAuth logs in with the private key and checks the server against
// KnownHosts, and nothing else: no agent, no ~/.ssh, no unknown hosts.
func sshAuth(ep *transport.Endpoint, a *Auth, timeout time.Duration) (transport.AuthMethod, error) {
	if a == nil || len(a.SSHPrivateKey) == 0 {
		return nil, fmt.Errorf("an ssh URL needs an SSH private key (%q in the credentials)", KeyIdentity)
	}
	if len(a.KnownHosts) == 0 {
		return nil, fmt.Errorf("an ssh URL needs the server's host key (%q in %s); pono never accepts an unknown host key", KeyKnownHosts, a.source())
	}
	user := ep.User
	if user == "" {
		user = a.Username
	}
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeys(user, a.SSHPrivateKey, string(a.SSHPassphrase))
	if err != nil {
		return nil, fmt.Errorf("read the SSH private key in %s: %w", a.source(), err)
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	cb, algos, err := knownHostsCallback(a.KnownHosts, net.JoinHostPort(ep.Host, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", KeyKnownHosts, a.source(), err)
	}
	keys.HostKeyCallbackHelper = gitssh.HostKeyCallbackHelper{HostKeyCallback: cb, HostKeyAlgorithms: algos}
	return &sshKeyAuth{PublicKeys: keys, timeout: timeout}, nil
}

// sshKeyAuth bounds the TCP connect: go-git's SSH transport dials without
// the operation's context, so without a timeout an unreachable host would
// hang for the kernel's connect timeout whatever the caller's deadline.
type sshKeyAuth struct {
	*gitssh.PublicKeys
	timeout time.Duration
}

var _ gitssh.AuthMethod = (*sshKeyAuth)(nil)

func (a *sshKeyAuth) ClientConfig() (*ssh.ClientConfig, error) {
	cfg, err := a.PublicKeys.ClientConfig()
	if err != nil {
		return nil, err
	}
	cfg.Timeout = a.timeout
	return cfg, nil
}

// knownHostsCallback checks host keys against knownHosts. It also returns
// the key algorithms known_hosts has for hostWithPort, so the server is
// asked for a key we can check rather than its preferred one.
func knownHostsCallback(knownHosts []byte, hostWithPort string) (ssh.HostKeyCallback, []string, error) {
	// The known_hosts parsers only read files; the file is gone again
	// before this returns.
	f, err := os.CreateTemp("", "pono-known-hosts-")
	if err != nil {
		return nil, nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(knownHosts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, err
	}
	db, err := gitssh.NewKnownHostsDb(f.Name())
	if err != nil {
		return nil, nil, err
	}
	check := db.HostKeyCallback()
	cb := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		if err := check(hostname, remote, key); err != nil {
			return &hostKeyError{host: hostname, key: key, err: err}
		}
		return nil
	}
	return cb, db.HostKeyAlgorithms(hostWithPort), nil
}

// hasCredentials reports whether any credentials go with requests, to tell
// "wrong credentials" from "credentials needed".
func (r *Remote) hasCredentials() bool {
	if r.method != nil {
		return true
	}
	ep, err := transport.NewEndpoint(r.url)
	return err == nil && ep.Password != ""
}

// withTimeout bounds one network operation.
func (r *Remote) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.timeout)
}
