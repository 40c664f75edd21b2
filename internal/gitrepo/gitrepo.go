// Package gitrepo is the only package in pono that imports go-git.
//
// Locally (Repo) it finds the repository holding a platform directory and
// writes the files of a revision into a scratch directory, so a platform can
// be compiled as it was at any commit without touching the working tree.
//
// Remotely (Remote) it is the git side of pono reconcile: it resolves a
// branch, tag, semver range or commit with one ls-remote, fetches just that
// commit into a bare cache repository, exports a subdirectory of it, and
// verifies its OpenPGP or SSH signature.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Repo is an opened local repository.
type Repo struct {
	r    *git.Repository
	root string
}

// Open finds the repository containing dir (dir or any parent).
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	r, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s is not inside a git repository", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open git worktree: %w", err)
	}
	return &Repo{r: r, root: wt.Filesystem.Root()}, nil
}

// Root is the repository's top directory.
func (g *Repo) Root() string { return g.root }

// Rel returns dir relative to the repository root.
func (g *Repo) Rel(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	abs, _ = filepath.EvalSymlinks(abs)
	root, _ := filepath.EvalSymlinks(g.root)
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside the repository %s", dir, g.root)
	}
	return rel, nil
}

// Resolve turns a revision (branch, tag, commit, HEAD~2...) into a commit hash.
func (g *Repo) Resolve(rev string) (string, error) {
	h, err := g.r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return "", fmt.Errorf("resolve revision %q: %w", rev, err)
	}
	return h.String(), nil
}

// Export writes every file of the tree at rev into dst and returns the
// commit hash. Symbolic links are written as links; submodules are skipped.
func (g *Repo) Export(ctx context.Context, rev, dst string) (string, error) {
	hash, err := g.Resolve(rev)
	if err != nil {
		return "", err
	}
	commit, err := g.r.CommitObject(plumbing.NewHash(hash))
	if err != nil {
		return "", fmt.Errorf("read commit %s: %w", hash, err)
	}
	tree, err := commit.Tree()
	if err != nil {
		return "", fmt.Errorf("read tree of %s: %w", hash, err)
	}
	if err := writeTree(ctx, g.r, tree, dst, "commit "+shortHash(hash)); err != nil {
		return "", err
	}
	return hash, nil
}

// shortHash is the 7-character abbreviation git prints.
func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
