package plan

import (
	"fmt"
	"sort"

	"github.com/pono-gitops/pono/compiler"
)

// GroupKind names a kind of object ("" group for the core API).
type GroupKind struct {
	Group string `json:"group,omitempty"`
	Kind  string `json:"kind"`
}

func (g GroupKind) String() string {
	if g.Group == "" {
		return g.Kind
	}
	return g.Kind + "." + g.Group
}

// Resources summarises a release's manifests for ordering.
type Resources struct {
	// CRDs are the kinds the release defines (CustomResourceDefinitions).
	CRDs []GroupKind `json:"crds,omitempty"`
	// Namespaces are the Namespace objects the release creates.
	Namespaces []string `json:"namespaces,omitempty"`
	// Kinds are the kinds of the release's other objects.
	Kinds []GroupKind `json:"kinds,omitempty"`
	// InNamespaces are the namespaces the release's objects are placed in.
	InNamespaces []string `json:"inNamespaces,omitempty"`
}

// Inspect reads a multi-document YAML manifest (as rendered by Helm or
// written by the compiler) into Resources. It sees the objects Helm sends:
// the items of Lists, not the Lists.
func Inspect(manifest []byte) (Resources, error) {
	objs, err := compiler.SplitManifest(manifest)
	if err != nil {
		return Resources{}, fmt.Errorf("read manifest: %w", err)
	}
	refs := make([]compiler.ObjectRef, len(objs))
	for i, o := range objs {
		refs[i] = o.Ref()
	}
	return ResourcesOf(refs), nil
}

// ResourcesOf summarises a release's objects for ordering.
func ResourcesOf(objs []compiler.ObjectRef) Resources {
	var r Resources
	kinds := map[GroupKind]bool{}
	nss := map[string]bool{}
	for _, o := range objs {
		group := o.Group()
		switch {
		case o.Kind == "CustomResourceDefinition" && group == "apiextensions.k8s.io":
			r.CRDs = append(r.CRDs, GroupKind{Group: o.DefinesGroup, Kind: o.DefinesKind})
		case o.Kind == "Namespace" && group == "":
			r.Namespaces = append(r.Namespaces, o.Name)
		default:
			gk := GroupKind{Group: group, Kind: o.Kind}
			if !kinds[gk] {
				kinds[gk] = true
				r.Kinds = append(r.Kinds, gk)
			}
			if ns := o.Namespace; ns != "" && !nss[ns] {
				nss[ns] = true
				r.InNamespaces = append(r.InNamespaces, ns)
			}
		}
	}
	sort.Slice(r.CRDs, func(i, j int) bool { return r.CRDs[i].String() < r.CRDs[j].String() })
	sort.Slice(r.Kinds, func(i, j int) bool { return r.Kinds[i].String() < r.Kinds[j].String() })
	sort.Strings(r.Namespaces)
	sort.Strings(r.InNamespaces)
	return r
}

// edges computes, for each node, the nodes it must come after.
type graph struct {
	after    [][]int
	inferred [][]string
}

func (g *graph) reaches(from, to int) bool {
	seen := map[int]bool{}
	var walk func(n int) bool
	walk = func(n int) bool {
		if n == to {
			return true
		}
		if seen[n] {
			return false
		}
		seen[n] = true
		for _, m := range g.after[n] {
			if walk(m) {
				return true
			}
		}
		return false
	}
	return walk(from)
}

// add records "a after b" unless it would close a cycle, and reports
// whether the edge exists afterwards.
func (g *graph) add(a, b int) bool {
	if a == b {
		return false
	}
	for _, x := range g.after[a] {
		if x == b {
			return true
		}
	}
	if g.reaches(b, a) {
		return false
	}
	g.after[a] = append(g.after[a], b)
	return true
}

