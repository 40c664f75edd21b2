package compiler

import (
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
)

// Object is one object of a release's canonical manifest file.
type Object struct {
	// ID is kind/namespace/name (kind/name without a namespace).
	ID         string
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// Source is the template the object came from.
	Source string
	// Hook is set for Helm hooks.
	Hook bool
	// Body is the object itself.
	Body map[string]any
}

// SplitManifest parses a manifest (a canonical one from Result.Manifests,
// or one Helm stored for a release) into the objects Helm sends, in file
// order: Lists are flattened as Helm flattens them (manifest.Parse), and
// hooks are marked by their document's helm.sh/hook annotation.
func SplitManifest(b []byte) ([]Object, error) {
	objs, err := manifest.ParseCanonical(string(b))
	if err != nil {
		return nil, err
	}
	out := make([]Object, len(objs))
	for i, o := range objs {
		out[i] = Object{ID: o.ID(), APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Source: o.Source, Hook: o.Hook, Body: o.Body}
	}
	return out, nil
}

// Group is the API group of the object ("" for the core group).
func (o Object) Group() string { return groupOf(o.APIVersion) }

// ObjectRef is what planning needs of an object: its identity and, for a
// CustomResourceDefinition, the kind it defines.
type ObjectRef struct {
	APIVersion, Kind, Namespace, Name string
	// DefinesGroup and DefinesKind are a CustomResourceDefinition's
	// spec.group and spec.names.kind.
	DefinesGroup, DefinesKind string
}

// Group is the API group of the object ("" for the core group).
func (o ObjectRef) Group() string { return groupOf(o.APIVersion) }

// Ref is the object's ObjectRef.
func (o Object) Ref() ObjectRef { return refOf(o.APIVersion, o.Kind, o.Namespace, o.Name, o.Body) }

func refOf(apiVersion, kind, namespace, name string, body map[string]any) ObjectRef {
	r := ObjectRef{APIVersion: apiVersion, Kind: kind, Namespace: namespace, Name: name}
	if kind == "CustomResourceDefinition" && groupOf(apiVersion) == "apiextensions.k8s.io" {
		spec, _ := body["spec"].(map[string]any)
		r.DefinesGroup, _ = spec["group"].(string)
		names, _ := spec["names"].(map[string]any)
		r.DefinesKind, _ = names["kind"].(string)
	}
	return r
}

// refsOf lists the compiled objects' refs, in manifest order.
func refsOf(objs []manifest.Object) []ObjectRef {
	out := make([]ObjectRef, len(objs))
	for i, o := range objs {
		out[i] = refOf(o.APIVersion, o.Kind, o.Namespace, o.Name, o.Body)
	}
	return out
}

func groupOf(apiVersion string) string {
	if i := strings.Index(apiVersion, "/"); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}
