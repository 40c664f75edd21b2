package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/internal/values"
	"sigs.k8s.io/yaml"
)

// ClusterValue is what the cluster holds for one ValueRef.
type ClusterValue struct {
	// Found: the object exists and has the key. Otherwise Missing says
	// what is absent, in words ("not found", `has no key "password"`).
	Found   bool
	Missing string
	Data    string
	// Fingerprint identifies the content without revealing it (a keyed
	// hash): it goes into the release digest, the content never does.
	Fingerprint string
}

// ValuesFromError is a release whose values could not be taken from the
// cluster: that release fails (and what needs it), not the platform.
type ValuesFromError struct {
	Release string
	Ref     ValueRef
	// Reason never holds the value.
	Reason string
}

func (e *ValuesFromError) Error() string {
	return fmt.Sprintf("release %s: valuesFrom: %s %s (for %s)", e.Release, e.Ref.Object(), e.Reason, e.Ref.Target())
}

// ResolveValuesFrom returns a copy of r whose releases hold the values
// the cluster gives their references (get reads one) instead of the
// placeholders, with digests that cover each value by its fingerprint, so
// a changed Secret changes exactly the digests of the releases using it.
// A missing optional value leaves the chart's default. A release whose
// required value is missing, unreadable or not of its target's type is
// named in the returned errors, by release name; its digest then matches
// no deployed release, and apply fails it without writing. r is not
// changed.
func (r *Result) ResolveValuesFrom(get func(ValueRef) (ClusterValue, error)) (*Result, map[string]*ValuesFromError) {
	out := *r
	out.Releases = slices.Clone(r.Releases)
	failed := map[string]*ValuesFromError{}
	for i := range out.Releases {
		rel := &out.Releases[i]
		if len(rel.ValuesFrom) == 0 {
			continue
		}
		h := sha256.New()
		h.Write([]byte(rel.Digest))
		vals := rel.Values
		for _, ref := range rel.ValuesFrom {
			keys := strings.Split(ref.Path, ".")
			cv, err := get(ref)
			switch {
			case err != nil:
				failed[rel.Name] = &ValuesFromError{rel.Name, ref, "could not be read: " + err.Error()}
			case !cv.Found && ref.Optional:
				vals = values.Without(vals, keys)
				fmt.Fprintf(h, "\x00%s\x00absent", ref.Path)
			case !cv.Found:
				failed[rel.Name] = &ValuesFromError{rel.Name, ref, cv.Missing + ": create it, or mark the entry optional"}
			default:
				v, why := convertValue(ref, cv.Data)
				if why != "" {
					failed[rel.Name] = &ValuesFromError{rel.Name, ref, fmt.Sprintf("key %s %s", ref.Key, why)}
					break
				}
				vals = values.With(vals, keys, v)
				fmt.Fprintf(h, "\x00%s\x00%s", ref.Path, cv.Fingerprint)
			}
			if failed[rel.Name] != nil {
				break
			}
		}
		if failed[rel.Name] != nil {
			h.Write([]byte("\x00unresolved"))
		}
		rel.Values = vals
		rel.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
	return &out, failed
}

// convertValue reads data as ref's type; the reason never quotes data
// (it may be a secret).
func convertValue(ref ValueRef, data string) (any, string) {
	switch ref.Type {
	case ValueBoolean:
		b, err := strconv.ParseBool(strings.TrimSpace(data))
		if err != nil {
			return nil, "is not a boolean (true or false)"
		}
		return b, ""
	case ValueNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(data), 64)
		if err != nil {
			return nil, "is not a number"
		}
		return f, ""
	case ValueList, ValueMap:
		var v any
		if err := yaml.Unmarshal([]byte(data), &v); err != nil {
			return nil, fmt.Sprintf("is not a YAML %s", ref.Type)
		}
		if _, ok := v.([]any); ok && ref.Type == ValueList {
			return v, ""
		}
		if _, ok := v.(map[string]any); ok && ref.Type == ValueMap {
			return v, ""
		}
		return nil, fmt.Sprintf("is not a YAML %s", ref.Type)
	}
	if len(ref.Options) > 0 && !slices.Contains(ref.Options, data) {
		return nil, fmt.Sprintf("is not one of the parameter's options %q", ref.Options)
	}
	return data, ""
}
