// Package values holds the helpers every side of pono uses on Helm-style
// values (nested map[string]any): the JSON shapes Helm reads, and dotted
// value paths. It is pure and imports only the standard library, so the
// compiler, plan, diff and the cluster side can all share it.
package values

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Normalize returns a deep copy of m in the shapes a JSON round trip
// gives (float64 numbers, []any lists, map[string]any maps), the shapes
// Helm reads from values files. nil stays nil, so a release without
// values keeps hashing and printing as one.
func Normalize(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	return out, nil
}

// Lookup returns the value at a dotted path ("a.b.c"). Keys are split at
// every dot; lists are not indexed into.
func Lookup(m map[string]any, path string) (any, bool) {
	return Get(m, strings.Split(path, ".")...)
}

// Get returns the value at keys, and whether every key was present (a key
// present with a nil value counts). No keys gives m.
func Get(m map[string]any, keys ...string) (any, bool) {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Set sets v at keys in m itself, creating missing parents and replacing
// non-map ones. No keys changes nothing.
func Set(m map[string]any, v any, keys ...string) {
	if len(keys) == 0 {
		return
	}
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}

// With returns m with v at keys, copying the maps along the path so m
// itself is not changed (the rest is shared). Parents are created or
// replaced as Set does. No keys gives a copy of m.
func With(m map[string]any, keys []string, v any) map[string]any {
	return with(m, keys, v, true)
}

// Without returns m without the value at keys, copying the maps along the
// path as With does; a path that is not there gives a copy of m.
func Without(m map[string]any, keys []string) map[string]any {
	return with(m, keys, nil, false)
}

func with(m map[string]any, keys []string, v any, set bool) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	switch {
	case len(keys) == 0:
	case len(keys) == 1 && set:
		out[keys[0]] = v
	case len(keys) == 1:
		delete(out, keys[0])
	default:
		child, _ := out[keys[0]].(map[string]any)
		if child == nil && !set {
			return out
		}
		out[keys[0]] = with(child, keys[1:], v, set)
	}
	return out
}

// Keys returns the keys of all the maps, each once, sorted: what two sides
// of a comparison are walked by.
func Keys[M ~map[string]V, V any](ms ...M) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Copy deep-copies a values tree, so that a writer (Helm's coalescing, a
// merge) cannot change the caller's; nil gives an empty map, as Helm wants.
func Copy(m map[string]any) map[string]any {
	return DeepCopy(m).(map[string]any)
}

// DeepCopy copies the maps and lists of v (a nil map gives an empty one);
// anything else is shared, as values' leaves are immutable.
func DeepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = DeepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = DeepCopy(e)
		}
		return l
	}
	return v
}
