package compiler

import (
	"sort"
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
	for _, p := range rels {
		set := map[string]bool{}
		for _, n := range p.rel.Needs {
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
				b.errAt(append(append([]string(nil), p.extPath...), "needs"), "extension "+p.rel.Extension, "needs %q, which is not an extension (or extension/instance) of this platform", n)
				continue
			}
			for _, t := range targets {
				if t == p.rel.Name {
					b.errAt(append(append([]string(nil), p.extPath...), "needs"), "extension "+p.rel.Extension, "release %q needs itself", t)
					continue
				}
				set[t] = true
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
		b.errAt(nil, "needs", "dependency cycle: %s", strings.Join(cycle, " -> "))
	}
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
	for _, n := range sortedKeys(graph) {
		if color[n] == white && visit(n) {
			return found
		}
	}
	return nil
}

// checkStatic runs the checks that need no chart: sources, each extension's
// source, and that needs name declared extensions.
func (b *build) checkStatic() {
	b.checkSources()
	for _, name := range sortedKeys(b.p.Extensions) {
		b.chartKeyFor(name)
		for _, n := range b.p.Extensions[name].Needs {
			ext, _, _ := strings.Cut(n, "/")
			if _, ok := b.p.Extensions[ext]; !ok {
				b.errAt(spec.P("extensions", name, "needs"), "extension "+name, "needs %q, which is not an extension of this platform", n)
			}
		}
	}
}
