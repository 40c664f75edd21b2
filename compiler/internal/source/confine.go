package source

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/safefs"
)

// ErrOutside marks a path source that leads outside the directory sources
// are confined to. The compiler reports it once, at sources.<name>.path,
// so resolving an extension from that source returns it unreported.
var ErrOutside = errors.New("source path outside the platform")

// sourcePath is a path source located: the path as the platform names it
// (abs: joined with the platform directory, not resolved) and the
// directory reads from it are confined to.
type sourcePath struct {
	path    string // platform dir joined with the source path
	confine string // the directory no read may leave
}

// boundary is the directory path sources may not leave.
func (r *Resolver) boundary() string {
	if r.opts.Root != "" {
		return r.opts.Root
	}
	return r.opts.PlatformDir
}

// CheckPath checks that a path source stays inside the platform directory
// (Options.Root in git modes), links resolved, unless Options.AllowExternal.
// Sources other than path sources pass.
func (r *Resolver) CheckPath(s spec.Source) error {
	_, err := r.locate(s)
	return err
}

func (r *Resolver) locate(s spec.Source) (sourcePath, error) {
	p := filepath.FromSlash(s.Path)
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.opts.PlatformDir, p)
	}
	bound := r.boundary()
	inside := lexicallyWithin(bound, p)
	if inside {
		if _, err := os.Lstat(p); err == nil {
			ok, err := safefs.Within(bound, p)
			inside = err == nil && ok
		}
	}
	if inside {
		return sourcePath{path: p, confine: bound}, nil
	}
	if !r.opts.AllowExternal {
		what := "the platform directory " + bound
		if r.opts.Root != "" {
			what = "the repository"
		}
		how := ""
		if target, err := filepath.EvalSymlinks(p); err == nil && lexicallyWithin(bound, p) {
			abs, _ := filepath.Abs(target)
			how = " through a symbolic link (to " + abs + ")"
		}
		return sourcePath{}, &outsideError{msg: fmt.Sprintf("path %q leads outside %s%s; charts must live there (--allow-external-sources accepts others for a local run; the reconciler never does)", s.Path, what, how)}
	}
	// Opted in: the source's own directory is the boundary for its charts.
	confine := p
	if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
		confine = filepath.Dir(p)
	}
	return sourcePath{path: p, confine: confine}, nil
}

type outsideError struct{ msg string }

func (e *outsideError) Error() string        { return e.msg }
func (e *outsideError) Is(target error) bool { return target == ErrOutside }

func lexicallyWithin(root, p string) bool {
	ar, err1 := filepath.Abs(root)
	ap, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ar, ap)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
