package apply

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	k8sfake "k8s.io/client-go/kubernetes/fake"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/plan"
)

// rel is one release of a test platform, stored in namespace "ns".
type rel struct {
	name  string
	needs []string
}

const testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef"

// testPlatform is a compiled platform "p" of rels, each one ConfigMap.
func testPlatform(rels ...rel) *compiler.Result {
	res := &compiler.Result{Platform: compiler.PlatformInfo{Name: "p"}, Manifests: map[string][]byte{}}
	for _, r := range rels {
		res.Releases = append(res.Releases, compiler.Release{
			Name: r.name, Namespace: "ns", Chart: compiler.ChartRef{Name: r.name + "-chart", Version: "1.0.0"},
			Values: map[string]any{}, Labels: map[string]string{ownership.LabelManagedBy: ownership.ManagedByValue, ownership.LabelPlatform: "p"},
			Needs: r.needs, Digest: testDigest,
		})
		res.Manifests[r.name] = []byte(configMap(r.name))
	}
	return res
}

// owned are the labels of a release of platform "p" whose digest is
// digest ("" for an outdated one).
func owned(digest string) map[string]string {
	l := map[string]string{ownership.LabelManagedBy: ownership.ManagedByValue, ownership.LabelPlatform: "p", plan.LabelChartVersion: "1.0.0"}
	if digest != "" {
		l[plan.LabelDigest] = plan.DigestLabel(digest)
	}
	return l
}

// testApply is an Apply on f and an in-memory clientset (namespaces,
// leases), with retries that do not wait.
func testApply(f *fakeReleaser) (*Apply, *k8sfake.Clientset) {
	cs := k8sfake.NewClientset()
	a := NewApply(&kube.Config{})
	a.rel, a.kube = f, cs
	a.Backoff, a.poll, a.Identity = time.Millisecond, 10*time.Millisecond, "test"
	return a, cs
}

func run(t *testing.T, a *Apply, res *compiler.Result) *Report {
	t.Helper()
	rep, err := a.Run(context.Background(), res)
	if rep == nil {
		t.Fatalf("Run: no report, error %v", err)
	}
	return rep
}

func resultNamed(t *testing.T, rep *Report, name string) ReleaseResult {
	t.Helper()
	for _, r := range rep.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", name, rep.Results)
	return ReleaseResult{}
}

// before reports whether event a happened before event b.
func before(events []string, a, b string) bool {
	i, j := slices.Index(events, a), slices.Index(events, b)
	return i >= 0 && j >= 0 && i < j
}

func callsOf(f *fakeReleaser) string { return strings.Join(f.Calls(), "\n") }
