package manifest

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// unmarshalDoc reads one YAML document as sigs.k8s.io/yaml.Unmarshal into
// an any does, without its detour (YAML parsed into Go values, encoded as
// JSON, the JSON decoded again): the YAML parser's values are converted to
// JSON's (string keys, float64 numbers) directly. Whatever the direct way
// does not cover exactly (a parse error, whose message must stay the same,
// invalid UTF-8, NaN or infinities) takes the detour. Keys that collide
// once made strings are refused. FuzzParseManifests holds the two equal.
func unmarshalDoc(doc []byte) (any, error) {
	var raw any
	if err := yamlv2.Unmarshal(doc, &raw); err == nil {
		if key, ok := collidingKey(raw); ok {
			// The detour keeps one of the two at random (it ranges over a
			// map), and so would the API server: refuse, so that compiles
			// stay deterministic.
			return nil, fmt.Errorf("the key %q appears twice in one mapping (forms such as 1 and \"1\" are the same key to Kubernetes)", key)
		}
		if v, ok := jsonReady(raw); ok {
			return v, nil
		}
	}
	var out any
	err := yaml.Unmarshal(doc, &out)
	return out, err
}

// collidingKey finds two keys of one mapping that become the same string
// key (1 and "1", true and "true").
func collidingKey(v any) (string, bool) {
	switch x := v.(type) {
	case map[any]any:
		seen := make(map[string]bool, len(x))
		for k, e := range x {
			if key, ok := keyString(k); ok {
				if seen[key] {
					return key, true
				}
				seen[key] = true
			}
			if key, ok := collidingKey(e); ok {
				return key, true
			}
		}
	case []any:
		for _, e := range x {
			if key, ok := collidingKey(e); ok {
				return key, true
			}
		}
	}
	return "", false
}

// jsonReady converts the YAML parser's value to what JSON decoding of its
// JSON encoding gives, or reports false. Colliding keys were refused
// before (collidingKey).
func jsonReady(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool:
		return x, true
	case string:
		return x, utf8.ValidString(x)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, !math.IsInf(x, 0) && !math.IsNaN(x)
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			key, ok := keyString(k)
			if !ok || !utf8.ValidString(key) {
				return nil, false
			}
			r, ok := jsonReady(e)
			if !ok {
				return nil, false
			}
			out[key] = r
		}
		return out, true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, ok := jsonReady(e)
			if !ok {
				return nil, false
			}
			out[i] = r
		}
		return out, true
	}
	return nil, false
}

// keyString is sigs.k8s.io/yaml's conversion of a map key (its
// convertToJSONableObject), for the key types it accepts.
func keyString(k any) (string, bool) {
	switch x := k.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", false
		}
		return strconv.FormatFloat(x, 'g', -1, 32), true
	}
	return "", false
}

// marshalBody writes an object body as sigs.k8s.io/yaml.Marshal does, byte
// for byte, without its detour: that function encodes to JSON and then
// parses the JSON again with a YAML parser (to pick number types) before it
// encodes YAML, and the parse was a sixth of a large compile. A body made of
// the types Parse produces goes to the YAML encoder directly, with integral
// numbers made integers as the detour would make them; anything else (a
// value the detour would change, such as invalid UTF-8 or an integer beyond
// float64's exact range) takes the detour. FuzzParseManifests and
// TestMarshalBodyMatchesDetour hold the two paths equal.
func marshalBody(body map[string]any) ([]byte, error) {
	if v, ok := yamlReady(body); ok {
		return yamlv2.Marshal(v)
	}
	return yaml.Marshal(body)
}

// exactInt bounds the integers a float64 holds exactly (2^53); beyond it
// JSON's digits and the YAML parser's number types diverge in ways not worth
// copying.
const exactInt = 1 << 53

// yamlReady returns v as the YAML encoder should see it, or false when only
// the JSON detour gives the same bytes.
func yamlReady(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool:
		return x, true
	case string:
		return x, utf8.ValidString(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < exactInt {
			return int64(x), true
		}
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, false
		}
		return x, x != math.Trunc(x)
	case int:
		return x, true
	case int64:
		return x, true
	case map[string]any:
		if x == nil {
			return nil, true // JSON's null
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			if !utf8.ValidString(k) {
				return nil, false
			}
			r, ok := yamlReady(e)
			if !ok {
				return nil, false
			}
			out[k] = r
		}
		return out, true
	case []any:
		if x == nil {
			return nil, true
		}
		out := make([]any, len(x))
		for i, e := range x {
			r, ok := yamlReady(e)
			if !ok {
				return nil, false
			}
			out[i] = r
		}
		return out, true
	}
	return nil, false
}
