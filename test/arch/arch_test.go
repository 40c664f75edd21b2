// Package arch checks the direction of pono's dependencies with `go list`,
// so the folder tree keeps reading as the architecture: pure packages
// (the compiler, the planner, git-mode diff) never reach the cluster side
// (cluster/, run/), and each heavy third-party library is imported by the
// one package that owns it.
package arch

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/pono-gitops/pono/"

type pkg struct {
	imports []string // direct, non-test imports
	deps    []string // transitive, non-test
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \",\"}}|{{join .Deps \",\"}}", "./...")
	cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "|", 3)
		if len(f) != 3 {
			t.Fatalf("go list: unexpected line %q", line)
		}
		pkgs[strings.TrimPrefix(f[0], module)] = pkg{imports: split(f[1]), deps: split(f[2])}
	}
	return pkgs
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// owners names, for each heavy library, the only packages that may import
// it directly.
var owners = map[string][]string{
	"helm.sh/helm/v3":             {"internal/helmchart", "internal/helmsdk"},
	"github.com/go-git/go-git/v5": {"internal/gitrepo"},
	"github.com/robfig/cron/v3":   {"internal/schedule"},
	"github.com/moby/moby":        {"internal/dockerengine"},
	// Graphviz (as WebAssembly) lays out workflow graphs for the web page,
	// in the pono-graphviz helper only (TestPonoDoesNotLinkGraphviz).
	"github.com/goccy/go-graphviz": {"internal/graphsvg/dotlayout"},
	// Images in registries and image archives, without a container engine.
	"github.com/google/go-containerregistry": {"internal/ociimage"},
	// CUE is the compiler's own language: the schema loader, the Task API
	// validator and the diagnostics that render CUE positions.
	"cuelang.org/go": {"compiler/diag", "compiler/internal/spec", "compiler/taskapi"},
	// SOPS decrypts encrypted platform files (age keys); sopstest encrypts
	// them for tests.
	"github.com/getsops/sops/v3": {"internal/sopsfile", "internal/sopsfile/sopstest"},
	"filippo.io/age":             {"internal/sopsfile/sopstest"},
}

func TestHeavyLibrariesHaveOneOwner(t *testing.T) {
	for path, p := range listPackages(t) {
		for _, imp := range p.imports {
			for lib, allowed := range owners {
				if imp != lib && !strings.HasPrefix(imp, lib+"/") {
					continue
				}
				if !slices.Contains(allowed, path) && !strings.HasPrefix(path, "test/") {
					t.Errorf("%s imports %s; only %s may", path, imp, strings.Join(allowed, ", "))
				}
			}
		}
	}
}

// clusterSide are pono's packages that talk to a cluster or run
// containers: everything under cluster/ and run/ (by prefix, so a new
// package there is covered), and the internal packages only they use.
// Pure packages may not depend on them, even transitively. internal/gitrepo
// is not here: git-mode diff reads local repositories with it.
var clusterSide = []string{"cluster/", "run/", "internal/helmsdk", "internal/dockerengine", "internal/schedule"}

func isClusterSide(rel string) bool {
	for _, c := range clusterSide {
		if rel == c || (strings.HasSuffix(c, "/") && strings.HasPrefix(rel, c)) {
			return true
		}
	}
	return false
}

// pure are the packages that must work without a cluster: they turn files
// into releases, plans, diffs and diagnostics ("compiler/...": compiler and
// every package under it). cluster/statusdoc is plain data shared with the
// web page; it is checked here too so it stays free of client-go.
var pure = []string{"compiler/...", "plan", "diff", "internal/safefs", "internal/ownership", "internal/values", "cluster/statusdoc"}

