package compiler

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/internal/spec"
)

// readLock reads dir's pono.lock. What is wrong with it (damaged,
// truncated, an unknown version) is an error under --locked and a warning
// otherwise, with the usable entries kept; a lock that cannot be read at
// all (a FIFO, a link out of the platform) is always an error.
func (c *Compile) readLock(dir string) (*source.Lock, diag.List, error) {
	l, probs, err := source.ReadLock(dir)
	if err != nil {
		return nil, nil, &diag.Err{List: diag.List{{Pos: filepath.Join(dir, source.LockFileName), Message: err.Error()}}}
	}
	return l, c.lockSeverity(probs), nil
}

// lockSeverity makes lock problems errors under --locked, warnings else.
func (c *Compile) lockSeverity(l diag.List) diag.List {
	out := make(diag.List, len(l))
	for i, d := range l {
		if c.Locked {
			d.Severity = diag.Error
			d.Message = "--locked: " + d.Message
		} else {
			d.Severity = diag.Warning
		}
		out[i] = d
	}
	return out
}

// settleLock builds the lock this run writes: what it resolved, plus the
// old entries another environment still asks for. Old entries nothing
// asks for any more (stale) and entries whose chart now resolves at
// another location are reported (errors under --locked, warnings else)
// and replaced. damaged says the old lock had problems: it is rewritten
// even when its usable entries are unchanged.
func (c *Compile) settleLock(b *build, dir string, old *source.Lock, damaged bool) (*source.Lock, []string) {
	lockPos := filepath.Join(dir, source.LockFileName)
	resolved := map[string]bool{}
	var probs diag.List
	for _, e := range b.lockEntries {
		resolved[e.Key()] = true
		if o, ok := old.Find(e.Source, e.Chart, e.Constraint); ok && o.Version == e.Version && o.Location != e.Location {
			probs = append(probs, diag.Diagnostic{Pos: old.Pos(e, lockPos), Message: fmt.Sprintf("pono.lock pins %s/%s %s at %s, but it is now at %s", e.Source, e.Chart, e.Version, o.Location, e.Location)})
		}
	}
	var unasked []source.LockEntry
	for _, e := range old.Charts {
		if !resolved[e.Key()] {
			unasked = append(unasked, e)
		}
	}
	keep := append([]source.LockEntry(nil), b.lockEntries...)
	if len(unasked) > 0 {
		others := c.requestedElsewhere(dir)
		for _, e := range unasked {
			if others == nil || others[e.Key()] {
				keep = append(keep, e)
				continue
			}
			probs = append(probs, diag.Diagnostic{Pos: old.Pos(e, lockPos), Message: fmt.Sprintf("pono.lock pins %s/%s %q, which no extension asks for in the platform or any environment (a stale entry)", e.Source, e.Chart, e.Constraint)})
		}
	}
	b.diags = append(b.diags, c.lockSeverity(probs)...)
	l := source.NewLock(keep)
	changes := old.Diff(l)
	if damaged && len(changes) == 0 {
		changes = []string{"rewrite the damaged file"}
	}
	return l, changes
}

// requestedElsewhere is every lock key the base platform and each
// environment other than c.Env ask for; nil when one of them does not
// load (then nothing is called stale).
func (c *Compile) requestedElsewhere(dir string) map[string]bool {
	envs := append([]string{""}, Environments(dir)...)
	out := map[string]bool{}
	for _, env := range envs {
		if env == c.Env {
			continue
		}
		loaded, err := spec.Load(dir, env)
		if err != nil {
			return nil
		}
		probe := &build{p: &loaded.Platform, pos: loaded.Positions}
		for _, name := range sortedKeys(loaded.Platform.Extensions) {
			if k, ok := probe.chartKeyFor(name); ok {
				out[source.LockEntry{Source: k.source, Chart: k.chart, Constraint: k.constraint}.Key()] = true
			}
		}
	}
	return out
}

// Environments are the names of the platform's environment overlays.
func Environments(dir string) []string {
	var out []string
	for _, e := range spec.Environments(dir) {
		if fi, err := os.Stat(filepath.Join(dir, spec.EnvironmentsDir, e)); err == nil && fi.IsDir() {
			out = append(out, e)
		}
	}
	return out
}
