package compiler

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/sopsfile"
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
// old entries another environment still asks for. A resolution an
// environment shares with the base platform is the base's entry; one it
// makes differently is an entry of that environment, so compiling one
// environment never changes what another is locked to. Old entries nothing
// asks for any more (stale) and entries whose chart now resolves at
// another location are reported (errors under --locked, warnings else)
// and replaced. damaged says the old lock had problems: it is rewritten
// even when its usable entries are unchanged.
func (c *Compile) settleLock(b *build, dir string, old *source.Lock, damaged bool) (*source.Lock, []string) {
	lockPos := filepath.Join(dir, source.LockFileName)
	resolved := map[string]bool{}
	var probs diag.List
	var keep []source.LockEntry
	// Loading every other environment is only needed for some entries.
	var others map[string]map[string]bool
	loadedOthers := false
	elsewhere := func() map[string]map[string]bool {
		if !loadedOthers {
			others, loadedOthers = c.requestedElsewhere(dir), true
		}
		return others
	}
	for _, e := range b.lockEntries {
		if c.Env != "" && c.ownEntry(old, elsewhere, e) {
			e.Env = c.Env
		}
		resolved[e.Key()] = true
		if o, ok := old.FindFor(e.Env, e.Source, e.Chart, e.Constraint); ok && o.Env == e.Env && o.Version == e.Version && o.Location != e.Location {
			probs = append(probs, diag.Diagnostic{Pos: old.Pos(e, lockPos), Message: fmt.Sprintf("pono.lock pins %s/%s %s at %s, but it is now at %s", e.Source, e.Chart, e.Version, o.Location, e.Location)})
		}
		keep = append(keep, e)
	}
	var unasked []source.LockEntry
	for _, e := range old.Charts {
		if resolved[e.Key()] {
			continue
		}
		if e.Env != "" && e.Env == c.Env && resolved[e.Request()] {
			continue // this environment now resolves it as the base does
		}
		unasked = append(unasked, e)
	}
	if len(unasked) > 0 {
		for _, e := range unasked {
			if others := elsewhere(); others == nil || asks(others, e) {
				keep = append(keep, e)
				continue
			}
			probs = append(probs, diag.Diagnostic{Pos: old.Pos(e, lockPos), Message: fmt.Sprintf("pono.lock pins %s/%s %q, which no extension asks for in the platform or any environment (a stale entry)", e.Source, e.Chart, e.Constraint)})
		}
	}
	b.diags = append(b.diags, c.lockSeverity(probs)...)
	l := source.NewLock(keep)
	l.Images = settleImages(b.resolver.ImageEntries(), old, len(Environments(dir)) > 0)
	changes := old.Diff(l)
	l.SetCommitted(old)
	if damaged && len(changes) == 0 {
		changes = []string{"rewrite the damaged file"}
	}
	return l, changes
}

// ownEntry reports whether the environment compiled needs an entry of its
// own for e: the base platform's entry pins another chart, or the base
// asks for the same request without an entry yet (it may resolve it
// otherwise). A request only environments make is a base entry, shared.
func (c *Compile) ownEntry(old *source.Lock, elsewhere func() map[string]map[string]bool, e source.LockEntry) bool {
	if base, ok := old.Find(e.Source, e.Chart, e.Constraint); ok {
		return !base.SameResolution(e)
	}
	others := elsewhere()
	return others == nil || others[""][e.Request()]
}

// asks reports whether an environment other than the one compiled still
// needs e: its own environment for an environment's entry, any of them for
// a base entry (environments fall back to it).
func asks(others map[string]map[string]bool, e source.LockEntry) bool {
	if e.Env != "" {
		return others[e.Env][e.Request()]
	}
	for _, keys := range others {
		if keys[e.Request()] {
			return true
		}
	}
	return false
}

// requestedElsewhere is, for the base platform ("") and each environment
// other than c.Env, the lock requests (LockEntry.Request) it asks for; nil
// when one of them does not load (then nothing is called stale).
func (c *Compile) requestedElsewhere(dir string) map[string]map[string]bool {
	envs := append([]string{""}, Environments(dir)...)
	out := map[string]map[string]bool{}
	for _, env := range envs {
		if env == c.Env {
			continue
		}
		loaded, err := spec.LoadWith(context.Background(), dir, env, sopsfile.NewKeys(c.cfg.AgeKeyFile))
		if err != nil {
			return nil
		}
		keys := map[string]bool{}
		probe := &build{p: &loaded.Platform, pos: loaded.Positions}
		for _, name := range slices.Sorted(maps.Keys(loaded.Platform.Extensions)) {
			if k, ok := probe.chartKeyFor(name); ok {
				keys[source.LockEntry{Source: k.source, Chart: k.chart, Constraint: k.constraint}.Request()] = true
			}
		}
		out[env] = keys
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

// settleImages are the image entries the new lock holds: those resolved,
// and, when the platform has environments (one of which may still need
// them), the old entries this compile did not ask for.
func settleImages(resolved []source.ImageEntry, old *source.Lock, envs bool) []source.ImageEntry {
	if envs {
		resolved = append(resolved, old.Images...)
	}
	return source.SortImages(resolved)
}
