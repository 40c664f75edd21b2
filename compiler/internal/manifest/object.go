// Package manifest parses rendered Helm output into objects, writes them
// canonically (sorted documents, sorted keys, stable YAML) and finds fields
// that differ between two renders of the same input.
package manifest

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Object is one rendered Kubernetes object.
type Object struct {
	APIVersion string
	Kind       string
	// Namespace is metadata.namespace as rendered (may be empty).
	Namespace string
	Name      string
	// Source is the template path that produced the object.
	Source string
	// Hook is set for Helm hooks, with their events.
	Hook       bool
	HookEvents []string
	Body       map[string]any
}

// ID names the object as kind/namespace/name (kind/name when cluster-scoped
// or namespace-less).
func (o Object) ID() string {
	if o.Namespace == "" {
		return o.Kind + "/" + o.Name
	}
	return o.Kind + "/" + o.Namespace + "/" + o.Name
}

// Group is the API group of the object's apiVersion ("" for core).
func (o Object) Group() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}

var docSep = regexp.MustCompile(`(?m)^---[ \t]*$`)
var sourceLine = regexp.MustCompile(`(?m)^# Source: (.*)$`)

// Parse splits a multi-document manifest into objects.
func Parse(manifest, source string, hook bool, events []string) ([]Object, error) {
	var out []Object
	for _, doc := range docSep.Split(manifest, -1) {
		src := source
		if m := sourceLine.FindStringSubmatch(doc); m != nil {
			src = strings.TrimSpace(m[1])
		}
		var body map[string]any
		if err := yaml.Unmarshal([]byte(doc), &body); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		if len(body) == 0 {
			continue
		}
		o := Object{Source: src, Hook: hook, HookEvents: events, Body: body}
		o.APIVersion, _ = body["apiVersion"].(string)
		o.Kind, _ = body["kind"].(string)
		if md, ok := body["metadata"].(map[string]any); ok {
			o.Name, _ = md["name"].(string)
			o.Namespace, _ = md["namespace"].(string)
		}
		if o.Kind == "" || o.APIVersion == "" {
			return nil, fmt.Errorf("%s: document without apiVersion or kind", src)
		}
		out = append(out, o)
	}
	return out, nil
}

// Sort orders objects canonically: resources before hooks, then by kind,
// namespace, name and apiVersion.
func Sort(objs []Object) {
	sort.SliceStable(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if a.Hook != b.Hook {
			return !a.Hook
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.APIVersion < b.APIVersion
	})
}

// Canonical writes objects as one stable YAML stream.
func Canonical(objs []Object) ([]byte, error) {
	var b strings.Builder
	for _, o := range objs {
		y, err := yaml.Marshal(o.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.ID(), err)
		}
		b.WriteString("---\n# Source: ")
		b.WriteString(o.Source)
		b.WriteString("\n")
		b.Write(y)
	}
	return []byte(b.String()), nil
}
