// Package source finds the chart an extension asks for in its source (a
// local directory or archive, a Helm HTTP repository, an OCI registry),
// picks the version its constraint allows, pins it in the lock, and caches
// remote charts by digest so later compiles and --offline need no network.
package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/helmchart"
)

// Options configure a Resolver.
type Options struct {
	// PlatformDir anchors relative source paths.
	PlatformDir string
	// Root is the directory path sources and their charts may not leave:
	// the repository in git modes. Empty means PlatformDir.
	Root string
	// AllowExternal accepts path sources outside Root, each then confined
	// to its own directory. For local use only: the reconciler never sets it.
	AllowExternal bool
	// UpdateLock re-resolves every chart as if there were no lock: newest
	// allowed versions, and digests that differ from the lock accepted.
	UpdateLock bool
	// CacheDir holds charts by digest (charts/sha256/<hex>.tgz).
	CacheDir string
	// Offline forbids network access: remote charts must be in the lock and
	// the cache.
	Offline bool
	// Lock is the current lock; locked versions are preferred while they
	// still satisfy the constraint.
	Lock *Lock
	// Env is the environment compiled: its own lock entries are used, else
	// the base platform's.
	Env        string
	HTTPClient *http.Client
	// Injected answers every request of one source with one chart:
	// `pono ext check` puts a packaged chart into a platform this way.
	Injected *Injected
}

// Injected is a chart served for a source without looking anywhere.
type Injected struct {
	Source string
	Chart  *helmchart.Chart
}

// Resolver resolves charts; it is safe for concurrent use.
type Resolver struct {
	opts Options

	mu       sync.Mutex
	dirs     map[string]*onceValue[*pathIndex]
	indexes  map[string]*onceValue[*repoIndex]
	problems diag.List
	// images are the files read out of images (image.go).
	images []ImageEntry
	// files caches chart directories read, so a chart many charts of a
	// source depend on is read once per compile.
	files *helmchart.FileCache
}

// ErrReported marks an error already reported once for its whole source
// (by CheckPath or in Problems): callers do not repeat it per extension.
var ErrReported = errors.New("already reported for the source")

type reportedErr struct{ error }

func (e reportedErr) Unwrap() []error { return []error{e.error, ErrReported} }

func reported(err error) error { return reportedErr{err} }

// Problems are what resolving found wrong with sources as a whole rather
// than with one request: an unreadable archive or Chart.yaml among a
// source's charts, duplicate keys in a chart's files. Each is listed once,
// however many extensions use the source, positioned at the file.
func (r *Resolver) Problems() diag.List {
	r.mu.Lock()
	defer r.mu.Unlock()
	// A chart several extensions use is read once per extension; what is
	// wrong with it is said once.
	var out diag.List
	seen := map[string]bool{}
	for _, p := range r.problems {
		if k := p.String(); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out.Sorted()
}

func (r *Resolver) addProblems(l diag.List) {
	if len(l) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, l...)
}