func (g *graph) depths() []int {
	depth := make([]int, len(g.after))
	state := make([]int, len(g.after)) // 0 new, 1 visiting, 2 done
	var visit func(n int) int
	visit = func(n int) int {
		switch state[n] {
		case 1:
			return 0
		case 2:
			return depth[n]
		}
		state[n] = 1
		d := 0
		for _, m := range g.after[n] {
			d = max(d, visit(m)+1)
		}
		depth[n], state[n] = d, 2
		return d
	}
	for n := range g.after {
		visit(n)
	}
	return depth
}

// edges between releases, from needs, CRDs and namespaces. provider(i)
// returns what node i provides, user(j) what node j uses.
func buildGraph(n int, name func(int) string, needs func(int) []string, res func(int) *Resources, ns func(int) string) *graph {
	g := &graph{after: make([][]int, n), inferred: make([][]string, n)}
	byName := map[string][]int{}
	crd := map[GroupKind][]int{}
	nsCreator := map[string][]int{}
	for i := 0; i < n; i++ {
		byName[name(i)] = append(byName[name(i)], i)
		if r := res(i); r != nil {
			for _, k := range r.CRDs {
				crd[k] = append(crd[k], i)
			}
			for _, x := range r.Namespaces {
				nsCreator[x] = append(nsCreator[x], i)
			}
		}
	}
	for i := 0; i < n; i++ {
		for _, need := range needs(i) {
			for _, j := range byName[need] {
				g.add(i, j)
			}
		}
	}
	for i := 0; i < n; i++ {
		r := res(i)
		if r == nil {
			r = &Resources{}
		}
		for _, k := range r.Kinds {
			for _, j := range crd[k] {
				if g.add(i, j) {
					g.inferred[i] = append(g.inferred[i], fmt.Sprintf("after %s: it defines %s", name(j), k))
				}
			}
		}
		seen := map[string]bool{}
		for _, x := range append([]string{ns(i)}, r.InNamespaces...) {
			if seen[x] {
				continue
			}
			seen[x] = true
			for _, j := range nsCreator[x] {
				if g.add(i, j) {
					g.inferred[i] = append(g.inferred[i], fmt.Sprintf("after %s: it creates namespace %s", name(j), x))
				}
			}
		}
	}
	return g
}

func order(steps []Step) {
	g := buildGraph(len(steps),
		func(i int) string { return steps[i].Name },
		func(i int) []string { return steps[i].Desired.Needs },
		func(i int) *Resources { return &steps[i].Desired.Resources },
		func(i int) string { return steps[i].Namespace })
	depth := g.depths()
	for i := range steps {
		steps[i].Wave = depth[i]
		steps[i].Inferred = g.inferred[i]
		var after []string
		for _, j := range g.after[i] {
			after = append(after, steps[j].Name)
		}
		sort.Strings(after)
		steps[i].After = after
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Wave != steps[j].Wave {
			return steps[i].Wave < steps[j].Wave
		}
		return steps[i].Key() < steps[j].Key()
	})
}

// orderDeletes orders deletions in reverse: a release goes after every
// release (also being deleted) that depends on it.
func orderDeletes(steps []Step) {
	g := buildGraph(len(steps),
		func(i int) string { return steps[i].Name },
		func(i int) []string { return steps[i].Observed.Needs() },
		func(i int) *Resources { return &steps[i].Observed.Resources },
		func(i int) string { return steps[i].Namespace })
	// Reverse: i after j in apply order means j is deleted after i.
	rev := &graph{after: make([][]int, len(steps)), inferred: make([][]string, len(steps))}
	for i, deps := range g.after {
		for _, j := range deps {
			rev.add(j, i)
		}
	}
	depth := rev.depths()
	for i := range steps {
		steps[i].Wave = depth[i]
		var after []string
		for _, j := range rev.after[i] {
			after = append(after, steps[j].Name)
		}
		sort.Strings(after)
		steps[i].After = after
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Wave != steps[j].Wave {
			return steps[i].Wave < steps[j].Wave
		}
		return steps[i].Key() < steps[j].Key()
	})
}
