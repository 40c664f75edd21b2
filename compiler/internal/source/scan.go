package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/internal/safefs"
)

// maxScanDepth bounds how deep a scan descends: Kaapana's deepest chart is
// six directories down, and a bound keeps a pathological tree finite.
const maxScanDepth = 24

// scanPath indexes a path source: a chart archive, or a directory tree
// (a single chart, a directory of charts and archives, or a whole Kaapana
// checkout). Charts are found at any depth by their Chart.yaml, as
// Kaapana's build finds them; what its build skips is skipped too: hidden
// directories, and a chart's charts/ (vendored copies) and templates/.
// An entry that cannot be read becomes a Problem, reported once, and the
// other charts stay usable. Two charts of the same name and version are an
// error naming both: a name-only dependency could not say which it means.
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
	s := &scan{r: r, d: d, buildVersion: buildVersion,
		index: &pathIndex{charts: map[string][]candidate{}, unreadable: map[string][]string{}, duplicate: map[string]bool{}}}
	if !st.IsDir() {
		if !strings.HasSuffix(sp.path, ".tgz") {
			return nil, fmt.Errorf("chart source %s: not a directory or .tgz archive", sp.path)
		}
		ch, err := r.readArchive(d, rel, sp.path)
		if err != nil {
			return nil, err
		}
		s.add(ch.Name(), candidate{version: ch.Version(), path: sp.path, archive: true}, sp.path)
		return s.index, nil
	}
	if _, err := d.Stat(filepath.Join(rel, "Chart.yaml")); err == nil {
		cf, ok := r.readChartYAML(d, rel, sp.path)
		if !ok {
			return nil, reported(fmt.Errorf("%s holds no usable chart", sp.path))
		}
		s.add(cf.name, candidate{version: cf.version, path: sp.path}, filepath.Join(sp.path, "Chart.yaml"))
		s.walk(rel, sp.path, true, []os.FileInfo{st})
		return s.index, nil
	}
	s.walk(rel, sp.path, false, []os.FileInfo{st})
	return s.index, nil
}

type scan struct {
	r            *Resolver
	d            *safefs.Dir
	buildVersion string
	index        *pathIndex
}

// add records a chart; file names it in a duplicate's message.
func (s *scan) add(name string, c candidate, file string) {
	if c.version == kaapanaUnset && s.buildVersion != "" {
		c.version = s.buildVersion
	}
	for _, prev := range s.index.charts[name] {
		if prev.version == c.version {
			s.index.duplicate[name] = true
			s.r.addProblems(diag.List{{Pos: file, Message: fmt.Sprintf(
				"chart %s %s is also at %s: chart names must be unique in a source, or a dependency by name could mean either",
				name, c.version, prev.path)}})
			return
		}
	}
	s.index.charts[name] = append(s.index.charts[name], c)
}

// walk indexes the entries of the directory rel (display names it);
// inChart says rel is a chart's own directory. ancestors are the
// directories above, to stop at a link that loops back.
func (s *scan) walk(rel, display string, inChart bool, ancestors []os.FileInfo) {
	if len(ancestors) > maxScanDepth {
		return
	}
	entries, err := s.d.ReadDir(rel)
	if err != nil {
		s.r.addProblems(diag.List{{Pos: display, Message: err.Error()}})
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || (inChart && (name == "charts" || name == "templates")) {
			continue
		}
		p := filepath.Join(display, name)
		erel := filepath.Join(rel, name)
		fi, err := s.d.Stat(erel)
		if err != nil {
			if !strings.HasSuffix(name, ".tgz") && !dirTarget(filepath.Join(s.d.Path(), erel)) {
				continue // not something a scan would read
			}
			s.r.addProblems(diag.List{{Pos: p, Message: err.Error()}})
			s.index.unreadable[guessName(name)] = append(s.index.unreadable[guessName(name)], p)
			continue
		}
		switch {
		case fi.IsDir():
			if loops(fi, ancestors) {
				continue
			}
			isChart := false
			if _, err := s.d.Stat(filepath.Join(erel, "Chart.yaml")); err == nil {
				isChart = true
				if cf, ok := s.r.readChartYAML(s.d, erel, p); ok {
					s.add(cf.name, candidate{version: cf.version, path: p}, filepath.Join(p, "Chart.yaml"))
				} else {
					s.index.unreadable[name] = append(s.index.unreadable[name], p)
				}
			}
			s.walk(erel, p, isChart, append(ancestors, fi))
		case !inChart && strings.HasSuffix(name, ".tgz"):
			ch, err := s.r.readArchive(s.d, erel, p)
			if err != nil {
				s.r.addProblems(diag.List{{Pos: p, Message: err.Error()}})
				s.index.unreadable[guessName(name)] = append(s.index.unreadable[guessName(name)], p)
				continue
			}
			s.add(ch.Name(), candidate{version: ch.Version(), path: p, archive: true}, p)
		}
	}
}

// loops reports whether fi is one of the directories above it (a link
// pointing back up the tree).
func loops(fi os.FileInfo, ancestors []os.FileInfo) bool {
	for _, a := range ancestors {
		if os.SameFile(fi, a) {
			return true
		}
	}
	return false
}