type onceValue[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (o *onceValue[T]) get(f func() (T, error)) (T, error) {
	o.once.Do(func() { o.v, o.err = f() })
	return o.v, o.err
}

// New returns a Resolver.
func New(opts Options) *Resolver {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.Lock == nil {
		opts.Lock = &Lock{Version: 1}
	}
	return &Resolver{opts: opts, dirs: map[string]*onceValue[*pathIndex]{}, indexes: map[string]*onceValue[*repoIndex]{}, files: helmchart.NewFileCache()}
}

// Resolved is a chart ready to render, with its lock entry.
type Resolved struct {
	Chart *helmchart.Chart
	Entry LockEntry
}

// Request names a chart in a source.
type Request struct {
	SourceName string
	Source     spec.Source
	Chart      string
	Constraint string
}

// Resolve finds, loads and pins the chart req asks for.
func (r *Resolver) Resolve(ctx context.Context, req Request) (*Resolved, error) {
	cons, err := semver.NewConstraint(req.Constraint)
	if err != nil {
		return nil, fmt.Errorf("version %q is not a version or semver range: %w", req.Constraint, err)
	}
	locked, hasLock := r.opts.Lock.FindFor(r.opts.Env, req.SourceName, req.Chart, req.Constraint)
	var res *Resolved
	switch {
	case r.opts.Injected != nil && req.SourceName == r.opts.Injected.Source:
		ch := r.opts.Injected.Chart
		res = &Resolved{Chart: ch, Entry: LockEntry{Source: req.SourceName, Chart: req.Chart, Constraint: req.Constraint, Version: ch.Version(), Location: ch.Location, Digest: ch.Digest}}
	case req.Source.Path != "":
		res, err = r.resolvePath(req, cons, locked, hasLock)
	case req.Source.Repo != "":
		res, err = r.resolveRepo(ctx, req, cons, locked, hasLock)
	case req.Source.OCI != "":
		res, err = r.resolveOCI(req, cons, locked, hasLock)
	default:
		return nil, fmt.Errorf("source %q has none of path, repo or oci", req.SourceName)
	}
	if err != nil {
		return nil, err
	}
	if res.Chart.IsLibrary() {
		return nil, fmt.Errorf("chart %s is a library chart (type: library), and library charts are not installable: it can only be a dependency of another chart", req.Chart)
	}
	return res, nil
}

// candidate is one version of a chart a source offers.
type candidate struct {
	version string
	// path is a chart directory or archive for path sources, a download URL
	// for repositories.
	path    string
	archive bool
	digest  string // known digest (repository index), if any
}

// pick chooses the locked version when it still satisfies the constraint,
// else the highest satisfying version.
func pick(cands []candidate, cons *semver.Constraints, locked LockEntry, hasLock bool) (candidate, error) {
	type vc struct {
		v *semver.Version
		c candidate
	}
	var ok []vc
	var all []string
	for _, c := range cands {
		all = append(all, c.version)
		v, err := semver.NewVersion(c.version)
		if err != nil || !cons.Check(v) {
			continue
		}
		ok = append(ok, vc{v, c})
	}
	if len(ok) == 0 {
		sort.Strings(all)
		if len(all) == 0 {
			return candidate{}, fmt.Errorf("no versions available")
		}
		return candidate{}, fmt.Errorf("no version satisfies %q (available: %s)", cons.String(), strings.Join(all, ", "))
	}
	if hasLock {
		for _, x := range ok {
			if x.c.version == locked.Version {
				return x.c, nil
			}
		}
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i].v.GreaterThan(ok[j].v) })
	return ok[0].c, nil
}

func (r *Resolver) cachePath(digest string) string {
	return filepath.Join(r.opts.CacheDir, "charts", "sha256", strings.TrimPrefix(digest, "sha256:")+".tgz")
}

// fromCache loads a locked remote chart from the digest cache, if present.
func (r *Resolver) fromCache(locked LockEntry) (*helmchart.Chart, bool) {
	if r.opts.CacheDir == "" || locked.Digest == "" {
		return nil, false
	}
	b, err := os.ReadFile(r.cachePath(locked.Digest))
	if err != nil || helmchart.ArchiveDigest(b) != locked.Digest {
		return nil, false
	}
	ch, err := helmchart.LoadArchiveBytes(b, locked.Location)
	if err != nil {
		return nil, false
	}
	return ch, true
}

func (r *Resolver) storeCache(b []byte) error {
	if r.opts.CacheDir == "" {
		return nil
	}
	return writeCacheFile(r.cachePath(helmchart.ArchiveDigest(b)), b, "chart cache")
}

// writeCacheFile writes a cache file whole or not at all: a temporary
// sibling renamed over it.
func writeCacheFile(p string, b []byte, what string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return os.Rename(tmp.Name(), p)
}

// checkDigest refuses a chart whose version is the one the lock pins but
// whose content is not: a chart republished under an unchanged version is
// what a lock exists to catch. Only UpdateLock accepts it.
func (r *Resolver) checkDigest(req Request, locked LockEntry, hasLock bool, version, digest, location string) error {
	if !hasLock || r.opts.UpdateLock || locked.Digest == "" || locked.Version != version || locked.Digest == digest {
		return nil
	}
	if locked.Env != r.opts.Env && locked.Location != location {
		return nil // the base's chart, and this environment's source has another: it gets an entry of its own
	}
	return fmt.Errorf("chart %s %s at %s is not the chart pono.lock pinned: its digest is %s, the lock says %s; "+
		"it changed without a new version (if that is intended, run pono lock update, or pass --update-lock)",
		req.Chart, version, location, digest, locked.Digest)
}

func checkName(ch *helmchart.Chart, want, where string) error {
	if ch.Name() != want {
		return fmt.Errorf("%s holds chart %q, not %q", where, ch.Name(), want)
	}
	return nil
}
