package helmchart

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/ignore"

	"github.com/pono-gitops/pono/internal/safefs"
)

// kaapanaUnset is the version Kaapana's chart sources carry until its build
// replaces it with the repository version.
const kaapanaUnset = "0.0.0"

// LoadOptions tune how a chart directory is loaded.
type LoadOptions struct {
	// BuildVersion replaces the version "0.0.0" of the chart and of its
	// file:// dependencies, as Kaapana's build does.
	BuildVersion string
	// Root is the directory no read may leave: the platform directory, or
	// the exported tree in git modes. A chart file or file:// dependency
	// that is a link out of it is an error naming the link. Empty means the
	// chart directory itself.
	Root string
	// Dependency, when set, finds a dependency that is not vendored and
	// names no repository (or a file:// path that does not exist) by its
	// name, as Kaapana's build does: it returns the chart's directory or
	// archive, inside Root.
	Dependency func(name, constraint string) (string, error)
	// Files, when set, caches the files of chart directories across loads.
	Files *FileCache
}

// LoadDir loads the chart in dir and resolves its file:// dependencies the
// way `helm dependency build` would, without writing anything into dir.
// Every file is read through safefs, confined to opts.Root: Helm's own
// loader follows symbolic links wherever they point, so a chart file
// linked to /etc/passwd would end up in rendered manifests.
func LoadDir(dir string, opts LoadOptions) (*Chart, error) {
	root := opts.Root
	if root == "" {
		root = dir
	}
	d, err := safefs.Open(root, root)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	defer d.Close()
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(absRoot, absDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("load chart %s: it is outside %s", dir, root)
	}
	opts.Root = absRoot
	return loadDir(d, dir, rel, opts, map[string]bool{})
}

// relInside is p relative to the absolute directory root, refused when it
// climbs out.
func relInside(root, p string) (string, error) {
	ap, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, ap)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside %s", p, root)
	}
	return rel, nil
}

// loadDir loads the chart at rel inside d; dir names it in messages.
func loadDir(d *safefs.Dir, dir, rel string, opts LoadOptions, visiting map[string]bool) (*Chart, error) {
	rel = filepath.Clean(rel)
	if visiting[rel] {
		return nil, fmt.Errorf("chart %s: file:// dependency cycle", dir)
	}
	visiting[rel] = true
	defer delete(visiting, rel)

	files, err := opts.Files.files(d.Path(), rel, func() ([]*loader.BufferedFile, error) { return readChartFiles(d, rel) })
	if errors.Is(err, safefs.ErrEscapes) || errors.Is(err, safefs.ErrNotRegular) || errors.Is(err, safefs.ErrTooLarge) {
		return nil, err // it names the file already
	}
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	c, logged, err := loadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	if opts.BuildVersion != "" && c.Metadata.Version == kaapanaUnset {
		c.Metadata.Version = opts.BuildVersion
	}
	var depDigests []string
	warnings := loadWarnings(c, dir, true, logged)
	for _, dep := range c.Metadata.Dependencies {
		if vendored(c, dep.Name) {
			continue
		}
		sub, err := loadDependency(d, dir, rel, dep, opts, visiting)
		if err != nil {
			return nil, fmt.Errorf("chart %s: dependency %q: %w", dir, dep.Name, err)
		}
		if sub.Name() != dep.Name {
			return nil, fmt.Errorf("chart %s: dependency %q: %s holds chart %q", dir, dep.Name, sub.Location, sub.Name())
		}
		if err := versionMatches(dep.Version, sub.Version(), opts.BuildVersion); err != nil {
			return nil, fmt.Errorf("chart %s: dependency %q: %w", dir, dep.Name, err)
		}
		dep.Version = sub.Version()
		c.AddDependency(sub.c)
		depDigests = append(depDigests, dep.Name+"="+sub.Digest)
		warnings = append(warnings, sub.Warnings...)
	}
	return &Chart{c: c, Digest: dirDigest(c, depDigests), Location: dir, Warnings: warnings}, nil
}

