package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	yamlv4 "go.yaml.in/yaml/v4"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/internal/safefs"
)

// LockFileName is the lock file kept next to the platform files.
const LockFileName = "pono.lock"

// LockVersion is the newest lock format this pono reads and writes:
// version 2 adds images. A lock without images is still written as
// version 1, byte for byte as before, so older pono versions read it.
const LockVersion = 2

// lockVersionCharts is the format of a lock that pins charts only.
const lockVersionCharts = 1

// Lock pins every chart a platform uses to a version and content digest,
// and every file read out of an image to the image's digest and the
// file's (lock_images.go).
type Lock struct {
	Version int          `json:"version"`
	Charts  []LockEntry  `json:"charts"`
	Images  []ImageEntry `json:"images,omitempty"`
	// committed are the image entries of the lock on disk before the
	// compile that built this one (SetCommitted): a tag can move with no
	// commit, so Diff compares images from there.
	committed    []ImageEntry
	hasCommitted bool

	pos map[string]string // where each entry was read, by key
}

// Pos is where e's entry was read from the lock file, or def.
func (l *Lock) Pos(e LockEntry, def string) string {
	if p, ok := l.pos[e.key()]; ok {
		return p
	}
	return def
}

// LockEntry is one resolved (source, chart, constraint). An entry without
// Env is the base platform's, and every environment that resolves the
// request the same way shares it; an environment that resolves it
// differently (an overlay that changes the source) has an entry of its
// own, so one lock holds every environment and --locked holds for each.
type LockEntry struct {
	Env        string `json:"environment,omitempty"`
	Source     string `json:"source"`
	Chart      string `json:"chart"`
	Constraint string `json:"constraint"`
	Version    string `json:"version"`
	Location   string `json:"location"`
	Digest     string `json:"digest"`
}

func (e LockEntry) key() string {
	return e.Env + "\x00" + e.Source + "\x00" + e.Chart + "\x00" + e.Constraint
}

// Key identifies the entry: environment, source, chart, constraint.
func (e LockEntry) Key() string { return e.key() }

// Request is the key of the request e answers, whichever environment's.
func (e LockEntry) Request() string {
	e.Env = ""
	return e.key()
}

// SameResolution reports whether e and o pin the same chart.
func (e LockEntry) SameResolution(o LockEntry) bool {
	return e.Version == o.Version && e.Location == o.Location && e.Digest == o.Digest
}

// describe names the entry's request in messages.
func (e LockEntry) describe() string {
	s := fmt.Sprintf("%s/%s %q", e.Source, e.Chart, e.Constraint)
	if e.Env != "" {
		s += " (environment " + e.Env + ")"
	}
	return s
}

