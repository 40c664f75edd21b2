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
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/safefs"
)

// pathIndex is a scanned path source: the charts it offers by name, and
// the entries that could not be read (each already a Problem), by the
// chart name they probably held.
type pathIndex struct {
	charts     map[string][]candidate
	unreadable map[string][]string
}

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
	cands, ok := index.charts[req.Chart]
	if !ok {
		if len(index.unreadable[req.Chart]) > 0 {
			return nil, reported(fmt.Errorf("chart %q in %s could not be read", req.Chart, req.Source.Path))
		}
		return nil, fmt.Errorf("chart %q not found in %s (charts there: %s)", req.Chart, req.Source.Path, names(index))
	}
	c, err := pick(cands, cons, locked, hasLock && !r.opts.UpdateLock)
	if err != nil {
		return nil, fmt.Errorf("chart %q in %s: %w", req.Chart, req.Source.Path, err)
	}
	ch, err := r.loadPathChart(sp, c, req.Source.BuildVersion)
	if err != nil {
		return nil, err
	}
	if err := checkName(ch, req.Chart, c.path); err != nil {
		return nil, err
	}
	r.addProblems(valuesWarnings(ch.Raw("values.yaml"), filepath.Join(c.path, "values.yaml")))
	loc, err := filepath.Rel(r.opts.PlatformDir, c.path)
	if err != nil {
		loc = c.path
	}
	ch.Location = filepath.ToSlash(loc)
	if err := r.checkDigest(req, locked, hasLock, ch.Version(), ch.Digest, ch.Location); err != nil {
		return nil, err
	}
	return &Resolved{Chart: ch, Entry: LockEntry{
		Source: req.SourceName, Chart: req.Chart, Constraint: req.Constraint,
		Version: ch.Version(), Location: ch.Location, Digest: ch.Digest,
	}}, nil
}

func (r *Resolver) loadPathChart(sp sourcePath, c candidate, buildVersion string) (*helmsdk.Chart, error) {
	if !c.archive {
		return helmsdk.LoadDir(c.path, helmsdk.LoadOptions{BuildVersion: buildVersion, Root: sp.confine})
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
	return helmsdk.LoadArchiveBytes(b, c.path)
}

// scanPath indexes a path source: a chart directory, a chart archive, or a
// directory of chart directories and archives. An entry of a directory
// that cannot be read becomes a Problem, reported once, and the other
// charts stay usable.
func (r *Resolver) scanPath(sp sourcePath, buildVersion string) (*pathIndex, error) {
	d, err := safefs.Open(sp.confine, sp.confine)
	if err != nil {
		return nil, fmt.Errorf("chart source: %w", err)
	}
	defer d.Close()
	rel := relTo(sp.confine, sp.path)
	st, err := d.Stat(rel)
	if err != nil {
		return nil, fmt.Errorf("chart source: %w", err)
	}
	index := &pathIndex{charts: map[string][]candidate{}, unreadable: map[string][]string{}}
	add := func(name string, c candidate) {
		if c.version == "0.0.0" && buildVersion != "" {
			c.version = buildVersion
		}
		index.charts[name] = append(index.charts[name], c)
	}
	if !st.IsDir() {
		if !strings.HasSuffix(sp.path, ".tgz") {
			return nil, fmt.Errorf("chart source %s: not a directory or .tgz archive", sp.path)
		}
		b, err := d.ReadFile(rel)
		if err != nil {
			return nil, err
		}
		ch, err := helmsdk.LoadArchiveBytes(b, sp.path)
		if err != nil {
			return nil, err
		}
		add(ch.Name(), candidate{version: ch.Version(), path: sp.path, archive: true})
		return index, nil
	}
	if _, err := d.Stat(filepath.Join(rel, "Chart.yaml")); err == nil {
		cf, ok := r.readChartYAML(d, rel, sp.path)
		if !ok {
			return nil, reported(fmt.Errorf("%s holds no usable chart", sp.path))
		}
		add(cf.name, candidate{version: cf.version, path: sp.path})
		return index, nil
	}
	entries, err := d.ReadDir(rel)
	if err != nil {
		return nil, fmt.Errorf("chart source: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(sp.path, e.Name())
		erel := filepath.Join(rel, e.Name())
		fi, err := d.Stat(erel)
		if err != nil {
			if !strings.HasSuffix(e.Name(), ".tgz") && !dirTarget(filepath.Join(d.Path(), erel)) {
				continue // not something a scan would read
			}
			r.addProblems(diag.List{{Pos: p, Message: err.Error()}})
			index.unreadable[guessName(e.Name())] = append(index.unreadable[guessName(e.Name())], p)
			continue
		}
		switch {
		case fi.IsDir():
			if _, err := d.Stat(filepath.Join(erel, "Chart.yaml")); err != nil {
				continue // not a chart: Kaapana's trees hold other directories too
			}
			if cf, ok := r.readChartYAML(d, erel, p); ok {
				add(cf.name, candidate{version: cf.version, path: p})
			} else {
				index.unreadable[e.Name()] = append(index.unreadable[e.Name()], p)
			}
		case strings.HasSuffix(e.Name(), ".tgz"):
			ch, err := r.readArchive(d, erel, p)
			if err != nil {
				r.addProblems(diag.List{{Pos: p, Message: err.Error()}})
				index.unreadable[guessName(e.Name())] = append(index.unreadable[guessName(e.Name())], p)
				continue
			}
			add(ch.Name(), candidate{version: ch.Version(), path: p, archive: true})
		}
	}
	return index, nil
}

func (r *Resolver) readArchive(d *safefs.Dir, rel, display string) (*helmsdk.Chart, error) {
	b, err := d.ReadFile(rel)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		return nil, errors.New("not a chart archive: a .tgz must be gzip-compressed, and this file is not")
	}
	ch, err := helmsdk.LoadArchiveBytes(b, display)
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
