package mask

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"sort"
)

func hashHex(salt string, b []byte) string {
	h := sha256.New()
	h.Write([]byte("pono-sensitive-v1\x00"))
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write(b)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// secretFields are the fields of a core Secret that hold its content.
var secretFields = []string{"data", "stringData"}

// IsSecret reports whether a manifest object is a core Secret.
func IsSecret(apiVersion, kind string) bool { return kind == "Secret" && apiVersion == "v1" }

// SecretMarkers returns a copy of a Secret's body with every data and
// stringData value replaced by a Marker salted with salt and the key.
func SecretMarkers(body map[string]any, salt string) map[string]any {
	out := make(map[string]any, len(body))
	for k, v := range body {
		out[k] = v
	}
	for _, f := range secretFields {
		vals, ok := body[f].(map[string]any)
		if !ok {
			continue
		}
		m := make(map[string]any, len(vals))
		for k, v := range vals {
			m[k] = Marker(salt+"\x00"+f+"."+k, v)
		}
		out[f] = m
	}
	return out
}

// SecretDiff copies two versions of a Secret (either may be nil) with
// every data/stringData value replaced by a marker saying whether that key
// changed, and lists the changed keys. Values are never shown, not even
// hashed.
func SecretDiff(a, b map[string]any) (map[string]any, map[string]any, []string) {
	changed := map[string]bool{}
	mark := func(body, other map[string]any) map[string]any {
		if body == nil {
			return nil
		}
		out := map[string]any{}
		for k, v := range body {
			out[k] = v
		}
		for _, field := range secretFields {
			vals, ok := body[field].(map[string]any)
			if !ok {
				continue
			}
			otherVals, _ := other[field].(map[string]any)
			masked := map[string]any{}
			for k, v := range vals {
				ov, present := otherVals[k]
				switch {
				case other == nil || !present:
					masked[k] = Hidden
					changed[field+"."+k] = true
				case reflect.DeepEqual(v, ov):
					masked[k] = "(hidden, unchanged)"
				default:
					masked[k] = "(hidden, changed)"
					changed[field+"."+k] = true
				}
			}
			out[field] = masked
		}
		return out
	}
	ma, mb := mark(a, b), mark(b, a)
	keys := make([]string, 0, len(changed))
	for k := range changed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return ma, mb, keys
}
