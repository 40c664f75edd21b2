package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// writeTree writes every file of tree into dst, creating dst if needed.
// Symbolic links are written as links, but only links that stay inside the
// tree: a committed link to /var/run/secrets/... or ../../etc/passwd is an
// error naming it, so nothing that reads the export later can be led out
// of it. Submodules are skipped. what names the tree in errors ("commit
// 1a2b3c4 of https://...").
//
// Writes go through an os.Root, so a hostile tree (an entry named "..", or
// a symbolic link followed by a path through it) cannot write outside dst:
// trees from a remote repository are untrusted input.
func writeTree(ctx context.Context, r *git.Repository, tree *object.Tree, dst, what string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	defer root.Close()
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	var links []string
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("walk the tree of %s: %w", what, err)
		}
		if err := writeEntry(r, root, name, entry); err != nil {
			return fmt.Errorf("export %s: %w", what, err)
		}
		if entry.Mode == filemode.Symlink {
			links = append(links, name)
		}
	}
	// Each link was checked on its own; a chain of links (a -> b/.., b ->
	// ../x) can still lead out, which only resolving the written tree shows.
	for _, name := range links {
		if err := checkResolvedLink(dst, name); err != nil {
			return fmt.Errorf("export %s: %w", what, err)
		}
	}
	return nil
}

// LinkOutsideError is a committed symbolic link that leads outside the
// exported tree.
type LinkOutsideError struct {
	Path   string // slash-separated, inside the tree
	Target string
}

func (e *LinkOutsideError) Error() string {
	return fmt.Sprintf("%s is a symbolic link to %s, outside the repository: refusing to export it", e.Path, e.Target)
}

// checkLinkTarget refuses a link target that is absolute or climbs out of
// the tree from where the link is.
func checkLinkTarget(name, target string) error {
	if target == "" || path.IsAbs(target) || filepath.IsAbs(target) || strings.ContainsRune(target, 0) {
		return &LinkOutsideError{Path: name, Target: target}
	}
	joined := path.Join(path.Dir(name), filepath.ToSlash(target))
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return &LinkOutsideError{Path: name, Target: target}
	}
	return nil
}

// checkResolvedLink refuses a written link whose resolution leaves dst.
func checkResolvedLink(dst, name string) error {
	realRoot, err := filepath.EvalSymlinks(dst)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(dst, filepath.FromSlash(name)))
	if err != nil {
		return nil // dangling inside the tree: reads fail there, harmlessly
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		target, _ := os.Readlink(filepath.Join(dst, filepath.FromSlash(name)))
		return &LinkOutsideError{Path: name, Target: target}
	}
	return nil
}

// writeEntry writes one tree entry, name being its slash-separated path.
func writeEntry(r *git.Repository, root *os.Root, name string, entry object.TreeEntry) error {
	p := filepath.FromSlash(name)
	switch entry.Mode {
	case filemode.Dir:
		return root.MkdirAll(p, 0o755)
	case filemode.Submodule:
		return nil
	}
	blob, err := r.BlobObject(entry.Hash)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	rd, err := blob.Reader()
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer rd.Close()
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return err
		}
	}
	if entry.Mode == filemode.Symlink {
		target, err := io.ReadAll(io.LimitReader(rd, 4096))
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if err := checkLinkTarget(name, string(target)); err != nil {
			return err
		}
		return root.Symlink(string(target), p)
	}
	mode := os.FileMode(0o644)
	if entry.Mode == filemode.Executable {
		mode = 0o755
	}
	f, err := root.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rd); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}
