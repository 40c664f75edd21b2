package diff

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/internal/gitrepo"
)

// GitDiff compares the platform in a directory at two git revisions,
// without a cluster and without touching the working tree.
type GitDiff struct {
	// Base is the revision to compare from (branch, tag, commit, HEAD~1).
	Base string
	// Head is the revision to compare to; empty means the working tree.
	Head string
	// Env is the environment overlay compiled on both sides.
	Env     string
	Offline bool
	// Locked fails when the head side's pono.lock is missing an entry or
	// would change (compile --locked); the base compiles as committed, so
	// a change that repairs a stale lock can still be shown.
	Locked bool

	cfg *compiler.Config
}

// NewGitDiff returns a GitDiff compiling with cfg. Both sides share one
// render cache, so a release whose inputs are identical on both sides is
// rendered once.
func NewGitDiff(cfg *compiler.Config) *GitDiff {
	c := *cfg
	if c.RenderCache == nil {
		c.RenderCache = compiler.NewRenderCache()
	}
	return &GitDiff{cfg: &c}
}

// Run compiles dir at Base and at Head and compares them.
func (d *GitDiff) Run(ctx context.Context, dir string) (*Report, error) {
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return nil, err
	}
	rel, err := repo.Rel(dir)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp("", "pono-diff-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)

	baseRes, baseName, err := d.compileAt(ctx, repo, d.Base, rel, filepath.Join(scratch, "base"), false)
	if err != nil {
		return nil, err
	}
	var headRes *compiler.Result
	headName := "working tree"
	if d.Head == "" {
		headRes, err = d.compile(ctx, dir, repo.Root(), d.Locked)
		if err != nil {
			return nil, fmt.Errorf("working tree: %w", err)
		}
	} else {
		headRes, headName, err = d.compileAt(ctx, repo, d.Head, rel, filepath.Join(scratch, "head"), d.Locked)
		if err != nil {
			return nil, err
		}
	}
	r, err := Compare(baseRes, headRes, baseName, headName)
	if err != nil {
		return nil, err
	}
	r.Lock = baseRes.LockDiff(headRes)
	return r, nil
}

func (d *GitDiff) compileAt(ctx context.Context, repo *gitrepo.Repo, rev, rel, dst string, locked bool) (*compiler.Result, string, error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, "", err
	}
	commit, err := repo.Export(ctx, rev, dst)
	if err != nil {
		return nil, "", err
	}
	name := rev + " (" + commit[:12] + ")"
	platformDir := filepath.Join(dst, rel)
	res, err := d.compile(ctx, platformDir, dst, locked)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, diag.Relabel(err, dst+string(filepath.Separator), commit[:12]+":"))
	}
	return res, name, nil
}

// compile compiles dir; path sources may not leave root, the repository.
func (d *GitDiff) compile(ctx context.Context, dir, root string, locked bool) (*compiler.Result, error) {
	c := compiler.NewCompile(d.cfg)
	c.SourceRoot = root
	c.Env = d.Env
	c.Offline = d.Offline
	c.Locked = locked
	return c.Run(ctx, dir)
}