// ReadLock reads the lock at path; a missing file is an empty lock. The
// problems say what is wrong with the file (see ParseLock); err is a file
// that cannot be read at all (a FIFO, a link out of dir, no permission).
func ReadLock(dir string) (l *Lock, problems diag.List, err error) {
	path := filepath.Join(dir, LockFileName)
	d, err := safefs.Open(dir, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("read lock: %w", err)
	}
	defer d.Close()
	b, err := d.ReadFile(LockFileName)
	if errors.Is(err, fs.ErrNotExist) {
		return &Lock{Version: lockVersionCharts, Charts: []LockEntry{}}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	l, problems = ParseLock(b, path)
	return l, problems, nil
}

// ParseLock parses lock file content; display names the file in problems.
// It never fails: what cannot be used (the file does not parse, is
// truncated, has an unknown version, an entry lacks a field or repeats
// another) is a problem positioned in the file, and the lock holds the
// entries that are usable (none when the file is unreadable as a whole).
// Problems are errors; the compiler makes them warnings unless --locked.
func ParseLock(b []byte, display string) (*Lock, diag.List) {
	l := &Lock{Version: lockVersionCharts, Charts: []LockEntry{}, pos: map[string]string{}}
	var probs diag.List
	bad := func(pos, format string, args ...any) {
		probs = append(probs, diag.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
	}
	var probe any
	if err := yaml.Unmarshal(b, &probe); err != nil {
		pos, msg := yamlErrorAt(display, err)
		bad(pos, "pono.lock is not valid YAML (%s): the file is damaged; delete it or run pono lock update", msg)
		return l, probs
	}
	var root yamlv4.Node
	if err := yamlv4.Unmarshal(b, &root); err != nil || len(root.Content) == 0 {
		bad(display, "pono.lock is empty (a truncated file?): run pono lock update to write it again")
		return l, probs
	}
	doc := root.Content[0]
	if doc.Kind != yamlv4.MappingNode {
		bad(nodePos(display, doc), "pono.lock must be a mapping with version and charts, not %s", describeNode(doc))
		return l, probs
	}
	for _, d := range duplicateKeys(display, doc) {
		bad(d.Pos, "pono.lock: %s", d.Message)
	}
	var charts, images *yamlv4.Node
	version := 0
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "version":
			n, err := strconv.Atoi(v.Value)
			if v.Kind != yamlv4.ScalarNode || err != nil {
				bad(nodePos(display, v), "pono.lock: version must be a whole number, not %q", v.Value)
				return l, probs
			}
			version = n
		case "charts":
			charts = v
		case "images":
			images = v
		default:
			bad(nodePos(display, k), "pono.lock: unknown field %q (a lock has version, charts and images)", k.Value)
		}
	}
	switch {
	case version == 0:
		bad(display, "pono.lock has no version (a truncated file?): run pono lock update to write it again")
		return l, probs
	case version < lockVersionCharts || version > LockVersion:
		bad(keyPos(display, doc, "version"), "pono.lock has version %d; this pono reads versions %d and %d (written by a newer pono?)", version, lockVersionCharts, LockVersion)
		return l, probs
	}
	l.Version = version
	parseImages(l, images, version, display, bad)
	if charts == nil || (charts.Kind == yamlv4.ScalarNode && charts.Tag == "!!null") {
		return l, probs
	}
	if charts.Kind != yamlv4.SequenceNode {
		bad(nodePos(display, charts), "pono.lock: charts must be a list of entries, not %s", describeNode(charts))
		return l, probs
	}
	seen := map[string]int{}
	for i, n := range charts.Content {
		e, ok := parseEntry(n, display, i+1, bad)
		if !ok {
			continue
		}
		if prev, dup := seen[e.key()]; dup {
			bad(nodePos(display, n), "pono.lock: entry %d repeats entry %d (%s)", i+1, prev, e.describe())
			continue
		}
		seen[e.key()] = i + 1
		l.Charts = append(l.Charts, e)
		l.pos[e.key()] = nodePos(display, n)
	}
	return l, probs
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// parseEntry reads entry number i of charts; an entry that lacks a field
// or is malformed is reported and left out.
func parseEntry(n *yamlv4.Node, display string, i int, bad func(pos, format string, args ...any)) (LockEntry, bool) {
	if n.Kind != yamlv4.MappingNode {
		bad(nodePos(display, n), "pono.lock: entry %d must be a mapping (source, chart, constraint, version, location, digest), not %s", i, describeNode(n))
		return LockEntry{}, false
	}
	var e LockEntry
	fields := map[string]*string{"environment": &e.Env, "source": &e.Source, "chart": &e.Chart, "constraint": &e.Constraint, "version": &e.Version, "location": &e.Location, "digest": &e.Digest}
	ok := true
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		f, known := fields[k.Value]
		if !known {
			bad(nodePos(display, k), "pono.lock: entry %d has an unknown field %q", i, k.Value)
			ok = false
			continue
		}
		if v.Kind != yamlv4.ScalarNode {
			bad(nodePos(display, v), "pono.lock: entry %d: %s must be a string, not %s", i, k.Value, describeNode(v))
			ok = false
			continue
		}
		*f = v.Value
	}
	var missing []string
	for _, name := range []string{"source", "chart", "constraint", "version", "location", "digest"} {
		if *fields[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		bad(nodePos(display, n), "pono.lock: entry %d lacks %s (a truncated or hand-edited file?)", i, joinAnd(missing))
		return LockEntry{}, false
	}
	if !digestRE.MatchString(e.Digest) {
		bad(keyPos(display, n, "digest"), "pono.lock: entry %d (%s/%s): digest %q is not sha256: and 64 hex digits", i, e.Source, e.Chart, e.Digest)
		return LockEntry{}, false
	}
	return e, ok
}

func joinAnd(s []string) string {
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " and " + s[1]
	}
	out := ""
	for i, x := range s {
		switch {
		case i == len(s)-1:
			out += ", and " + x
		case i > 0:
			out += ", " + x
		default:
			out = x
		}
	}
	return out
}

