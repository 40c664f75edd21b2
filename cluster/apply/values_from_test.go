package apply

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pono-gitops/pono/compiler"
)

// withSecretRef makes release name of res take global.password from the
// Secret ns/creds, key password.
func withSecretRef(res *compiler.Result, name string) {
	for i := range res.Releases {
		r := &res.Releases[i]
		if r.Name != name {
			continue
		}
		ref := compiler.ValueRef{Kind: "Secret", Namespace: "ns", Name: "creds", Key: "password", Path: "global.password", Type: compiler.ValueString}
		r.ValuesFrom = append(r.ValuesFrom, ref)
		r.Values = map[string]any{"global": map[string]any{"password": ref.Placeholder()}}
		r.Sensitive = append(r.Sensitive, ref.Path)
	}
}

func secret(value, uid string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "creds", UID: types.UID(uid)}, Data: map[string][]byte{"password": []byte(value)}}
}

// A changed Secret upgrades exactly the release using it; an unchanged
// one writes nothing.
func TestValuesFromChangeUpgradesOnlyItsRelease(t *testing.T) {
	f := newFakeReleaser()
	a, cs := testApply(f)
	ctx := context.Background()
	if _, err := cs.CoreV1().Secrets("ns").Create(ctx, secret("s3cr3t-one", "u1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	compile := func() *compiler.Result {
		res := testPlatform(rel{name: "a"}, rel{name: "b"})
		withSecretRef(res, "a")
		return res
	}
	if rep := run(t, a, compile()); len(rep.Failed()) > 0 {
		t.Fatalf("first apply failed: %+v", rep.Failed())
	}
	if got := f.valuesOf("ns/a"); got["global"].(map[string]any)["password"] != "s3cr3t-one" {
		t.Fatalf("release a installed with values %v, want the Secret's value", got)
	}
	calls := len(f.Calls())
	a, _ = testApply(f)
	a.kube = cs
	rep := run(t, a, compile())
	if n := len(f.Calls()) - calls; n != 0 {
		t.Fatalf("second apply with the same Secret made %d calls: %s", n, callsOf(f))
	}
	if c := rep.Counts(); c[OutcomeChanged] != 0 {
		t.Fatalf("second apply changed %d releases", c[OutcomeChanged])
	}
	if _, err := cs.CoreV1().Secrets("ns").Update(ctx, secret("s3cr3t-two", "u1"), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	a, _ = testApply(f)
	a.kube = cs
	rep = run(t, a, compile())
	if r := resultNamed(t, rep, "a"); r.Outcome != OutcomeChanged {
		t.Errorf("release a after the Secret changed: %s, want changed", r.Outcome)
	}
	if r := resultNamed(t, rep, "b"); r.Outcome != OutcomeUnchanged {
		t.Errorf("release b after the Secret changed: %s, want unchanged", r.Outcome)
	}
}

// A missing required Secret fails its release and blocks what needs it;
// the others are applied, and the failing release writes nothing.
func TestValuesFromMissingSecretFailsOnlyItsRelease(t *testing.T) {
	f := newFakeReleaser()
	a, _ := testApply(f)
	res := testPlatform(rel{name: "a"}, rel{name: "b", needs: []string{"a"}}, rel{name: "c"})
	withSecretRef(res, "a")
	rep := run(t, a, res)
	want := map[string]Outcome{"a": OutcomeFailed, "b": OutcomeBlocked, "c": OutcomeChanged}
	for name, o := range want {
		if r := resultNamed(t, rep, name); r.Outcome != o {
			t.Errorf("release %s: %s, want %s", name, r.Outcome, o)
		}
	}
	msg := resultNamed(t, rep, "a").Error
	if wantMsg := "release a: valuesFrom: Secret ns/creds not found: create it, or mark the entry optional (for values path global.password)"; msg != wantMsg {
		t.Errorf("error:\n got %s\nwant %s", msg, wantMsg)
	}
	if strings.Contains(callsOf(f), "ns/a") {
		t.Errorf("the failing release was written: %s", callsOf(f))
	}
}

// An optional reference to a missing Secret drops the placeholder (the
// chart default applies).
func TestValuesFromOptionalMissing(t *testing.T) {
	res := testPlatform(rel{name: "a"})
	withSecretRef(res, "a")
	res.Releases[0].ValuesFrom[0].Optional = true
	a, _ := testApply(newFakeReleaser())
	vr, err := a.ValuesFrom(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if len(vr.Failed) != 0 {
		t.Fatalf("failed: %v", vr.Failed)
	}
	if g := vr.Result.Releases[0].Values["global"].(map[string]any); len(g) != 0 {
		t.Errorf("values %v, want the placeholder gone", g)
	}
	if vr.Result.Releases[0].Digest == res.Releases[0].Digest {
		t.Error("the digest does not record that the value is absent")
	}
	if res.Releases[0].Values["global"].(map[string]any)["password"] == nil {
		t.Error("the compiled result was changed")
	}
}
