package kaapana

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValuesPrecedence(t *testing.T) {
	meta := Meta{OwnGlobals: map[string]any{
		"service_type":       "ClusterIP", // chart's own non-empty string: beats platform, loses to parameters
		"pull_policy_images": "IfNotPresent",
		"registry_url":       "", // empty: not re-set, platform value stays
		"replicas":           2,  // numbers are not re-set (Kaapana only re-sets strings and lists)
		"links":              []any{"/a"},
	}}
	platform := map[string]any{
		"pull_policy_images":    "Always",
		"registry_url":          "reg.example",
		"service_type":          "LoadBalancer",
		"preinstall_extensions": []any{"x"}, // never injected
		"kaapana_collections":   []any{"y"}, // never injected
		"replicas":              3,
	}
	params := map[string]any{"service_type": "NodePort", "display_name": "with spaces kept"}
	explicit := map[string]any{"global": map[string]any{"replicas": 5}, "extra": true}
	got := Values(platform, meta, params, explicit)
	want := map[string]any{
		"global": map[string]any{
			"pull_policy_images": "IfNotPresent",
			"registry_url":       "reg.example",
			"service_type":       "NodePort",
			"display_name":       "with spaces kept",
			"replicas":           5,
			"links":              []any{"/a"},
		},
		"extra": true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Values (-want +got):\n%s", diff)
	}
	if platform["service_type"] != "LoadBalancer" {
		t.Error("Values modified its input")
	}
}

func TestMergeValuesNullRemoves(t *testing.T) {
	got := MergeValues(map[string]any{"a": 1, "b": map[string]any{"c": 1, "d": 2}}, map[string]any{"a": nil, "b": map[string]any{"d": nil, "e": 3}})
	want := map[string]any{"b": map[string]any{"c": 1, "e": 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MergeValues (-want +got):\n%s", diff)
	}
}

func TestResolveParams(t *testing.T) {
	params := []Param{
		{Name: "s", Type: TypeString, Default: ""},
		{Name: "b", Type: TypeBoolean, Default: false},
		{Name: "one", Type: TypeListSingle, Options: []string{"x", "y"}, Default: "x"},
		{Name: "many", Type: TypeListMulti, Options: []string{"x", "y"}, Default: []any{"y"}},
		{Name: "fromGlobal", Type: TypeString},
	}
	got, probs := ResolveParams(params, map[string]any{"s": "v", "many": []any{"x", "y"}}, map[string]any{"fromGlobal": "g"})
	if len(probs) != 0 {
		t.Fatalf("problems: %+v", probs)
	}
	want := map[string]any{"s": "v", "b": false, "one": "x", "many": "x,y"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResolveParams (-want +got):\n%s", diff)
	}
	_, probs = ResolveParams(params, map[string]any{}, nil)
	var missing []string
	for _, p := range probs {
		missing = append(missing, p.Param)
	}
	if diff := cmp.Diff([]string{"s", "fromGlobal"}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
}