// Find returns the base platform's entry for (source, chart, constraint).
func (l *Lock) Find(src, chart, constraint string) (LockEntry, bool) {
	return l.find(LockEntry{Source: src, Chart: chart, Constraint: constraint})
}

// FindFor returns env's entry for (source, chart, constraint), or the base
// platform's, which env shares unless it resolves the request otherwise.
func (l *Lock) FindFor(env, src, chart, constraint string) (LockEntry, bool) {
	if env != "" {
		if e, ok := l.find(LockEntry{Env: env, Source: src, Chart: chart, Constraint: constraint}); ok {
			return e, true
		}
	}
	return l.Find(src, chart, constraint)
}

func (l *Lock) find(want LockEntry) (LockEntry, bool) {
	k := want.key()
	for _, e := range l.Charts {
		if e.key() == k {
			return e, true
		}
	}
	return LockEntry{}, false
}

// NewLock builds a canonical lock from entries: sorted, deduplicated (the
// first entry for a key wins).
func NewLock(entries []LockEntry) *Lock {
	seen := map[string]bool{}
	var out []LockEntry
	for _, e := range entries {
		if seen[e.key()] {
			continue
		}
		seen[e.key()] = true
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	if out == nil {
		out = []LockEntry{}
	}
	return &Lock{Version: lockVersionCharts, Charts: out}
}

// Marshal renders the lock canonically: version 1 unless it pins images.
func (l *Lock) Marshal() ([]byte, error) {
	out := *l
	out.Version = lockVersionCharts
	if len(l.Images) > 0 {
		out.Version = LockVersion
	}
	b, err := yaml.Marshal(&out)
	if err != nil {
		return nil, err
	}
	return append([]byte("# pono.lock: chart versions and digests resolved by pono. Commit this file.\n"), b...), nil
}

// WriteLock writes l to dir/pono.lock atomically: a sibling temporary
// file, synced, renamed over the old one. If anything fails the old lock
// is left as it was.
func WriteLock(dir string, l *Lock) error {
	b, err := l.Marshal()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, LockFileName)
	tmp, err := os.CreateTemp(dir, "."+LockFileName+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, PathCause(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, PathCause(err))
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, PathCause(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, PathCause(err))
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, PathCause(err))
	}
	if err := renameFile(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, PathCause(err))
	}
	return nil
}

// renameFile is os.Rename; tests make it fail.
var renameFile = os.Rename

// PathCause drops the path from a file error (*fs.PathError, and the
// *os.LinkError os.Rename returns): messages name the file the user knows,
// never pono's temporary one.
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Diff describes how other differs from l, one line per changed entry.
func (l *Lock) Diff(other *Lock) []string {
	old := map[string]LockEntry{}
	for _, e := range l.Charts {
		old[e.key()] = e
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range other.Charts {
		seen[e.key()] = true
		o, ok := old[e.key()]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("add %s: %s %s", e.describe(), e.Version, e.Digest))
		case !o.SameResolution(e):
			out = append(out, fmt.Sprintf("change %s: %s %s -> %s %s", e.describe(), o.Version, o.Digest, e.Version, e.Digest))
		}
	}
	for _, e := range l.Charts {
		if !seen[e.key()] {
			out = append(out, fmt.Sprintf("remove %s", e.describe()))
		}
	}
	before := l.Images
	if l.hasCommitted {
		before = l.committed
	}
	return append(out, diffImages(before, other.Images)...)
}
