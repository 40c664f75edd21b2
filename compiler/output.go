package compiler

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/internal/source"
)

// ReleasesFile is the name of the releases file in a compile output.
const ReleasesFile = "releases.yaml"

// releasesDoc is the releases file's shape.
type releasesDoc struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Platform   PlatformInfo `json:"platform"`
	Releases   []Release    `json:"releases"`
}

// ReleasesYAML renders the releases file canonically.
func (r *Result) ReleasesYAML() ([]byte, error) {
	// Sensitive values appear as markers (output_mask.go).
	rels := r.maskedReleases(MaskSet(r))
	return yaml.Marshal(releasesDoc{APIVersion: "pono.dev/v1alpha1", Kind: "CompiledPlatform", Platform: r.Platform, Releases: rels})
}

// LockYAML renders the lock the compile resolved.
func (r *Result) LockYAML() ([]byte, error) { return r.lock.Marshal() }

// WriteLock writes the resolved lock next to the platform files,
// atomically: a failure leaves the old lock as it was.
func (r *Result) WriteLock(dir string) error { return source.WriteLock(dir, r.lock) }

// Output says where Result.Write puts a compile's files.
type Output struct {
	// Dir receives releases.yaml, manifests/<release>.yaml, pono.lock and
	// the marker. An existing Dir is replaced only when it is empty or an
	// earlier output that nobody changed (see MarkerFile).
	Dir string
	// PlatformDir is the compiled platform: Dir may not be it or hold it
	// (Dir inside it, DIR/out, is fine).
	PlatformDir string
	// WriteLock also writes PlatformDir/pono.lock. Both are written or
	// neither: a failure leaves the old output and the old lock in place.
	WriteLock bool
}

// Write writes the compile output. Every file is written to a temporary
// sibling first (the output next to Dir, the lock next to the old lock);
// only then are both renamed into place, and the output is put back when
// the lock's rename fails. Messages name Dir and the lock, never a
// temporary name.
func (r *Result) Write(ctx context.Context, o Output) error {
	if err := CheckOutput(o.Dir, o.PlatformDir); err != nil {
		return err
	}
	files, err := r.outputFiles()
	if err != nil {
		return err
	}
	stage, err := stageDir(ctx, o.Dir, files)
	if stage != "" {
		defer os.RemoveAll(stage)
	}
	if err != nil {
		return err
	}
	var lock *stagedFile
	if o.WriteLock {
		b, err := r.LockYAML()
		if err != nil {
			return err
		}
		if lock, err = stageFile(filepath.Join(o.PlatformDir, source.LockFileName), b); err != nil {
			return err
		}
		defer lock.discard()
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s not written: %w", o.Dir, err)
	}
	return swapIn(o.Dir, stage, lock)
}

// CheckOutput says whether out may receive the compile output of the
// platform in platformDir, so that a command can refuse before compiling;
// Write checks again.
func CheckOutput(out, platformDir string) error {
	if err := guardPlatform(out, platformDir); err != nil {
		return err
	}
	return checkReplaceable(out)
}

// outputFiles are the files of the output by slash-separated name,
// marker included.
func (r *Result) outputFiles() (map[string][]byte, error) {
	rel, err := r.ReleasesYAML()
	if err != nil {
		return nil, err
	}
	lock, err := r.LockYAML()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{ReleasesFile: rel, source.LockFileName: lock}
	set := MaskSet(r)
	for _, rl := range r.Releases {
		if files[rl.ManifestFile], err = r.maskedManifest(rl, set); err != nil {
			return nil, err
		}
	}
	for name, b := range r.workflowFiles() {
		files[name] = b
	}
	files[MarkerFile] = marker(files)
	return files, nil
}