// loadDependency loads the chart dep names for the chart at rel (dir in
// messages): a file:// path relative to the chart or absolute, as `helm
// dependency build` reads it; by name through opts.Dependency when it has
// no repository or its relative path leads nowhere (Kaapana's stale paths).
func loadDependency(d *safefs.Dir, dir, rel string, dep *chart.Dependency, opts LoadOptions, visiting map[string]bool) (*Chart, error) {
	byName := func() (*Chart, error) {
		p, err := opts.Dependency(dep.Name, dep.Version)
		if err != nil {
			return nil, err
		}
		pr, err := relInside(opts.Root, p)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(p, ".tgz") {
			b, err := d.ReadFile(pr)
			if err != nil {
				return nil, err
			}
			return LoadArchiveBytes(b, p)
		}
		return loadDir(d, p, pr, opts, visiting)
	}
	repo := strings.TrimSpace(dep.Repository)
	if !strings.HasPrefix(repo, "file://") {
		if repo == "" && opts.Dependency != nil {
			return byName()
		}
		if repo == "" {
			return nil, errors.New("it names no repository and is not vendored under charts/ (vendor it with helm dependency build, or point it at a local chart with file://)")
		}
		return nil, fmt.Errorf("it comes from %s and is not vendored under charts/ (run helm dependency build, or point it at a local chart with file://)", repo)
	}
	target := filepath.FromSlash(strings.TrimPrefix(repo, "file://"))
	depRel := filepath.Join(rel, target)
	if filepath.IsAbs(target) {
		r, err := filepath.Rel(d.Path(), target)
		if err != nil {
			return nil, fmt.Errorf("%s is outside %s", repo, d.Display(""))
		}
		depRel = r
	}
	if depRel == ".." || strings.HasPrefix(depRel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside %s", repo, d.Display(""))
	}
	if opts.Dependency != nil && !filepath.IsAbs(target) {
		if _, err := d.Stat(filepath.Join(depRel, "Chart.yaml")); errors.Is(err, fs.ErrNotExist) {
			return byName()
		}
	}
	return loadDir(d, filepath.Join(dir, target), depRel, opts, visiting)
}

// readChartFiles reads the chart directory rel inside d as Helm's
// loader.LoadDir would (its .helmignore and Helm's default rules applied,
// byte order marks stripped), but through d, so links stay inside.
func readChartFiles(d *safefs.Dir, rel string) ([]*loader.BufferedFile, error) {
	rules := ignore.Empty()
	if b, err := d.ReadFile(filepath.Join(rel, ignore.HelmIgnore)); err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Display(filepath.Join(rel, ignore.HelmIgnore)), err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	rules.AddDefaults()
	var files []*loader.BufferedFile
	skip := func(name string, isDir bool) bool { return rules.Ignore(name, entryInfo{name: name, dir: isDir}) }
	err := d.Walk(rel, skip, func(name string, data []byte) error {
		files = append(files, &loader.BufferedFile{Name: name, Data: bytes.TrimPrefix(data, utf8BOM)})
		return nil
	})
	return files, err
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// entryInfo is the fs.FileInfo .helmignore rules look at: only IsDir
// matters to them.
type entryInfo struct {
	name string
	dir  bool
}

func (e entryInfo) Name() string { return path.Base(e.name) }
func (e entryInfo) Size() int64  { return 0 }
func (e entryInfo) Mode() fs.FileMode {
	if e.dir {
		return fs.ModeDir
	}
	return 0
}
func (e entryInfo) ModTime() time.Time { return time.Time{} }
func (e entryInfo) IsDir() bool        { return e.dir }
func (e entryInfo) Sys() any           { return nil }

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
		if version == kaapanaUnset && buildVersion == "" {
			return fmt.Errorf("version %s does not satisfy %q: Kaapana's charts say %s until its build stamps them, and the source has no buildVersion to stamp", version, constraint, kaapanaUnset)
		}
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

// LoadArchiveBytes loads a packaged chart held in memory; location is only
// recorded for messages and the lock file.
func LoadArchiveBytes(b []byte, location string) (*Chart, error) {
	var c *chart.Chart
	logged, err := captureHelmLog(func() (err error) {
		c, err = loader.LoadArchive(bytes.NewReader(b))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load chart archive %s: %w", location, err)
	}
	return &Chart{c: c, Digest: ArchiveDigest(b), Location: location, Warnings: loadWarnings(c, location, false, logged)}, nil
}

// ArchiveDigest is the sha256 digest of archive bytes, as recorded in
// Helm repository indexes and OCI manifests.
func ArchiveDigest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