// purePackages expands pure against the packages that exist.
func purePackages(t *testing.T, pkgs map[string]pkg) []string {
	var out []string
	for _, name := range pure {
		if root, ok := strings.CutSuffix(name, "/..."); ok {
			n := 0
			for path := range pkgs {
				if path == root || strings.HasPrefix(path, root+"/") {
					out, n = append(out, path), n+1
				}
			}
			if n == 0 {
				t.Errorf("pure packages %s no longer exist: update this test", name)
			}
			continue
		}
		if _, ok := pkgs[name]; !ok {
			t.Errorf("pure package %s no longer exists: update this test", name)
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestPurePackagesStayPure(t *testing.T) {
	pkgs := listPackages(t)
	for _, name := range purePackages(t, pkgs) {
		p := pkgs[name]
		var bad []string
		for _, d := range p.deps {
			rel := strings.TrimPrefix(d, module)
			if rel != d && isClusterSide(rel) {
				bad = append(bad, rel)
			}
		}
		for _, imp := range p.imports {
			if strings.HasPrefix(imp, "k8s.io/client-go") {
				bad = append(bad, imp)
			}
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			t.Errorf("pure package %s depends on the cluster side: %s", name, strings.Join(bad, ", "))
		}
	}
}

func TestTaskAPIIsFreeOfClientGo(t *testing.T) {
	// The Task API validator is what `pono task validate` runs on a
	// developer's laptop; it must not link a Kubernetes client at all.
	p := listPackages(t)["compiler/taskapi"]
	for _, d := range p.deps {
		if strings.HasPrefix(d, "k8s.io/client-go") || strings.HasPrefix(d, "helm.sh/") {
			t.Fatalf("compiler/taskapi links %s", d)
		}
	}
}

// TestCompilerLinksNoReleaseClient keeps the compiler on Helm's chart side
// (internal/helmchart): Helm's actions and kube client, and pono's release
// client, bring client-go's clients with them.
func TestCompilerLinksNoReleaseClient(t *testing.T) {
	p, ok := listPackages(t)["compiler"]
	if !ok {
		t.Fatal("package compiler no longer exists: update this test")
	}
	forbidden := []string{"helm.sh/helm/v3/pkg/action", "helm.sh/helm/v3/pkg/kube", module + "internal/helmsdk"}
	for _, d := range p.deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") {
				t.Errorf("compiler depends on %s", d)
			}
		}
	}
}

// TestObserversDoNotLinkTheApplyEngine: the commands that only look at a
// cluster (status, diff --live) and bootstrap share cluster/kube and
// cluster/observe with apply, not the engine itself.
func TestObserversDoNotLinkTheApplyEngine(t *testing.T) {
	pkgs := listPackages(t)
	for _, name := range []string{"cluster/status", "cluster/livediff", "cluster/bootstrap", "cluster/observe", "cluster/kube"} {
		p, ok := pkgs[name]
		if !ok {
			t.Errorf("package %s no longer exists: update this test", name)
			continue
		}
		if slices.Contains(p.deps, module+"cluster/apply") {
			t.Errorf("%s depends on cluster/apply", name)
		}
	}
}

// TestCLIIsThin: cmd/pono turns flags into options, calls a library and
// prints; cluster access and Helm stay in the libraries (cluster/...).
func TestCLIIsThin(t *testing.T) {
	p, ok := listPackages(t)["cmd/pono"]
	if !ok {
		t.Fatal("package cmd/pono no longer exists: update this test")
	}
	for _, imp := range p.imports {
		if strings.HasPrefix(imp, "k8s.io/") || strings.HasPrefix(imp, "helm.sh/") {
			t.Errorf("cmd/pono imports %s: move that code into a library", imp)
		}
	}
}

// TestPonoDoesNotLinkGraphviz: go-graphviz compiles its WebAssembly module
// in a package init, so whatever links it pays for it at every start. Only
// the pono-graphviz helper may; pono runs it when it lays out a graph.
func TestPonoDoesNotLinkGraphviz(t *testing.T) {
	pkgs := listPackages(t)
	for name, p := range pkgs {
		if strings.HasPrefix(name, "test/") || name == "cmd/pono-graphviz" || strings.HasPrefix(name, "internal/graphsvg/dotlayout") {
			continue
		}
		for _, d := range p.deps {
			if strings.HasPrefix(d, "github.com/goccy/go-graphviz") || strings.HasPrefix(d, "github.com/tetratelabs/wazero") {
				t.Errorf("%s links %s: lay graphs out through internal/graphsvg (the pono-graphviz helper)", name, d)
				break
			}
		}
	}
	if p := pkgs["cmd/pono-graphviz"]; !slices.Contains(p.deps, "github.com/goccy/go-graphviz") {
		t.Error("cmd/pono-graphviz does not link go-graphviz: update this test")
	}
}
