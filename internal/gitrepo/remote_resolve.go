package gitrepo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Head is a ref resolved to a commit.
type Head struct {
	// Ref is what was asked for, with KindAuto replaced by the kind it
	// turned out to be (a HEAD ref becomes the default branch).
	Ref Ref
	// RefName is the full name of the ref the commit came from,
	// "refs/heads/main" or "refs/tags/v1.2.0"; empty for a pinned commit.
	RefName string
	// Commit is the commit's full hash. For an annotated tag it is the
	// commit the tag points to, not the tag object.
	Commit string
}

// String reads like "branch:main at 1a2b3c4".
func (h Head) String() string {
	s := h.Ref.String()
	if h.Ref.Kind == KindSemver && h.RefName != "" {
		s += " (" + strings.TrimPrefix(h.RefName, "refs/tags/") + ")"
	}
	return s + " at " + shortHash(h.Commit)
}

// remoteRefs is what one ls-remote told about the remote.
type remoteRefs struct {
	branches map[string]string // name → commit
	tags     map[string]string // name → commit (annotated tags peeled)
	head     string            // the default branch's name, if the server said
}

// Resolve asks the remote which commit ref points at, with a single
// ls-remote and no fetch. A pinned commit is returned as it is, without
// any network access; Fetch finds out whether the remote has it.
func (r *Remote) Resolve(ctx context.Context, ref Ref) (Head, error) {
	if ref.Kind == KindCommit {
		if !isFullHash(ref.Name) {
			return Head{}, fmt.Errorf("git ref %s: a commit must be given as its full 40-character hash", ref)
		}
		return Head{Ref: ref, Commit: strings.ToLower(ref.Name)}, nil
	}
	refs, err := r.listRefs(ctx)
	if err != nil {
		return Head{}, err
	}
	switch ref.Kind {
	case KindBranch:
		if c, ok := refs.branches[ref.Name]; ok {
			return Head{Ref: ref, RefName: "refs/heads/" + ref.Name, Commit: c}, nil
		}
		return Head{}, r.refNotFound(fmt.Sprintf("branch %q", ref.Name), refs)
	case KindTag:
		if c, ok := refs.tags[ref.Name]; ok {
			return Head{Ref: ref, RefName: "refs/tags/" + ref.Name, Commit: c}, nil
		}
		return Head{}, r.refNotFound(fmt.Sprintf("tag %q", ref.Name), refs)
	case KindSemver:
		return r.resolveSemver(ref, refs)
	case KindAuto:
		name := ref.Name
		if name == "HEAD" {
			if refs.head == "" {
				return Head{}, newError(ErrRefNotFound, nil, "git ls-remote %s: the server did not say which branch HEAD is; name a branch", r.display)
			}
			name = refs.head
		}
		if c, ok := refs.branches[name]; ok {
			return Head{Ref: Ref{Kind: KindBranch, Name: name}, RefName: "refs/heads/" + name, Commit: c}, nil
		}
		if c, ok := refs.tags[name]; ok {
			return Head{Ref: Ref{Kind: KindTag, Name: name}, RefName: "refs/tags/" + name, Commit: c}, nil
		}
		return Head{}, r.refNotFound(fmt.Sprintf("branch or tag %q", name), refs)
	}
	return Head{}, fmt.Errorf("git ref %s: unknown kind %q", ref, ref.Kind)
}

// listRefs runs one ls-remote against a throw-away in-memory remote, so
// resolving never touches the cache.
func (r *Remote) listRefs(ctx context.Context) (*remoteRefs, error) {
	ctx, cancel := r.withTimeout(ctx)
	defer cancel()
	start := time.Now()
	rem := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{r.url}})
	list, err := rem.ListContext(ctx, &git.ListOptions{Auth: r.method, PeelingOption: git.AppendPeeled})
	if err != nil {
		r.log.Debug("git ls-remote failed", "url", r.display, "duration", time.Since(start), "error", err)
		return nil, r.transportError("ls-remote", err)
	}
	refs := &remoteRefs{branches: map[string]string{}, tags: map[string]string{}}
	peeled := map[string]string{}
	for _, ref := range list {
		name := ref.Name().String()
		if ref.Type() == plumbing.SymbolicReference {
			if name == "HEAD" {
				refs.head = strings.TrimPrefix(ref.Target().String(), "refs/heads/")
			}
			continue
		}
		if tag, ok := strings.CutSuffix(name, "^{}"); ok {
			peeled[strings.TrimPrefix(tag, "refs/tags/")] = ref.Hash().String()
			continue
		}
		if b, ok := strings.CutPrefix(name, "refs/heads/"); ok {
			refs.branches[b] = ref.Hash().String()
		} else if t, ok := strings.CutPrefix(name, "refs/tags/"); ok {
			refs.tags[t] = ref.Hash().String()
		}
	}
	for t, c := range peeled {
		if _, ok := refs.tags[t]; ok {
			refs.tags[t] = c
		}
	}
	r.log.Debug("git ls-remote", "url", r.display, "branches", len(refs.branches), "tags", len(refs.tags), "duration", time.Since(start))
	return refs, nil
}

// resolveSemver picks the highest tag matching the constraint. Tags may
// carry a leading "v"; when both "v1.2.0" and "1.2.0" exist, "v1.2.0" wins,
// so the choice never depends on map order.
func (r *Remote) resolveSemver(ref Ref, refs *remoteRefs) (Head, error) {
	c, err := semver.NewConstraint(ref.Name)
	if err != nil {
		return Head{}, fmt.Errorf("git ref %s: invalid semver constraint: %w", ref, err)
	}
	var best *semver.Version
	var bestTag string
	var versions []*semver.Version
	byVersion := map[*semver.Version]string{}
	for tag := range refs.tags {
		v, err := semver.NewVersion(tag)
		if err != nil {
			continue
		}
		versions = append(versions, v)
		byVersion[v] = tag
		if !c.Check(v) {
			continue
		}
		if best == nil || v.GreaterThan(best) || v.Equal(best) && tag > bestTag {
			best, bestTag = v, tag
		}
	}
	if best != nil {
		return Head{Ref: ref, RefName: "refs/tags/" + bestTag, Commit: refs.tags[bestTag]}, nil
	}
	if len(versions) == 0 {
		return Head{}, newError(ErrRefNotFound, nil, "git ls-remote %s: no tag matches semver %q: the repository has no version tags (tags: %s)",
			r.display, ref.Name, listSome(slices.Sorted(maps.Keys(refs.tags))))
	}
	slices.SortFunc(versions, func(a, b *semver.Version) int { return b.Compare(a) })
	names := make([]string, len(versions))
	for i, v := range versions {
		names[i] = byVersion[v]
	}
	return Head{}, newError(ErrRefNotFound, nil, "git ls-remote %s: no tag matches semver %q (version tags, highest first: %s)",
		r.display, ref.Name, listSome(names))
}

// refNotFound says what the remote has instead.
func (r *Remote) refNotFound(what string, refs *remoteRefs) error {
	return newError(ErrRefNotFound, nil, "git ls-remote %s: %s not found (branches: %s; tags: %s)",
		r.display, what, listSome(slices.Sorted(maps.Keys(refs.branches))), listSome(slices.Sorted(maps.Keys(refs.tags))))
}

// listSome lists up to ten names, saying how many more there are.
func listSome(names []string) string {
	const limit = 10
	if len(names) == 0 {
		return "none"
	}
	if len(names) <= limit {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:limit], ", "), len(names)-limit)
}
