package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/internal/helmchart"
	"github.com/pono-gitops/pono/internal/safefs"
)

// pathIndex is a scanned path source: the charts it offers by name, and
// the entries that could not be read (each already a Problem), by the
// chart name they probably held.
type pathIndex struct {
	charts     map[string][]candidate
	unreadable map[string][]string
	duplicate  map[string]bool // names found twice with one version, already a Problem
}

// kaapanaUnset is the version Kaapana's chart sources carry until its build
// replaces it with the repository version.
const kaapanaUnset = "0.0.0"

func (r *Resolver) resolvePath(req Request, cons *semver.Constraints, locked LockEntry, hasLock bool) (*Resolved, error) {
	sp, err := r.locate(req.Source)
	if err != nil {
		return nil, reported(err)
	}
	key := sp.path + "\x00" + req.Source.BuildVersion
	r.mu.Lock()
	ov, ok := r.dirs[key]
	if !ok {
		ov = &onceValue[*pathIndex]{}
		r.dirs[key] = ov
	}
	r.mu.Unlock()
	index, err := ov.get(func() (*pathIndex, error) { return r.scanPath(sp, req.Source.BuildVersion) })
	if err != nil {
		return nil, err
	}
	if index.duplicate[req.Chart] {
		return nil, reported(fmt.Errorf("chart %q is in %s twice", req.Chart, req.Source.Path))
	}
	cands, ok := index.charts[req.Chart]
	if !ok {
		if len(index.unreadable[req.Chart]) > 0 {
			return nil, reported(fmt.Errorf("chart %q in %s could not be read", req.Chart, req.Source.Path))
		}
		return nil, fmt.Errorf("chart %q not found in %s (charts there: %s)", req.Chart, req.Source.Path, names(index))
	}
	c, err := pick(cands, cons, locked, hasLock && !r.opts.UpdateLock)
	if err != nil {
		if req.Source.BuildVersion == "" && onlyUnset(cands) {
			return nil, fmt.Errorf("chart %q in %s has version %s, which %q does not allow: Kaapana's charts say %s until its build stamps them, and source %q has no buildVersion: set sources.%s.buildVersion to the version its build would stamp", req.Chart, req.Source.Path, kaapanaUnset, req.Constraint, kaapanaUnset, req.SourceName, req.SourceName)
		}
		return nil, fmt.Errorf("chart %q in %s: %w", req.Chart, req.Source.Path, err)
	}
	ch, err := r.loadPathChart(sp, c, req.Source.BuildVersion, index)
	if err != nil {
		return nil, err
	}
	if err := checkName(ch, req.Chart, c.path); err != nil {
		return nil, err
	}
	r.addProblems(valuesWarnings(ch.Raw("values.yaml"), filepath.Join(c.path, "values.yaml")))
	// Relative to the platform, both sides absolute: the same wherever pono
	// runs and however the platform directory was named.
	ch.Location = filepath.ToSlash(relTo(r.opts.PlatformDir, c.path))
	if err := r.checkDigest(req, locked, hasLock, ch.Version(), ch.Digest, ch.Location); err != nil {
		return nil, err
	}
	return &Resolved{Chart: ch, Entry: LockEntry{
		Source: req.SourceName, Chart: req.Chart, Constraint: req.Constraint,
		Version: ch.Version(), Location: ch.Location, Digest: ch.Digest,
	}}, nil
}

func (r *Resolver) loadPathChart(sp sourcePath, c candidate, buildVersion string, index *pathIndex) (*helmchart.Chart, error) {
	if !c.archive {
		ch, err := helmchart.LoadDir(c.path, helmchart.LoadOptions{BuildVersion: buildVersion, Root: sp.confine, Dependency: index.dependency, Files: r.files})
		if err != nil {
			return nil, err
		}
		r.addProblems(helmWarnings(ch))
		return ch, nil
	}
	d, err := safefs.Open(sp.confine, sp.confine)
	if err != nil {
		return nil, fmt.Errorf("chart source: %w", err)
	}
	defer d.Close()
	b, err := d.ReadFile(relTo(sp.confine, c.path))
	if err != nil {
		return nil, err
	}
	ch, err := helmchart.LoadArchiveBytes(b, c.path)
	if err != nil {
		return nil, err
	}
	r.addProblems(helmWarnings(ch))
	return ch, nil
}

