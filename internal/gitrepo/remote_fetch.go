package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// unshallowDepth is the depth git fetch --unshallow asks for: "all of it",
// sent together with the cache's shallow commits so the server knows what
// history the cache lacks.
const unshallowDepth = math.MaxInt32

// Fetch makes head.Commit available in the cache. When the commit is
// already there it does nothing, not even a network round trip. A branch or
// tag is fetched alone with depth 1; should the shallow fetch fail (go-git
// has known shallow-fetch bugs), the same ref is fetched in full. A pinned
// commit (no RefName) needs every branch and tag fetched in full, as
// servers only hand out commits reachable from a ref.
func (r *Remote) Fetch(ctx context.Context, head Head) error {
	if !isFullHash(head.Commit) {
		return fmt.Errorf("git fetch %s: %q is not a full commit hash", r.display, head.Commit)
	}
	hash := plumbing.NewHash(head.Commit)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hasCommit(hash) {
		r.log.Debug("git commit already cached", "url", r.display, "commit", head.Commit)
		return nil
	}
	ctx, cancel := r.withTimeout(ctx)
	defer cancel()

	if head.RefName == "" {
		specs := []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"}
		if err := r.fetchFn(ctx, specs, r.fullDepth()); err != nil {
			return r.transportError("fetch", err)
		}
		if !r.hasCommit(hash) {
			return newError(ErrCommitNotFound, nil, "git fetch %s: commit %s not found: no branch or tag of the repository contains it", r.display, head.Commit)
		}
		return nil
	}

	specs := []config.RefSpec{config.RefSpec("+" + head.RefName + ":" + head.RefName)}
	err := r.fetchFn(ctx, specs, 1)
	if err != nil && !isTransportFailure(err) {
		r.log.Warn("shallow git fetch failed, fetching the full history", "url", r.display, "ref", head.RefName, "error", err)
		err = r.fetchFn(ctx, specs, r.fullDepth())
	}
	if err != nil {
		return r.transportError("fetch", err)
	}
	if !r.hasCommit(hash) {
		now := "somewhere else"
		if ref, err := r.repo.Reference(plumbing.ReferenceName(head.RefName), true); err == nil {
			now = shortHash(ref.Hash().String())
		}
		return newError(ErrRefMoved, nil, "git fetch %s: %s moved from %s to %s after it was resolved; resolve it again",
			r.display, head.RefName, shortHash(head.Commit), now)
	}
	return nil
}

// fetch runs one fetch of specs into the cache. Tags are fetched only
// through specs, never by following, to keep the cache small.
func (r *Remote) fetch(ctx context.Context, specs []config.RefSpec, depth int) error {
	start := time.Now()
	rem := git.NewRemote(r.repo.Storer, &config.RemoteConfig{Name: "origin", URLs: []string{r.url}, Fetch: specs})
	err := rem.FetchContext(ctx, &git.FetchOptions{
		RefSpecs: specs,
		Depth:    depth,
		Auth:     r.method,
		Tags:     git.NoTags,
		Force:    true,
	})
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		err = nil
	}
	r.log.Debug("git fetch", "url", r.display, "refspecs", specs, "depth", depth, "duration", time.Since(start), "error", err)
	return err
}

// fullDepth is the depth of a fetch that must bring complete history: zero
// for a complete cache, unshallowDepth for a cache holding shallow commits,
// without which the server would assume the cache has their ancestors.
func (r *Remote) fullDepth() int {
	shallow, err := r.repo.Storer.Shallow()
	if err == nil && len(shallow) == 0 {
		return 0
	}
	return unshallowDepth
}

// hasCommit reports whether the commit object is in the cache. A fetch
// writes its pack file whole, so the commit's tree is then there too.
func (r *Remote) hasCommit(h plumbing.Hash) bool {
	_, err := r.repo.CommitObject(h)
	return err == nil
}
