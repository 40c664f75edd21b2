package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/internal/helmsdk"
)

func (r *Resolver) resolvePath(req Request, cons *semver.Constraints, locked LockEntry, hasLock bool) (*Resolved, error) {
	root := req.Source.Path
	if !filepath.IsAbs(root) {
		root = filepath.Join(r.opts.PlatformDir, root)
	}
	r.mu.Lock()
	ov, ok := r.dirs[root]
	if !ok {
		ov = &onceValue[map[string][]candidate]{}
		r.dirs[root] = ov
	}
	r.mu.Unlock()
	index, err := ov.get(func() (map[string][]candidate, error) { return scanPath(root, req.Source.BuildVersion) })
	if err != nil {
		return nil, err
	}
	cands, ok := index[req.Chart]
	if !ok {
		return nil, fmt.Errorf("chart %q not found in %s (charts there: %s)", req.Chart, req.Source.Path, names(index))
	}
	c, err := pick(cands, cons, locked, hasLock)
	if err != nil {
		return nil, fmt.Errorf("chart %q in %s: %w", req.Chart, req.Source.Path, err)
	}
	var ch *helmsdk.Chart
	if c.archive {
		ch, err = helmsdk.LoadArchive(c.path)
	} else {
		ch, err = helmsdk.LoadDir(c.path, helmsdk.LoadOptions{BuildVersion: req.Source.BuildVersion})
	}
	if err != nil {
		return nil, err
	}
	if err := checkName(ch, req.Chart, c.path); err != nil {
		return nil, err
	}
	loc, err := filepath.Rel(r.opts.PlatformDir, c.path)
	if err != nil {
		loc = c.path
	}
	ch.Location = filepath.ToSlash(loc)
	return &Resolved{Chart: ch, Entry: LockEntry{
		Source: req.SourceName, Chart: req.Chart, Constraint: req.Constraint,
		Version: ch.Version(), Location: ch.Location, Digest: ch.Digest,
	}}, nil
}

// scanPath indexes a path source: a chart directory, a chart archive, or a
// directory of chart directories and archives.
func scanPath(root, buildVersion string) (map[string][]candidate, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("chart source: %w", err)
	}
	index := map[string][]candidate{}
	add := func(name string, c candidate) {
		if c.version == "0.0.0" && buildVersion != "" {
			c.version = buildVersion
		}
		index[name] = append(index[name], c)
	}
	if !st.IsDir() {
		if !strings.HasSuffix(root, ".tgz") {
			return nil, fmt.Errorf("chart source %s: not a directory or .tgz archive", root)
		}
		ch, err := helmsdk.LoadArchive(root)
		if err != nil {
			return nil, err
		}
		add(ch.Name(), candidate{version: ch.Version(), path: root, archive: true})
		return index, nil
	}
	if name, version, err := readChartYAML(root); err == nil {
		add(name, candidate{version: version, path: root})
		return index, nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("chart source: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(root, e.Name())
		switch {
		case e.IsDir():
			if name, version, err := readChartYAML(p); err == nil {
				add(name, candidate{version: version, path: p})
			}
		case strings.HasSuffix(e.Name(), ".tgz"):
			ch, err := helmsdk.LoadArchive(p)
			if err != nil {
				return nil, err
			}
			add(ch.Name(), candidate{version: ch.Version(), path: p, archive: true})
		}
	}
	return index, nil
}

func readChartYAML(dir string) (name, version string, err error) {
	b, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return "", "", err
	}
	var m struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return "", "", fmt.Errorf("%s: %w", filepath.Join(dir, "Chart.yaml"), err)
	}
	return m.Name, m.Version, nil
}

func names(index map[string][]candidate) string {
	var n []string
	for k := range index {
		n = append(n, k)
	}
	if len(n) == 0 {
		return "none"
	}
	sortStrings(n)
	return strings.Join(n, ", ")
}
