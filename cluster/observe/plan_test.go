package observe

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/plan"
)

// releases is Helm's release storage in memory, by namespace.
type releases map[string][]helmsdk.ReleaseInfo

func (r releases) ListReleasesIn(_ context.Context, ns, _ string) ([]helmsdk.ReleaseInfo, error) {
	if ns == "" {
		var all []helmsdk.ReleaseInfo
		for _, n := range []string{"a", "b"} {
			all = append(all, r[n]...)
		}
		return all, nil
	}
	return r[ns], nil
}

func (r releases) GetRelease(context.Context, string, string) (*helmsdk.ReleaseDetail, error) {
	return nil, errors.New("not stored")
}

// TestListReleases: without namespaces every release is read at once; with
// them, only theirs, one list each, and a desired release stored elsewhere
// is refused before anything is read.
func TestListReleases(t *testing.T) {
	ctx := context.Background()
	store := releases{
		"a": {{Name: "x", Namespace: "a"}},
		"b": {{Name: "y", Namespace: "b"}},
	}
	names := func(in []helmsdk.ReleaseInfo) (out []string) {
		for _, r := range in {
			out = append(out, r.Namespace+"/"+r.Name)
		}
		return out
	}

	all, err := ListReleases(ctx, store, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a/x", "b/y"}, names(all)); d != "" {
		t.Errorf("everywhere (-want +got):\n%s", d)
	}

	only, err := ListReleases(ctx, store, []string{"b"}, []plan.Desired{{Name: "y", Namespace: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"b/y"}, names(only)); d != "" {
		t.Errorf("restricted to b (-want +got):\n%s", d)
	}

	_, err = ListReleases(ctx, store, []string{"b"}, []plan.Desired{{Name: "x", Namespace: "a"}})
	want := "release x is stored in namespace a, outside the restricted namespaces b"
	if err == nil || err.Error() != want {
		t.Errorf("a release outside the namespaces: %v, want %q", err, want)
	}
}

// TestPlan: a release deployed with the desired digest is left alone, a
// new one installed, and an owned release the platform lacks is deleted
// (with Prune).
func TestPlan(t *testing.T) {
	res := &compiler.Result{
		Platform: compiler.PlatformInfo{Name: "p"},
		Releases: []compiler.Release{
			{Name: "same", Namespace: "a", Digest: "sha256:1111"},
			{Name: "new", Namespace: "a", Digest: "sha256:2222"},
		},
		Manifests: map[string][]byte{"same": nil, "new": nil},
	}
	owned := map[string]string{ownership.LabelManagedBy: ownership.ManagedByValue, ownership.LabelPlatform: "p"}
	withDigest := maps.Clone(owned)
	withDigest[plan.LabelDigest] = "1111"
	store := releases{"a": {
		{Name: "same", Namespace: "a", Status: plan.StatusDeployed, Revision: 1, Labels: withDigest},
		{Name: "gone", Namespace: "a", Status: plan.StatusDeployed, Revision: 3, Labels: owned},
	}}
	p, err := Plan(context.Background(), store, res, Scope{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]plan.Action{}
	for _, s := range p.Steps {
		got[s.Name] = s.Action
	}
	want := map[string]plan.Action{"same": plan.Skip, "new": plan.Install, "gone": plan.Uninstall}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
}
