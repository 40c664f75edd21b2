// Package safefs reads files that a pull request controls. A platform
// directory, a chart directory or an exported git revision is hostile
// input: a symbolic link may point at the reconciler's service-account
// token, a FIFO may block forever, /dev/zero or a 2 GB file may exhaust
// memory. Everything here reads only regular files, never through a link
// that leaves the directory it was given, and never more than a limit.
//
// It is built on os.Root, which resolves every path component inside the
// root, so a link that escapes is refused by the kernel-facing code rather
// than by a lexical check that a later component could defeat.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DefaultMaxFileBytes bounds one file read through this package: 32 MiB,
// more than any platform file, chart file or chart archive Kaapana ships
// (the largest, kaapana-admin-chart's packaged form, is under 1 MiB).
// PONO_MAX_FILE_BYTES overrides it for every command (docs/platform.md).
const DefaultMaxFileBytes int64 = 32 << 20

// MaxFileBytes is the limit in force: DefaultMaxFileBytes unless the
// environment variable PONO_MAX_FILE_BYTES holds a positive integer.
func MaxFileBytes() int64 {
	if s := os.Getenv("PONO_MAX_FILE_BYTES"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return DefaultMaxFileBytes
}

// ErrEscapes, ErrNotRegular and ErrTooLarge classify refusals; the errors
// returned wrap one of them, so callers can test with errors.Is.
var (
	ErrEscapes    = errors.New("leads outside the directory")
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file too large")
)

// LinkError is a symbolic link whose target lies outside the root.
type LinkError struct {
	Link   string // the link, as the user would name it
	Target string // what the link says
	Root   string // the directory it may not leave
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("%s is a symbolic link to %s, outside %s: refusing to follow it", e.Link, e.Target, e.Root)
}

func (e *LinkError) Unwrap() error { return ErrEscapes }

// NotRegularError is a path that is a device, FIFO, socket or directory
// where a file was expected.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, describeMode(e.Mode))
}

func (e *NotRegularError) Unwrap() error { return ErrNotRegular }

// TooLargeError is a file over the limit.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, the limit for one file (set PONO_MAX_FILE_BYTES to raise it)", e.Path, humanBytes(e.Limit))
}

func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadRegularFile reads a file named on the command line: it must be a
// regular file (links are followed: the user named it) of at most limit
// bytes (MaxFileBytes when limit <= 0).
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxFileBytes()
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, path, limit)
}

func readLimited(f *os.File, display string, limit int64) ([]byte, error) {
	// The file may have been swapped for a FIFO between Stat and Open.
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: display, Mode: fi.Mode()}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: display, Limit: limit}
	}
	return b, nil
}

// Dir is a directory that reads may not leave.
type Dir struct {
	root    *os.Root
	path    string // absolute, links resolved
	display string // as the caller names it in messages
	limit   int64
}

// Open opens dir for confined reads. display is how messages name the
// directory (usually the path the user typed); empty means dir itself.
func Open(dir, display string) (*Dir, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(real)
	if err != nil {
		return nil, err
	}
	if display == "" {
		display = dir
	}
	return &Dir{root: r, path: real, display: filepath.Clean(display), limit: MaxFileBytes()}, nil
}

// Close releases the directory handle.
func (d *Dir) Close() error { return d.root.Close() }

// Path is the directory's absolute path with links resolved.
func (d *Dir) Path() string { return d.path }

// Display names name (relative to d) as messages should.
func (d *Dir) Display(name string) string {
	if name == "" || name == "." {
		return d.display
	}
	return filepath.Join(d.display, filepath.FromSlash(name))
}

// SetLimit changes the per-file limit for this directory.
func (d *Dir) SetLimit(n int64) { d.limit = n }

// rel turns name (relative, or absolute under d's path) into a slash-free
// relative path, refusing names that climb out lexically.
func (d *Dir) rel(name string) (string, error) {
	if filepath.IsAbs(name) {
		r, err := filepath.Rel(d.path, name)
		if err != nil {
			return "", &LinkError{Link: name, Target: name, Root: d.display}
		}
		name = r
	}
	name = filepath.Clean(filepath.FromSlash(name))
	if name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside %s: %w", name, d.display, ErrEscapes)
	}
	return name, nil
}

// Stat follows links inside d.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	rel, err := d.rel(name)
	if err != nil {
		return nil, err
	}
	fi, err := d.root.Stat(rel)
	if err != nil {
		return nil, d.explain(rel, err)
	}
	return fi, nil
}

// ReadFile reads a regular file inside d, following links only while they
// stay inside d, up to the limit.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	rel, err := d.rel(name)
	if err != nil {
		return nil, err
	}
	fi, err := d.root.Stat(rel)
	if err != nil {
		return nil, d.explain(rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Path: d.Display(rel), Mode: fi.Mode()}
	}
	if fi.Size() > d.limit {
		return nil, &TooLargeError{Path: d.Display(rel), Limit: d.limit}
	}
	f, err := d.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, d.explain(rel, err)
	}
	defer f.Close()
	return readLimited(f, d.Display(rel), d.limit)
}

