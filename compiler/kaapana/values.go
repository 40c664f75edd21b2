package kaapana

import "github.com/pono-gitops/pono/internal/values"

// Globals Kaapana's admin chart holds but never injects into extensions.
var notInjected = map[string]bool{"preinstall_extensions": true, "kaapana_collections": true}

// Values computes the values pono passes to Helm for one release.
// Precedence, lowest first: chart defaults (applied by Helm, not here) <
// platform globals < the chart's own non-empty global strings and lists <
// extension parameters < explicit values.
//
// Kaapana's kube-helm lets the chart's own globals override what the user
// chose, and strips spaces from strings; pono lets the user's parameters win
// and passes strings unchanged.
func Values(platformGlobals map[string]any, meta Meta, params map[string]any, explicit map[string]any) map[string]any {
	global := map[string]any{}
	for k, v := range platformGlobals {
		if notInjected[k] {
			continue
		}
		global[k] = values.DeepCopy(v)
	}
	for k, v := range meta.OwnGlobals {
		switch x := v.(type) {
		case string:
			if x != "" {
				global[k] = x
			}
		case []any:
			global[k] = values.DeepCopy(x)
		}
	}
	for k, v := range params {
		global[k] = v
	}
	out := map[string]any{"global": global}
	return MergeValues(out, explicit)
}

// MergeValues lays overlay over base as Helm merges values files: maps merge
// key by key, anything else replaces, null removes the key. Neither input is
// modified.
func MergeValues(base, overlay map[string]any) map[string]any {
	out := values.DeepCopy(base).(map[string]any)
	for k, v := range overlay {
		if v == nil {
			delete(out, k)
			continue
		}
		bm, ok1 := out[k].(map[string]any)
		om, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = MergeValues(bm, om)
			continue
		}
		out[k] = values.DeepCopy(v)
	}
	return out
}
