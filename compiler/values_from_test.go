package compiler

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/internal/values"
)

func resolveOne(ref ValueRef, cv ClusterValue) (*Result, map[string]*ValuesFromError) {
	res := &Result{Releases: []Release{{
		Name: "app", Digest: "sha256:00", ValuesFrom: []ValueRef{ref},
		Values: values.With(map[string]any{}, strings.Split(ref.Path, "."), ref.Placeholder()),
	}}}
	return res.ResolveValuesFrom(func(ValueRef) (ClusterValue, error) { return cv, nil })
}

// Each type reads the cluster's string as the target needs it; a value of
// the wrong shape is a message that never quotes the value.
func TestResolveValuesFromTypes(t *testing.T) {
	const secret = "hunter2-not-a-bool"
	cases := []struct {
		ref     ValueRef
		data    string
		want    any
		wantErr string
	}{
		{ValueRef{Type: ValueString, Path: "global.password"}, "s3cr3t", "s3cr3t", ""},
		{ValueRef{Type: ValueBoolean, Path: "global.verbose"}, "true\n", true, ""},
		{ValueRef{Type: ValueBoolean, Path: "global.verbose"}, secret, nil, "release app: valuesFrom: Secret ns/creds key k is not a boolean (true or false) (for values path global.verbose)"},
		{ValueRef{Type: ValueNumber, Path: "replicas"}, "3", float64(3), ""},
		{ValueRef{Type: ValueNumber, Path: "replicas"}, secret, nil, "release app: valuesFrom: Secret ns/creds key k is not a number (for values path replicas)"},
		{ValueRef{Type: ValueList, Path: "hosts"}, "[a, b]", []any{"a", "b"}, ""},
		{ValueRef{Type: ValueMap, Path: "hosts"}, "[a, b]", nil, "release app: valuesFrom: Secret ns/creds key k is not a YAML map (for values path hosts)"},
		{ValueRef{Type: ValueString, Path: "global.flavour", Parameter: "flavour", Options: []string{"small", "large"}}, secret, nil, `release app: valuesFrom: Secret ns/creds key k is not one of the parameter's options ["small" "large"] (for parameter flavour)`},
	}
	for _, c := range cases {
		c.ref.Kind, c.ref.Namespace, c.ref.Name, c.ref.Key = "Secret", "ns", "creds", "k"
		out, failed := resolveOne(c.ref, ClusterValue{Found: true, Data: c.data, Fingerprint: "f"})
		if c.wantErr != "" {
			f := failed["app"]
			if f == nil {
				t.Errorf("%s %q: no error", c.ref.Type, c.data)
				continue
			}
			if f.Error() != c.wantErr {
				t.Errorf("%s: error\n got %s\nwant %s", c.ref.Type, f.Error(), c.wantErr)
			}
			if strings.Contains(f.Error(), secret) {
				t.Errorf("the error quotes the value: %s", f.Error())
			}
			continue
		}
		got, _ := values.Lookup(out.Releases[0].Values, c.ref.Path)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", c.ref.Type, c.data, diff)
		}
	}
}

// The digest covers the fingerprint, not the content: equal fingerprints
// give equal digests, another fingerprint another digest, and the compiled
// result is left as it was.
func TestResolveValuesFromDigest(t *testing.T) {
	ref := ValueRef{Kind: "Secret", Namespace: "ns", Name: "creds", Key: "k", Path: "global.password", Type: ValueString}
	a, _ := resolveOne(ref, ClusterValue{Found: true, Data: "one", Fingerprint: "f1"})
	b, _ := resolveOne(ref, ClusterValue{Found: true, Data: "two", Fingerprint: "f1"})
	c, _ := resolveOne(ref, ClusterValue{Found: true, Data: "one", Fingerprint: "f2"})
	if a.Releases[0].Digest != b.Releases[0].Digest {
		t.Error("equal fingerprints gave different digests")
	}
	if a.Releases[0].Digest == c.Releases[0].Digest {
		t.Error("another fingerprint gave the same digest")
	}
	if a.Releases[0].Digest == "sha256:00" {
		t.Error("the digest was not changed")
	}
}

func TestPlaceholders(t *testing.T) {
	ref := ValueRef{Kind: "ConfigMap", Namespace: "admin", Name: "site", Key: "region"}
	got := []any{}
	for _, typ := range []string{ValueString, ValueBoolean, ValueNumber, ValueList, ValueMap} {
		ref.Type = typ
		got = append(got, ref.Placeholder())
	}
	want := []any{"from-cluster:ConfigMap/admin/site/region", false, float64(0), []any{}, map[string]any{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("placeholders (-want +got):\n%s", diff)
	}
}