// dependency finds the chart a name-only dependency means in the same
// source, as Kaapana's build does: the version the constraint allows (any,
// for Kaapana's 0.0.0), the highest if several.
func (index *pathIndex) dependency(name, constraint string) (string, error) {
	if index.duplicate[name] {
		return "", fmt.Errorf("the source holds two charts named %q", name)
	}
	cands := index.charts[name]
	if len(cands) == 0 {
		return "", fmt.Errorf("no chart named %q in the source, and it is not vendored under charts/", name)
	}
	if constraint == "" || constraint == kaapanaUnset {
		constraint = "*"
	}
	cons, err := semver.NewConstraint(constraint)
	if err != nil {
		return "", fmt.Errorf("invalid version constraint %q: %w", constraint, err)
	}
	c, err := pick(cands, cons, LockEntry{}, false)
	if err != nil {
		return "", fmt.Errorf("chart %q in the source: %w", name, err)
	}
	return c.path, nil
}

// helmWarnings are the warnings Helm's loader gave for ch and its
// dependencies, as Problems at the chart.
func helmWarnings(ch *helmchart.Chart) diag.List {
	var out diag.List
	for _, w := range ch.Warnings {
		out = append(out, diag.Diagnostic{Severity: diag.Warning, Pos: w.Location, Message: fmt.Sprintf("chart %s: %s", w.Chart, w.Message)})
	}
	return out
}

func onlyUnset(cands []candidate) bool {
	for _, c := range cands {
		if c.version != kaapanaUnset {
			return false
		}
	}
	return len(cands) > 0
}

func (r *Resolver) readArchive(d *safefs.Dir, rel, display string) (*helmchart.Chart, error) {
	b, err := d.ReadFile(rel)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		return nil, errors.New("not a chart archive: a .tgz must be gzip-compressed, and this file is not")
	}
	ch, err := helmchart.LoadArchiveBytes(b, display)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, errors.New("not a readable chart archive: it ends early (truncated?)")
	}
	if err != nil {
		return nil, fmt.Errorf("not a readable chart archive: %s", strings.TrimPrefix(err.Error(), "load chart archive "+display+": "))
	}
	return ch, nil
}

// readChartYAML reads dir/Chart.yaml, recording what is wrong with it.
func (r *Resolver) readChartYAML(d *safefs.Dir, rel, dir string) (chartFile, bool) {
	display := filepath.Join(dir, "Chart.yaml")
	b, err := d.ReadFile(filepath.Join(rel, "Chart.yaml"))
	if err != nil {
		r.addProblems(diag.List{{Pos: display, Message: err.Error()}})
		return chartFile{}, false
	}
	cf, probs := parseChartYAML(b, display)
	r.addProblems(probs)
	return cf, !probs.HasErrors()
}

// guessName is the chart a Kaapana-style file name (<chart>-<version>.tgz)
// probably holds.
func guessName(file string) string {
	base := strings.TrimSuffix(file, ".tgz")
	for i := strings.LastIndex(base, "-"); i > 0; i = strings.LastIndex(base[:i], "-") {
		if _, err := semver.StrictNewVersion(base[i+1:]); err == nil {
			return base[:i]
		}
	}
	return base
}

// dirTarget reports whether p, links followed wherever they lead, is a
// directory: a link out of the boundary to a directory may be a chart.
func dirTarget(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// relTo is p relative to root, both as the caller named them.
func relTo(root, p string) string {
	ar, _ := filepath.Abs(root)
	ap, _ := filepath.Abs(p)
	rel, err := filepath.Rel(ar, ap)
	if err != nil {
		return p
	}
	return rel
}

func names(index *pathIndex) string {
	var n []string
	for k := range index.charts {
		n = append(n, k)
	}
	if len(n) == 0 {
		return "none"
	}
	sort.Strings(n)
	return strings.Join(n, ", ")
}
