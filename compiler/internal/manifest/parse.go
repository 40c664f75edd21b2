package manifest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// docSep is a document separator as the Kubernetes YAML reader Helm
// applies with sees it: a line starting with "---" followed by nothing but
// blanks or a comment.
var docSep = regexp.MustCompile(`(?m)^---[ \t\r]*(?:#[^\n]*)?$`)
var sourceLine = regexp.MustCompile(`(?m)^# Source: (.*)$`)

// listMarker starts the comment Canonical writes above a flattened List
// item; markerLine reads it back.
const listMarker = "# pono: item of a "

var markerLine = regexp.MustCompile(`(?m)^# pono: item of a ("(?:[^"\\]|\\.)*")(?:, hook ("(?:[^"\\]|\\.)*"))?[ \t\r]*$`)

const hookAnnotation = "helm.sh/hook"

// Parse splits a multi-document manifest into the objects Helm sends to
// the API server. Helm's resource builder flattens every document that has
// an items field (any kind: List, ConfigMapList, even a ConfigMap with
// items: null, which creates nothing): each item is an object of its own,
// and an item without apiVersion and kind takes the List's apiVersion and
// its kind minus "List". Parse does the same, recursively (Helm refuses a
// List inside a List; ListDepth tells them apart). Whether an object is a
// hook is decided per document, as Helm decides it: by the caller (hook),
// by the document's helm.sh/hook annotation, or for items of a List by the
// List's; an item's own annotation does not make it a hook.
//
// Parse reads what Helm rendered; a "# pono:" comment there is a
// template's and means nothing (see ParseCanonical).
func Parse(manifest, source string, hook bool, events []string) ([]Object, error) {
	return parse(manifest, source, hook, events, false)
}

// ParseCanonical parses a manifest Canonical wrote (or one Helm stored for a
// release) as Parse does, reading back the List origin and hook status
// Canonical records above a flattened List item.
func ParseCanonical(manifest string) ([]Object, error) {
	return parse(manifest, "", false, nil, true)
}

func parse(manifest, source string, hook bool, events []string, markers bool) ([]Object, error) {
	var out []Object
	for _, doc := range docSep.Split(manifest, -1) {
		src := source
		if m := sourceLine.FindStringSubmatch(doc); m != nil {
			src = strings.TrimSpace(m[1])
		}
		raw, err := unmarshalDoc([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("%s: %s", describeSource(src), yamlMessage(err))
		}
		if raw == nil {
			continue
		}
		body, ok := raw.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: a document is %s, not a Kubernetes object", describeSource(src), describeValue(raw))
		}
		if len(body) == 0 {
			continue
		}
		d := document{src: src, hook: hook, events: events}
		if m := markerLine.FindStringSubmatch(doc); markers && m != nil {
			// A flattened List item written by Canonical: the marker, not
			// the item's annotation, says whether it is a hook.
			d.list, _ = strconv.Unquote(m[1])
			if m[2] != "" && !hook {
				ev, _ := strconv.Unquote(m[2])
				d.hook, d.events = true, splitEvents(ev)
			}
		} else if h, ok := annotation(body, hookAnnotation); ok && !hook {
			d.hook, d.events = true, splitEvents(h)
		}
		objs, err := d.flatten(body, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

// document is what one document's objects share.
type document struct {
	src    string
	hook   bool
	events []string
	list   string
}

func (d document) flatten(body map[string]any, depth int) ([]Object, error) {
	apiVersion, _ := body["apiVersion"].(string)
	kind, _ := body["kind"].(string)
	if kind == "" || apiVersion == "" {
		what := "a document"
		if depth > 0 {
			what = "an item of a " + d.list
		}
		return nil, fmt.Errorf("%s: %s has no apiVersion or kind", describeSource(d.src), what)
	}
	items, isList := body["items"]
	if depth > 0 || d.list != "" {
		// Inside a List (or read back as a List's item from Canonical's
		// output), only a list of items makes an object a List: an item
		// with items: null is an object of its own.
		_, isList = items.([]any)
	}
	if !isList {
		o := Object{APIVersion: apiVersion, Kind: kind, Source: d.src, Hook: d.hook, HookEvents: d.events, List: d.list, ListDepth: depth, Body: body}
		if md, ok := body["metadata"].(map[string]any); ok {
			o.Name, _ = md["name"].(string)
			o.Namespace, _ = md["namespace"].(string)
		}
		if d.list != "" && depth == 0 {
			o.ListDepth = 1
		}
		return []Object{o}, nil
	}
	if items == nil {
		return nil, nil
	}
	list, ok := items.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: %s: items is %s, not a list of objects", describeSource(d.src), kind, describeValue(items))
	}
	inner := d
	if depth == 0 {
		inner.list = kind
	} else {
		inner.list = kind + " in a " + d.list
	}
	var out []Object
	for i, it := range list {
		item, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %s: item %d is %s, not an object", describeSource(d.src), kind, i, describeValue(it))
		}
		if item["apiVersion"] == nil && item["kind"] == nil {
			// Helm types the items of a typed List (a ConfigMapList's items
			// are ConfigMaps) from the List.
			typed := make(map[string]any, len(item)+2)
			for k, v := range item {
				typed[k] = v
			}
			typed["apiVersion"], typed["kind"] = apiVersion, strings.TrimSuffix(kind, "List")
			item = typed
		}
		objs, err := inner.flatten(item, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

func annotation(body map[string]any, key string) (string, bool) {
	md, _ := body["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	v, ok := ann[key].(string)
	return v, ok
}

func splitEvents(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func describeSource(src string) string {
	if src == "" {
		return "manifest"
	}
	return src
}

// describeValue names a YAML value's type in a user's words.
func describeValue(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, int64, int:
		return "a number"
	case nil:
		return "null"
	}
	return "a scalar"
}

// yamlMessage is the YAML parser's message without the conversion layers
// it went through (and without Go type names a JSON decode error carries).
func yamlMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"error converting YAML to JSON: ", "error unmarshaling JSON: ", "while decoding JSON: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	// The parser prints some keys and values as Go values.
	if i := strings.Index(msg, "invalid map key"); i >= 0 {
		return msg[:i] + "a map key is itself a map or a list"
	}
	if i := strings.Index(msg, "unsupported map key"); i >= 0 {
		return msg[:i] + "a map key is null or not a string"
	}
	for _, frag := range []string{"Go value of type", "Go struct field", "interface {}", "map[", "%!"} {
		if strings.Contains(msg, frag) {
			return "a value cannot be read"
		}
	}
	if msg == "" {
		return "the document cannot be read"
	}
	return msg
}
