package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// writeTree writes every file of tree into dst, creating dst if needed.
// Symbolic links are written as links; submodules are skipped. what names
// the tree in errors ("commit 1a2b3c4 of https://...").
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
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("walk the tree of %s: %w", what, err)
		}
		if err := writeEntry(r, root, name, entry); err != nil {
			return fmt.Errorf("export %s: %w", what, err)
		}
	}
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
		target, err := io.ReadAll(rd)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
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
