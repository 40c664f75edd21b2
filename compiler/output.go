package compiler

import (
	"fmt"
	"os"
	"path/filepath"

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
	rels := r.Releases
	if rels == nil {
		rels = []Release{}
	}
	return yaml.Marshal(releasesDoc{APIVersion: "pono.dev/v1alpha1", Kind: "CompiledPlatform", Platform: r.Platform, Releases: rels})
}

// LockYAML renders the lock the compile resolved.
func (r *Result) LockYAML() ([]byte, error) { return r.lock.Marshal() }

// WriteLock writes the resolved lock next to the platform files,
// atomically: a failure leaves the old lock as it was.
func (r *Result) WriteLock(dir string) error { return source.WriteLock(dir, r.lock) }

// WriteDir writes the compile output to out: releases.yaml, one canonical
// manifest file per release under manifests/, and pono.lock. It writes a
// sibling temporary directory first and swaps it in, so a failure never
// leaves a half-written output, and it refuses to replace a directory that
// is not a previous pono output.
func (r *Result) WriteDir(out string) error {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, ReleasesFile)); err != nil {
			return fmt.Errorf("refusing to overwrite %s: it is not empty and holds no %s from an earlier compile", out, ReleasesFile)
		}
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".pono-out-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rel, err := r.ReleasesYAML()
	if err != nil {
		return err
	}
	lock, err := r.LockYAML()
	if err != nil {
		return err
	}
	files := map[string][]byte{ReleasesFile: rel, source.LockFileName: lock}
	for _, rl := range r.Releases {
		files[rl.ManifestFile] = r.Manifests[rl.Name]
	}
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	old := tmp + ".old"
	if _, err := os.Stat(out); err == nil {
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("replace %s: %w", out, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return os.RemoveAll(old)
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pono-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
