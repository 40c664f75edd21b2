// Package manifest parses rendered Helm output into objects, writes them
// canonically (sorted documents, sorted keys, stable YAML) and finds fields
// that differ between two renders of the same input.
package manifest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Object is one rendered Kubernetes object, as Helm sends it to the API
// server: Lists are flattened (see Parse).
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
	// List is the kind of the List document the object was an item of
	// ("" for a document of its own); ListDepth counts the enclosing Lists.
	List      string
	ListDepth int
	Body      map[string]any
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

// Origin says where a flattened object came from, for messages: "" for a
// document of its own, else " (an item of a List in <template>)".
func (o Object) Origin() string {
	if o.List == "" {
		return ""
	}
	return fmt.Sprintf(" (an item of a %s in %s)", o.List, o.Source)
}

// Sort orders objects canonically: resources before hooks, then by kind,
// namespace, name and apiVersion. Objects equal in all of these (masked
// names) are ordered by source and content, so the order never depends on
// the order they were rendered in.
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
		if a.APIVersion != b.APIVersion {
			return a.APIVersion < b.APIVersion
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		ja, _ := json.Marshal(a.Body)
		jb, _ := json.Marshal(b.Body)
		return string(ja) < string(jb)
	})
}

// Canonical writes objects as one stable YAML stream. An item of a List is
// written as a document of its own, marked so that Parse reads back its
// hook status (which Helm takes from the List, not from the item).
func Canonical(objs []Object) ([]byte, error) {
	var b strings.Builder
	for _, o := range objs {
		y, err := marshalBody(o.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.ID(), err)
		}
		b.WriteString("---\n# Source: ")
		b.WriteString(o.Source)
		b.WriteString("\n")
		if o.List != "" {
			b.WriteString(listMarker + strconv.Quote(o.List))
			if o.Hook {
				b.WriteString(", hook " + strconv.Quote(strings.Join(o.HookEvents, ",")))
			}
			b.WriteString("\n")
		}
		b.Write(y)
	}
	return []byte(b.String()), nil
}