// guardPlatform refuses an output directory that is the platform
// directory or holds it: replacing it would delete the platform.
func guardPlatform(out, platformDir string) error {
	if platformDir == "" {
		return nil
	}
	o, err := resolvePath(out)
	if err != nil {
		return err
	}
	p, err := resolvePath(platformDir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(o, p)
	switch {
	case err != nil:
		return nil
	case rel == ".":
		return &refusal{out, "it is the platform directory being compiled; choose another --output-dir"}
	case rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)):
		return &refusal{out, fmt.Sprintf("it contains the platform directory %s; choose another --output-dir", platformDir)}
	}
	return nil
}

// resolvePath is p absolute with the links of its longest existing prefix
// resolved, so that a link or "a/../b" cannot hide the platform directory.
func resolvePath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			return filepath.Join(real, rest), nil
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return filepath.Join(abs, rest), nil
		}
		rest = filepath.Join(filepath.Base(abs), rest)
		abs = parent
	}
}

// stageDir writes files into a new temporary directory next to out and
// returns it (also on error, for the caller to remove). It stops when ctx
// is cancelled, so that an interrupted compile returns at once.
func stageDir(ctx context.Context, out string, files map[string][]byte) (string, error) {
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("cannot write %s: %w", out, source.PathCause(err))
	}
	tmp, err := os.MkdirTemp(parent, ".pono-out-*")
	if err != nil {
		return "", fmt.Errorf("cannot write %s: %w", out, source.PathCause(err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return tmp, fmt.Errorf("cannot write %s: %w", out, source.PathCause(err))
	}
	for name, data := range files {
		if err := ctx.Err(); err != nil {
			return tmp, fmt.Errorf("%s not written: %w", out, err)
		}
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return tmp, fmt.Errorf("cannot write %s: %w", filepath.Join(out, filepath.FromSlash(name)), source.PathCause(err))
		}
		if err := writeSynced(p, data); err != nil {
			return tmp, fmt.Errorf("cannot write %s: %w", filepath.Join(out, filepath.FromSlash(name)), source.PathCause(err))
		}
	}
	return tmp, nil
}

// swapIn renames stage to out (the old out aside first) and commits the
// lock; when the lock cannot be committed the old out is put back.
func swapIn(out, stage string, lock *stagedFile) error {
	old := ""
	if _, err := os.Lstat(out); err == nil {
		old = stage + ".old"
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("cannot replace %s: %w", out, source.PathCause(err))
		}
	}
	restore := func() {
		if old != "" {
			_ = os.Rename(old, out)
		}
	}
	if err := os.Rename(stage, out); err != nil {
		restore()
		return fmt.Errorf("cannot write %s: %w", out, source.PathCause(err))
	}
	if lock != nil {
		if err := lock.commit(); err != nil {
			// Both or neither: the new output goes back to the stage,
			// which the caller removes, and the old one returns.
			_ = os.Rename(out, stage)
			restore()
			return fmt.Errorf("%w; %s left as it was", err, out)
		}
	}
	if old != "" {
		_ = os.RemoveAll(old)
	}
	return nil
}

// stagedFile is a file written under a temporary name next to where it
// belongs, waiting for commit.
type stagedFile struct{ tmp, path string }

func stageFile(path string, data []byte) (*stagedFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, source.PathCause(err))
	}
	s := &stagedFile{tmp: f.Name(), path: path}
	f.Close()
	if err := writeSynced(s.tmp, data); err != nil {
		s.discard()
		return nil, fmt.Errorf("cannot write %s: %w", path, source.PathCause(err))
	}
	return s, nil
}

func (s *stagedFile) commit() error {
	if err := os.Rename(s.tmp, s.path); err != nil {
		return fmt.Errorf("cannot write %s: %w", s.path, source.PathCause(err))
	}
	s.tmp = ""
	return nil
}

func (s *stagedFile) discard() {
	if s != nil && s.tmp != "" {
		_ = os.Remove(s.tmp)
	}
}

// writeSynced writes data to p (mode 0644) and flushes it to disk, so a
// rename never publishes a file whose content is still in flight.
func writeSynced(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(p, 0o644)
}
