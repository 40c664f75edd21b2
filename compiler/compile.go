// Package compiler turns a platform description into Helm releases,
// canonical rendered manifests and a lock file. It is pure: files in,
// releases and manifests out; it never talks to a cluster.
package compiler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/cachedir"
	"github.com/pono-gitops/pono/internal/helmchart"
	"github.com/pono-gitops/pono/internal/sopsfile"
)

// Config holds what every compile shares: where charts are cached, how to
// reach the network, where to log.
type Config struct {
	// CacheDir caches remote charts by digest. Empty disables the cache.
	CacheDir   string
	HTTPClient *http.Client
	Logger     *slog.Logger
	// RenderCache, when set, is shared between compiles: a release whose
	// digest was rendered before is not rendered again (pono diff compiles
	// two revisions and renders only what changed).
	RenderCache *RenderCache
	// AllowExternalSources accepts path sources outside the platform
	// directory (SourceRoot), for local use. The reconciler never sets it:
	// a commit must not read charts from the reconciler's file system.
	AllowExternalSources bool
	// AgeKeyFile holds the age identities SOPS-encrypted platform files
	// are decrypted with; empty: $SOPS_AGE_KEY_FILE, then $SOPS_AGE_KEY
	// (sopsfile.Keys).
	AgeKeyFile string
}

// RenderCache remembers rendered releases by release digest. It is safe
// for concurrent use.
type RenderCache struct {
	mu sync.Mutex
	m  map[string]rendered
	// hits counts reused renders, for tests and benchmarks.
	hits int
}

// NewRenderCache returns an empty cache.
func NewRenderCache() *RenderCache { return &RenderCache{m: map[string]rendered{}} }

// Hits is how many releases were served from the cache.
func (c *RenderCache) Hits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits
}

func (c *RenderCache) get(digest string) (rendered, bool) {
	if c == nil {
		return rendered{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[digest]
	if ok {
		c.hits++
	}
	return r, ok
}

func (c *RenderCache) put(digest string, r rendered) {
	if c == nil || r.err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[digest] = r
}

// DefaultCacheDir is $PONO_CACHE, else the user cache directory's pono.
func DefaultCacheDir() string { return cachedir.Default() }

// Compile compiles a platform directory. Its fields are the options.
type Compile struct {
	// Env names an overlay under environments/ merged on top of the base.
	Env string
	// Offline forbids network access; remote charts come from lock + cache.
	Offline bool
	// Locked fails when the lock file would change or has problems.
	Locked bool
	// UpdateLock re-resolves every chart ignoring the lock: newest allowed
	// versions, and charts whose content changed under a locked version
	// accepted (without it that is an error).
	UpdateLock bool
	// SourceRoot is the directory path sources may not leave: the
	// repository in git modes. Empty means the platform directory.
	SourceRoot string
	// SchemaOnly checks the platform files (schema, sources, needs) without
	// resolving or rendering charts: for platforms whose charts are not at
	// hand, such as a description reviewed before its charts are published.
	SchemaOnly bool
	// MetadataOnly resolves every chart and describes the extensions from
	// the charts' metadata (Result.Extensions, Result.Workflows) without
	// checking parameters or rendering: `pono ext list` shows the
	// Extensions page of a platform whose releases do not all compile.
	// Result.Releases and Result.Manifests stay empty.
	MetadataOnly bool
	// Concurrency bounds parallel chart loading and rendering (default:
	// the number of CPUs).
	Concurrency int

	cfg *Config
	// injected is the packaged chart CheckChart checks (checkchart.go).
	injected *injectedChart
}

// NewCompile returns a Compile using cfg.
func NewCompile(cfg *Config) *Compile {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Compile{cfg: cfg}
}

// Run compiles the platform in dir. Invalid input returns a *diag.Err
// holding every problem found.
func (c *Compile) Run(ctx context.Context, dir string) (*Result, error) {
	loaded, err := spec.LoadWith(ctx, dir, c.Env, sopsfile.NewKeys(c.cfg.AgeKeyFile))
	if err != nil {
		return nil, err
	}
	c.injected.addTo(&loaded.Platform)
	oldLock, lockProblems, err := c.readLock(dir)
	if err != nil {
		return nil, err
	}
	b := &build{
		ctx:          ctx,
		dir:          dir,
		p:            &loaded.Platform,
		pos:          loaded.Positions,
		workers:      c.workers(),
		logger:       c.cfg.Logger,
		cache:        c.cfg.RenderCache,
		metadataOnly: c.MetadataOnly,
		resolver: source.New(source.Options{PlatformDir: dir, Root: c.SourceRoot, AllowExternal: c.cfg.AllowExternalSources, UpdateLock: c.UpdateLock,
			CacheDir: c.cfg.CacheDir, Offline: c.Offline, Lock: oldLock, Env: c.Env, HTTPClient: c.cfg.HTTPClient, Injected: c.injected.source()}),
		charts:     map[string]*helmchart.Chart{},
		badSources: map[string]bool{},
		diags:      lockProblems,
	}
	if c.SchemaOnly {
		res := &Result{Platform: b.platformInfo(), lock: oldLock}
		b.checkStatic(res)
		if b.diags.HasErrors() {
			return nil, b.diags.AsError()
		}
		res.Warnings = b.diags.Warnings()
		return res, nil
	}
	res := b.run()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.diags = append(b.diags, b.resolver.Problems()...)
	b.scrubSecrets()
	if b.diags.HasErrors() {
		return nil, b.diags.AsError()
	}
	// Entries this run did not ask for stay while another environment asks
	// for them: a lock must not flip between environments.
	res.lock, res.LockChanges = c.settleLock(b, dir, oldLock, len(lockProblems) > 0)
	if b.diags.HasErrors() {
		return nil, b.diags.AsError()
	}
	if c.Locked && len(res.LockChanges) > 0 {
		l := diag.List{}
		for _, ch := range res.LockChanges {
			l = append(l, diag.Diagnostic{Pos: filepath.Join(dir, source.LockFileName), Message: "--locked, but the lock would change: " + ch})
		}
		return nil, l.AsError()
	}
	res.Warnings = b.diags.Warnings()
	return res, nil
}

func (c *Compile) workers() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return runtime.GOMAXPROCS(0)
}

// build is the state of one compile run.
type build struct {
	ctx      context.Context
	dir      string
	p        *spec.Platform
	pos      *spec.Positions
	workers  int
	logger   *slog.Logger
	resolver *source.Resolver
	cache    *RenderCache

	mu          sync.Mutex
	diags       diag.List
	lockEntries []source.LockEntry
	charts      map[string]*helmchart.Chart // by release name
	// chartGlobals are the globals of the chart globalsFrom names.
	chartGlobals map[string]any
	metadataOnly bool
	// badSources are path sources already reported (missing, outside).
	badSources map[string]bool
}

func (b *build) errAt(path spec.Path, subject, format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.diags = append(b.diags, diag.At(b.pos.Of(path), subject, format, args...))
}

func (b *build) warn(subject, format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.diags = append(b.diags, diag.Diagnostic{Severity: diag.Warning, Subject: subject, Message: fmt.Sprintf(format, args...)})
}

// parallel runs f for 0..n-1 on b.workers goroutines.
func (b *build) parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(b.workers, max(n, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		if b.ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}