// ReadDir lists a directory inside d.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) {
	rel, err := d.rel(name)
	if err != nil {
		return nil, err
	}
	if _, err := d.root.Stat(rel); err != nil {
		return nil, d.explain(rel, err)
	}
	entries, err := fs.ReadDir(d.root.FS(), filepath.ToSlash(rel))
	if err != nil {
		return nil, d.explain(rel, err)
	}
	return entries, nil
}

// Sub opens a directory inside d as a Dir of its own (links resolved inside
// d); its messages name it under d's display name.
func (d *Dir) Sub(name string) (*Dir, error) {
	rel, err := d.rel(name)
	if err != nil {
		return nil, err
	}
	fi, err := d.root.Stat(rel)
	if err != nil {
		return nil, d.explain(rel, err)
	}
	if !fi.IsDir() {
		return nil, &NotRegularError{Path: d.Display(rel), Mode: fi.Mode()}
	}
	real, err := filepath.EvalSymlinks(filepath.Join(d.path, rel))
	if err != nil {
		return nil, d.explain(rel, err)
	}
	if !within(d.path, real) {
		return nil, d.linkError(rel)
	}
	r, err := d.root.OpenRoot(rel)
	if err != nil {
		return nil, d.explain(rel, err)
	}
	return &Dir{root: r, path: real, display: d.Display(rel), limit: d.limit}, nil
}

// explain turns os.Root's terse "path escapes from parent" into a sentence
// naming the link and where it points.
func (d *Dir) explain(rel string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return &fs.PathError{Op: "read", Path: d.Display(rel), Err: pe.Err}
		}
		return err
	}
	if le := d.linkError(rel); le != nil {
		return le
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: "read", Path: d.Display(rel), Err: pe.Err}
	}
	return err
}

// linkError finds the first component of rel that is a link leading out of
// d, or nil.
func (d *Dir) linkError(rel string) error {
	parts := strings.Split(rel, string(filepath.Separator))
	for i := range parts {
		prefix := filepath.Join(parts[:i+1]...)
		host := filepath.Join(d.path, prefix)
		fi, err := os.Lstat(host)
		if err != nil {
			return nil
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		target, _ := os.Readlink(host)
		real, err := filepath.EvalSymlinks(host)
		if err != nil || !within(d.path, real) {
			return &LinkError{Link: d.Display(prefix), Target: target, Root: d.display}
		}
	}
	return nil
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

// Within reports whether path, with every link resolved, lies inside root
// (also resolved). Both must exist.
func Within(root, path string) (bool, error) {
	rr, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false, err
	}
	rp, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false, err
	}
	rr, _ = filepath.Abs(rr)
	rp, _ = filepath.Abs(rp)
	return within(rr, rp), nil
}

// WalkFunc is called for each regular file under a walked directory, with
// its slash-separated name relative to the walk's root.
type WalkFunc func(name string, data []byte) error

// SkipFunc tells Walk to leave out a path (slash-separated, relative).
type SkipFunc func(name string, isDir bool) bool

// Walk reads every regular file under name inside d, in lexical order.
// Links are followed while they stay inside d (a link out is an error
// naming it); devices, FIFOs and sockets are errors; directories that skip
// reports are not entered. It stops when fn returns an error.
func (d *Dir) Walk(name string, skip SkipFunc, fn WalkFunc) error {
	rel, err := d.rel(name)
	if err != nil {
		return err
	}
	return d.walk(rel, "", skip, fn, 0)
}

// maxWalkDepth stops a tree of in-root directory links that loop.
const maxWalkDepth = 64

func (d *Dir) walk(rel, under string, skip SkipFunc, fn WalkFunc, depth int) error {
	if depth > maxWalkDepth {
		return fmt.Errorf("%s: directories nested more than %d deep (a loop of symbolic links?)", d.Display(rel), maxWalkDepth)
	}
	entries, err := d.ReadDir(rel)
	if err != nil {
		return err
	}
	for _, e := range entries {
		child := filepath.Join(rel, e.Name())
		name := e.Name()
		if under != "" {
			name = under + "/" + e.Name()
		}
		fi, err := d.Stat(child)
		if err != nil {
			return err
		}
		if skip != nil && skip(name, fi.IsDir()) {
			continue
		}
		if fi.IsDir() {
			if err := d.walk(child, name, skip, fn, depth+1); err != nil {
				return err
			}
			continue
		}
		data, err := d.ReadFile(child)
		if err != nil {
			return err
		}
		if err := fn(name, data); err != nil {
			return err
		}
	}
	return nil
}
