package helmsdk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

// kaapanaUnset is the version Kaapana's chart sources carry until its build
// replaces it with the repository version.
const kaapanaUnset = "0.0.0"

// LoadOptions tune how a chart directory is loaded.
type LoadOptions struct {
	// BuildVersion replaces the version "0.0.0" of the chart and of its
	// file:// dependencies, as Kaapana's build does.
	BuildVersion string
}

// LoadDir loads the chart in dir and resolves its file:// dependencies the
// way `helm dependency build` would, without writing anything into dir.
func LoadDir(dir string, opts LoadOptions) (*Chart, error) {
	return loadDir(dir, opts, map[string]bool{})
}

func loadDir(dir string, opts LoadOptions, visiting map[string]bool) (*Chart, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if visiting[abs] {
		return nil, fmt.Errorf("chart %s: file:// dependency cycle", dir)
	}
	visiting[abs] = true
	defer delete(visiting, abs)

	c, err := loader.LoadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	if opts.BuildVersion != "" && c.Metadata.Version == kaapanaUnset {
		c.Metadata.Version = opts.BuildVersion
	}
	var depDigests []string
	for _, d := range c.Metadata.Dependencies {
		if vendored(c, d.Name) {
			continue
		}
		if !strings.HasPrefix(d.Repository, "file://") {
			return nil, fmt.Errorf("chart %s: dependency %q from %s is not vendored under charts/ (run helm dependency build, or point it at a local chart with file://)", dir, d.Name, d.Repository)
		}
		depDir := filepath.Join(abs, strings.TrimPrefix(d.Repository, "file://"))
		dep, err := loadDir(depDir, opts, visiting)
		if err != nil {
			return nil, fmt.Errorf("chart %s: dependency %q: %w", dir, d.Name, err)
		}
		if dep.Name() != d.Name {
			return nil, fmt.Errorf("chart %s: dependency %q: %s holds chart %q", dir, d.Name, d.Repository, dep.Name())
		}
		if err := versionMatches(d.Version, dep.Version(), opts.BuildVersion); err != nil {
			return nil, fmt.Errorf("chart %s: dependency %q: %w", dir, d.Name, err)
		}
		d.Version = dep.Version()
		c.AddDependency(dep.c)
		depDigests = append(depDigests, d.Name+"="+dep.Digest)
	}
	return &Chart{c: c, Digest: dirDigest(c, depDigests), Location: dir}, nil
}

func vendored(c *chart.Chart, name string) bool {
	for _, d := range c.Dependencies() {
		if d.Metadata.Name == name {
			return true
		}
	}
	return false
}

// versionMatches checks a dependency's version constraint. Kaapana writes
// "0.0.0" for both sides and means "whatever this build produces".
func versionMatches(constraint, version, buildVersion string) error {
	if constraint == "" || constraint == kaapanaUnset || (buildVersion != "" && constraint == buildVersion) {
		return nil
	}
	c, err := semver.NewConstraint(constraint)
	if err != nil {
		return fmt.Errorf("invalid version constraint %q: %w", constraint, err)
	}
	v, err := semver.NewVersion(version)
	if err != nil {
		return fmt.Errorf("invalid chart version %q: %w", version, err)
	}
	if !c.Check(v) {
		return fmt.Errorf("version %s does not satisfy %q", version, constraint)
	}
	return nil
}

// dirDigest hashes a loaded chart directory canonically: every file's name
// and content hash, sorted, plus the effective version and the digests of
// resolved dependencies. Archive timestamps and file modes do not matter.
func dirDigest(c *chart.Chart, deps []string) string {
	h := sha256.New()
	files := append([]*chart.File(nil), c.Raw...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		fmt.Fprintf(h, "%s\x00%s\n", f.Name, hex.EncodeToString(sum[:]))
	}
	fmt.Fprintf(h, "version\x00%s\n", c.Metadata.Version)
	sort.Strings(deps)
	for _, d := range deps {
		fmt.Fprintf(h, "dep\x00%s\n", d)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// LoadArchive loads a packaged chart (.tgz) from disk.
func LoadArchive(path string) (*Chart, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read chart archive: %w", err)
	}
	return LoadArchiveBytes(b, path)
}

// LoadArchiveBytes loads a packaged chart held in memory; location is only
// recorded for messages and the lock file.
func LoadArchiveBytes(b []byte, location string) (*Chart, error) {
	c, err := loader.LoadArchive(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("load chart archive %s: %w", location, err)
	}
	return &Chart{c: c, Digest: ArchiveDigest(b), Location: location}, nil
}

// ArchiveDigest is the sha256 digest of archive bytes, as recorded in
// Helm repository indexes and OCI manifests.
func ArchiveDigest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
