package compiler

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/spec"
)

// resolveNeeds turns extension names in needs into release names and
// rejects unknown names and cycles.
func (b *build) resolveNeeds(rels []*pending) {
	byExt := map[string][]string{}
	byInst := map[string]string{}
	for _, p := range rels {
		byExt[p.rel.Extension] = append(byExt[p.rel.Extension], p.rel.Name)
		if p.rel.Instance != "" {
			byInst[p.rel.Extension+"/"+p.rel.Instance] = p.rel.Name
		}
	}
	graph := map[string][]string{}
	// entry is where each edge was written: the needs entry of the
	// extension or instance.
	type written struct {
		path spec.Path
		text string
	}
	entry := map[[2]string]written{}
	byName := map[string]*pending{}
	for _, p := range rels {
		byName[p.rel.Name] = p
		set := map[string]bool{}
		for i, n := range p.rel.Needs {
			var targets []string
			known := false
			if strings.Contains(n, "/") {
				var r string
				r, known = byInst[n]
				targets = []string{r}
			} else if _, known = b.p.Extensions[n]; known {
				targets = byExt[n]
				if len(targets) == 0 {
					b.warn("extension "+p.rel.Extension, "needs %q, which installs no release", n)
				}
			}
			if !known {
				b.errAt(b.needsEntry(p, i), "extension "+p.rel.Extension, "needs %q, which is not an extension (or extension/instance) of this platform", n)
				continue
			}
			for _, t := range targets {
				if t == p.rel.Name {
					b.errAt(b.needsEntry(p, i), "extension "+p.rel.Extension, "release %q needs itself", t)
					continue
				}
				set[t] = true
				if _, ok := entry[[2]string{p.rel.Name, t}]; !ok {
					entry[[2]string{p.rel.Name, t}] = written{b.needsEntry(p, i), n}
				}
			}
		}
		needs := make([]string, 0, len(set))
		for t := range set {
			needs = append(needs, t)
		}
		sort.Strings(needs)
		p.rel.Needs = needs
		graph[p.rel.Name] = needs
	}
	if cycle := findCycle(graph); cycle != nil {
		names := make([]string, len(cycle))
		for i, r := range cycle {
			names[i] = needsName(byName[r].rel)
		}
		e := entry[[2]string{cycle[0], cycle[1]}]
		b.errAt(e.path, "extension "+byName[cycle[0]].rel.Extension,
			"needs %q, which closes a dependency cycle: %s", e.text, strings.Join(names, " -> "))
	}
}

// needsEntry is the path of the i-th need of p: an instance's needs follow
// its extension's.
func (b *build) needsEntry(p *pending, i int) spec.Path {
	ext := b.p.Extensions[p.rel.Extension]
	if i < len(ext.Needs) || p.rel.Instance == "" {
		return spec.P("extensions", p.rel.Extension, "needs", strconv.Itoa(i))
	}
	return spec.P("extensions", p.rel.Extension, "instances", p.rel.Instance, "needs", strconv.Itoa(i-len(ext.Needs)))
}

// needsName names a release as needs entries do: extension, or
// extension/instance.
func needsName(r Release) string {
	if r.Instance != "" {
		return r.Extension + "/" + r.Instance
	}
	return r.Extension
}

// findCycle returns one cycle in graph, or nil.
func findCycle(graph map[string][]string) []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var found []string
	var visit func(n string) bool
	visit = func(n string) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range graph[n] {
			switch color[m] {
			case grey:
				for i, s := range stack {
					if s == m {
						found = append(append([]string(nil), stack[i:]...), m)
					}
				}
				return true
			case white:
				if visit(m) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	for _, n := range slices.Sorted(maps.Keys(graph)) {
		if color[n] == white && visit(n) {
			return found
		}
	}
	return nil
}

// checkStatic runs the checks that need no chart: sources, policy, each
// extension's source, that needs name declared extensions, and the
// workflows (which read only platform files) into res.
func (b *build) checkStatic(res *Result) {
	b.checkSources()
	b.checkPolicy()
	b.checkGlobalsFrom()
	b.checkProjects()
	b.compileWorkflows(res)
	for _, name := range slices.Sorted(maps.Keys(b.p.Extensions)) {
		b.chartKeyFor(name)
		for i, n := range b.p.Extensions[name].Needs {
			ext, _, _ := strings.Cut(n, "/")
			if _, ok := b.p.Extensions[ext]; !ok {
				b.errAt(spec.P("extensions", name, "needs", strconv.Itoa(i)), "extension "+name, "needs %q, which is not an extension of this platform", n)
			}
		}
	}
}
