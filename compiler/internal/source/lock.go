package source

import (
	"fmt"
	"os"
	"sort"

	"sigs.k8s.io/yaml"
)

// LockFileName is the lock file kept next to the platform files.
const LockFileName = "pono.lock"

// Lock pins every chart a platform uses to a version and content digest.
type Lock struct {
	Version int         `json:"version"`
	Charts  []LockEntry `json:"charts"`
}

// LockEntry is one resolved (source, chart, constraint).
type LockEntry struct {
	Source     string `json:"source"`
	Chart      string `json:"chart"`
	Constraint string `json:"constraint"`
	Version    string `json:"version"`
	Location   string `json:"location"`
	Digest     string `json:"digest"`
}

func (e LockEntry) key() string { return e.Source + "\x00" + e.Chart + "\x00" + e.Constraint }

// ReadLock reads a lock file; a missing file is an empty lock.
func ReadLock(path string) (*Lock, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &Lock{Version: 1}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lock: %w", err)
	}
	var l Lock
	if err := yaml.UnmarshalStrict(b, &l); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &l, nil
}

// Find returns the entry for (source, chart, constraint).
func (l *Lock) Find(src, chart, constraint string) (LockEntry, bool) {
	k := LockEntry{Source: src, Chart: chart, Constraint: constraint}.key()
	for _, e := range l.Charts {
		if e.key() == k {
			return e, true
		}
	}
	return LockEntry{}, false
}

// NewLock builds a canonical lock from entries: sorted, deduplicated.
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
	return &Lock{Version: 1, Charts: out}
}

// Marshal renders the lock canonically.
func (l *Lock) Marshal() ([]byte, error) {
	b, err := yaml.Marshal(l)
	if err != nil {
		return nil, err
	}
	return append([]byte("# pono.lock: chart versions and digests resolved by pono. Commit this file.\n"), b...), nil
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
			out = append(out, fmt.Sprintf("add %s/%s %q: %s %s", e.Source, e.Chart, e.Constraint, e.Version, e.Digest))
		case o.Version != e.Version || o.Digest != e.Digest:
			out = append(out, fmt.Sprintf("change %s/%s %q: %s %s -> %s %s", e.Source, e.Chart, e.Constraint, o.Version, o.Digest, e.Version, e.Digest))
		}
	}
	for _, e := range l.Charts {
		if !seen[e.key()] {
			out = append(out, fmt.Sprintf("remove %s/%s %q", e.Source, e.Chart, e.Constraint))
		}
	}
	return out
}
