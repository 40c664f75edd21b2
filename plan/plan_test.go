package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/internal/ownership"
)

const platform = "demo"

func owned(extra map[string]string) map[string]string {
	l := map[string]string{ownership.LabelManagedBy: ownership.ManagedByValue, ownership.LabelPlatform: platform}
	for k, v := range extra {
		l[k] = v
	}
	return l
}

func desired(name string, needs ...string) Desired {
	return Desired{Name: name, Namespace: "admin", ChartVersion: "1.0.0", Digest: "sha256:" + name + "0000000000000000000000000000000000000000000000", Needs: needs}
}

func deployed(d Desired) Observed {
	return Observed{Name: d.Name, Namespace: d.Namespace, Labels: owned(nil), Digest: DigestLabel(d.Digest),
		ChartVersion: VersionLabel(d.ChartVersion), Status: StatusDeployed, Revision: 3, LastGood: 2}
}

type row struct {
	Name   string
	Action Action
	Wave   int
	After  []string
	Op     Op
}

func rows(p *Plan) []row {
	var out []row
	for _, s := range p.Steps {
		out = append(out, row{s.Name, s.Action, s.Wave, s.After, s.Op()})
	}
	return out
}

func TestComputeActions(t *testing.T) {
	a := desired("a")
	changed := deployed(a)
	changed.Digest = "other"
	bumped := deployed(a)
	bumped.Digest, bumped.ChartVersion = "other", "0.9.0"
	failedFirst := deployed(a)
	failedFirst.Status, failedFirst.Revision, failedFirst.LastGood = StatusFailed, 1, 0
	failedUpgrade := deployed(a)
	failedUpgrade.Status = StatusFailed
	pendingInstall := deployed(a)
	pendingInstall.Status, pendingInstall.Revision, pendingInstall.LastGood = StatusPendingInstall, 1, 0
	pendingUpgrade := deployed(a)
	pendingUpgrade.Status = StatusPendingUpgrade
	foreign := deployed(a)
	foreign.Labels = map[string]string{"team": "x"}
	otherPlatform := deployed(a)
	otherPlatform.Labels = map[string]string{ownership.LabelManagedBy: ownership.ManagedByValue, ownership.LabelPlatform: "other"}
	uninstalled := deployed(a)
	uninstalled.Status = StatusUninstalled

	tests := []struct {
		name   string
		obs    *Observed
		action Action
		op     Op
	}{
		{"absent", nil, Install, OpInstall},
		{"uninstalled with history", &uninstalled, Install, OpInstall},
		{"up to date", ptr(deployed(a)), Skip, OpNone},
		{"values changed", &changed, Reconfigure, OpUpgrade},
		{"chart bumped", &bumped, Upgrade, OpUpgrade},
		{"failed first install", &failedFirst, Repair, OpInstall},
		{"failed upgrade", &failedUpgrade, Repair, OpUpgrade},
		{"pending install", &pendingInstall, Recover, OpInstall},
		{"pending upgrade", &pendingUpgrade, Recover, OpUpgrade},
		{"not pono's", &foreign, Conflict, OpNone},
		{"other platform's", &otherPlatform, Conflict, OpNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Platform: platform, Desired: []Desired{a}, Prune: true}
			if tt.obs != nil {
				in.Observed = []Observed{*tt.obs}
			}
			p := Compute(in)
			if len(p.Steps) != 1 {
				t.Fatalf("got %d steps, want 1: %+v", len(p.Steps), p.Steps)
			}
			s := p.Steps[0]
			if s.Action != tt.action || s.Op() != tt.op {
				t.Errorf("action, op = %s, %q; want %s, %q (reason %q)", s.Action, s.Op(), tt.action, tt.op, s.Reason)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestComputePrune(t *testing.T) {
	gone := deployed(desired("gone"))
	foreign := deployed(desired("foreign"))
	foreign.Labels = nil
	for _, prune := range []bool{true, false} {
		p := Compute(Input{Platform: platform, Observed: []Observed{gone, foreign}, Prune: prune})
		want := []row{{Name: "gone", Action: Keep}}
		if prune {
			want = []row{{Name: "gone", Action: Uninstall, Op: OpUninstall}}
		}
		if diff := cmp.Diff(want, rows(p)); diff != "" {
			t.Errorf("prune=%v: plan mismatch (-want +got):\n%s", prune, diff)
		}
	}
}

func TestOrderNeedsAndInference(t *testing.T) {
	crd := desired("operator")
	crd.Resources = Resources{CRDs: []GroupKind{{Group: "example.org", Kind: "Widget"}}}
	user := desired("widgets")
	user.Resources = Resources{Kinds: []GroupKind{{Group: "example.org", Kind: "Widget"}}}
	nsMaker := desired("project")
	nsMaker.Resources = Resources{Namespaces: []string{"project-x"}}
	inNS := desired("tenant")
	inNS.Resources = Resources{InNamespaces: []string{"project-x"}}
	app := desired("app", "widgets")
	free := desired("free")

	p := Compute(Input{Platform: platform, Desired: []Desired{app, free, inNS, nsMaker, user, crd}})
	want := []row{
		{Name: "free", Action: Install, Op: OpInstall},
		{Name: "operator", Action: Install, Op: OpInstall},
		{Name: "project", Action: Install, Op: OpInstall},
		{Name: "tenant", Action: Install, Wave: 1, After: []string{"project"}, Op: OpInstall},
		{Name: "widgets", Action: Install, Wave: 1, After: []string{"operator"}, Op: OpInstall},
		{Name: "app", Action: Install, Wave: 2, After: []string{"widgets"}, Op: OpInstall},
	}
	if diff := cmp.Diff(want, rows(p)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
	for _, s := range p.Steps {
		if s.Name == "widgets" && len(s.Inferred) != 1 {
			t.Errorf("widgets: inferred = %q, want one reason naming the CRD", s.Inferred)
		}
	}
}

func TestOrderInferredEdgeNeverMakesACycle(t *testing.T) {
	// a needs b explicitly; b uses a kind a defines. The explicit need wins.
	a := desired("a", "b")
	a.Resources = Resources{CRDs: []GroupKind{{Kind: "K", Group: "g"}}}
	b := desired("b")
	b.Resources = Resources{Kinds: []GroupKind{{Kind: "K", Group: "g"}}}
	p := Compute(Input{Platform: platform, Desired: []Desired{a, b}})
	want := []row{
		{Name: "b", Action: Install, Op: OpInstall},
		{Name: "a", Action: Install, Wave: 1, After: []string{"b"}, Op: OpInstall},
	}
	if diff := cmp.Diff(want, rows(p)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
}

func TestDeletionsRunInReverse(t *testing.T) {
	op := deployed(desired("operator"))
	op.Resources = Resources{CRDs: []GroupKind{{Group: "g", Kind: "K"}}}
	user := deployed(desired("user"))
	user.Resources = Resources{Kinds: []GroupKind{{Group: "g", Kind: "K"}}}
	top := deployed(desired("top"))
	top.Labels = owned(map[string]string{NeedsLabelPrefix + "user": "true"})
	p := Compute(Input{Platform: platform, Observed: []Observed{op, user, top}, Prune: true})
	want := []row{
		{Name: "top", Action: Uninstall, Op: OpUninstall},
		{Name: "user", Action: Uninstall, Wave: 1, After: []string{"top"}, Op: OpUninstall},
		{Name: "operator", Action: Uninstall, Wave: 2, After: []string{"user"}, Op: OpUninstall},
	}
	if diff := cmp.Diff(want, rows(p)); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
}

func TestInspect(t *testing.T) {
	manifest := `---
# Source: x/templates/crd.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.org
spec:
  group: example.org
  names:
    kind: Widget
---
apiVersion: v1
kind: Namespace
metadata:
  name: project-x
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: services
---
apiVersion: example.org/v1
kind: Widget
metadata:
  name: w
  namespace: project-x
`
	// Ordering sees the items of Lists: a CRD and a Namespace shipped in a
	// List still order the releases that use them.
	list := `---
apiVersion: v1
kind: List
items:
- apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata: {name: widgets.example.org}
  spec: {group: example.org, names: {kind: Widget}}
- apiVersion: v1
  kind: Namespace
  metadata: {name: project-x}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d, namespace: services}
`
	for _, tc := range []struct {
		name, manifest string
		want           Resources
	}{
		{"documents", manifest, Resources{
			CRDs:         []GroupKind{{Group: "example.org", Kind: "Widget"}},
			Namespaces:   []string{"project-x"},
			Kinds:        []GroupKind{{Group: "apps", Kind: "Deployment"}, {Group: "example.org", Kind: "Widget"}},
			InNamespaces: []string{"project-x", "services"},
		}},
		{"list", list, Resources{
			CRDs:         []GroupKind{{Group: "example.org", Kind: "Widget"}},
			Namespaces:   []string{"project-x"},
			Kinds:        []GroupKind{{Group: "apps", Kind: "Deployment"}},
			InNamespaces: []string{"services"},
		}},
	} {
		got, err := Inspect([]byte(tc.manifest))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: Inspect mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestReleaseLabelsDropRemovedNeeds(t *testing.T) {
	d := desired("a", "b")
	got := ReleaseLabels(map[string]string{"x": "y"}, d, map[string]string{NeedsLabelPrefix + "c": "true", NeedsLabelPrefix + "b": "true"})
	want := map[string]string{
		"x": "y", LabelDigest: DigestLabel(d.Digest), LabelChartVersion: "1.0.0",
		NeedsLabelPrefix + "b": "true", NeedsLabelPrefix + "c": "null",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels mismatch (-want +got):\n%s", diff)
	}
	if n := len(DigestLabel("sha256:" + strings.Repeat("f", 64))); n > 63 {
		t.Errorf("digest label is %d characters; label values hold 63", n)
	}
}

func TestMovedReleaseIsUninstalledFirst(t *testing.T) {
	d := desired("a")
	d.Namespace = "other"
	old := deployed(desired("a"))
	p := Compute(Input{Platform: platform, Desired: []Desired{d}, Observed: []Observed{old}, Prune: true})
	var got []string
	for _, s := range p.Steps {
		got = append(got, s.Namespace+"/"+s.Name+" "+string(s.Action)+" "+s.Reason)
	}
	want := []string{"admin/a uninstall moved to namespace other", "other/a install not installed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan mismatch (-want +got):\n%s", diff)
	}
}
