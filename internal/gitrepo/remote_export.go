package gitrepo

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// CommitInfo describes a commit for status output and logs.
type CommitInfo struct {
	Hash   string
	Author string
	Email  string
	// Time is the author time.
	Time time.Time
	// Subject is the first line of the message.
	Subject string
}

// Export writes the files under subdir ("" or "." for all) of a fetched
// commit into dst, creating dst if needed; dst then holds subdir's content,
// not subdir itself. A subdir the commit lacks is an error naming it.
func (r *Remote) Export(ctx context.Context, commit, subdir, dst string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.cachedCommit("export", commit)
	if err != nil {
		return err
	}
	tree, err := c.Tree()
	if err != nil {
		return fmt.Errorf("git export %s: read the tree of commit %s: %w", r.display, shortHash(commit), err)
	}
	sub := path.Clean(filepath.ToSlash(subdir))
	if sub == "/" || strings.HasPrefix(sub, "../") || sub == ".." {
		return fmt.Errorf("git export %s: directory %q is not inside the repository", r.display, subdir)
	}
	sub = strings.TrimPrefix(sub, "/")
	what := fmt.Sprintf("commit %s of %s", shortHash(commit), r.display)
	if sub != "." {
		entry, err := tree.FindEntry(sub)
		if err != nil {
			return newError(ErrPathNotFound, err, "git export %s: commit %s has no directory %s (top level: %s)",
				r.display, shortHash(commit), sub, listSome(entryNames(tree)))
		}
		if entry.Mode != filemode.Dir {
			return newError(ErrPathNotFound, nil, "git export %s: %s is a file in commit %s, not a directory", r.display, sub, shortHash(commit))
		}
		if tree, err = r.repo.TreeObject(entry.Hash); err != nil {
			return fmt.Errorf("git export %s: read %s of commit %s: %w", r.display, sub, shortHash(commit), err)
		}
		what = sub + " of " + what
	}
	start := time.Now()
	if err := writeTree(ctx, r.repo, tree, dst, what); err != nil {
		return err
	}
	r.log.Debug("git export", "url", r.display, "commit", commit, "subdir", sub, "dst", dst, "duration", time.Since(start))
	return nil
}

// CommitInfo describes a fetched commit.
func (r *Remote) CommitInfo(commit string) (CommitInfo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.cachedCommit("log", commit)
	if err != nil {
		return CommitInfo{}, err
	}
	subject, _, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	return CommitInfo{
		Hash:    c.Hash.String(),
		Author:  c.Author.Name,
		Email:   c.Author.Email,
		Time:    c.Author.When,
		Subject: strings.TrimSpace(subject),
	}, nil
}

// cachedCommit reads a commit from the cache for op; a missing one means
// Fetch was not called (or failed), which is the caller's bug, so say so.
func (r *Remote) cachedCommit(op, commit string) (*object.Commit, error) {
	if !isFullHash(commit) {
		return nil, fmt.Errorf("git %s %s: %q is not a full commit hash", op, r.display, commit)
	}
	c, err := r.repo.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, newError(ErrCommitNotFound, err, "git %s %s: commit %s is not in the cache; Fetch it first", op, r.display, shortHash(commit))
	}
	return c, nil
}

func entryNames(t *object.Tree) []string {
	names := make([]string, 0, len(t.Entries))
	for _, e := range t.Entries {
		if e.Mode == filemode.Dir {
			names = append(names, e.Name+"/")
		} else {
			names = append(names, e.Name)
		}
	}
	return names
}
