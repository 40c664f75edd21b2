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

// SplitManifest parses a canonical manifest file (Result.Manifests) into
// its objects, in file order.
func SplitManifest(b []byte) ([]Object, error) {
	objs, err := manifest.Parse(string(b), "", false, nil)
	if err != nil {
		return nil, err
	}
	out := make([]Object, len(objs))
	for i, o := range objs {
		_, hook := hookAnnotation(o.Body)
		out[i] = Object{ID: o.ID(), APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Source: o.Source, Hook: hook, Body: o.Body}
	}
	return out, nil
}

func hookAnnotation(body map[string]any) (string, bool) {
	md, _ := body["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	h, ok := ann["helm.sh/hook"].(string)
	return h, ok
}

// Group is the API group of the object ("" for the core group).
func (o Object) Group() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}
