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
func (o Object) Group() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}
