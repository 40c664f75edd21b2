package reconcile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/diag"
)

func gitCacheDir(cache string) string   { return filepath.Join(cache, "git") }
func chartCacheDir(cache string) string { return filepath.Join(cache, "charts") }

// compile writes the commit's tree into a scratch directory, compiles the
// platform directory in it and removes the scratch: the compiled result
// holds its charts in memory. Positions in errors read
// <commit>:<path in the repository>.
func (r *Reconciler) compile(ctx context.Context, commit string) (*compiler.Result, error) {
	if err := os.MkdirAll(r.opts.CacheDir, 0o755); err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(r.opts.CacheDir, "checkout-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	if err := r.remote.Export(ctx, commit, ".", scratch); err != nil {
		return nil, err
	}
	dir := filepath.Join(scratch, filepath.FromSlash(r.opts.Path))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("path %q is not a directory in commit %s", r.opts.Path, short(commit))
	}
	c := compiler.NewCompile(&compiler.Config{CacheDir: chartCacheDir(r.opts.CacheDir), Logger: r.log})
	c.Env = r.opts.Env
	// Sources may not leave the commit's tree; the compiler.Config above
	// never allows external sources: a commit must not read the
	// reconciler's own files.
	c.SourceRoot = scratch
	res, err := c.Run(ctx, dir)
	if err != nil {
		return nil, diag.Relabel(err, scratch+string(filepath.Separator), short(commit)+":")
	}
	return res, nil
}
