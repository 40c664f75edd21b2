// Package mask is pono's notion of what is secret and how it is hidden:
// the compile output (releases.yaml, the rendered manifests), the platform
// loader's messages and pono diff (git and live, which the web page shows)
// use it. It is pure. The apply engine's message redactor
// (cluster/apply/apply_redact.go) is still a separate copy: it writes "***" and
// also hides sensitive booleans' words, which this package does not.
package mask

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Hidden replaces a secret where no change needs to show (diff's text).
const Hidden = "(hidden)"

// minScrub is the shortest secret scrubbed out of free text: shorter ones
// ("on", "1") would rewrite unrelated words. They are still hidden where
// they stand (Values, the compile output).
const minScrub = 3

// Set knows the sensitive value paths of a platform's releases and the
// secret strings they hold, and scrubs those strings out of any text.
type Set struct {
	paths   map[string]bool
	secrets []string // longest first, so a secret holding another goes whole
	seen    map[string]bool
}

// New returns an empty set.
func New() *Set { return &Set{paths: map[string]bool{}, seen: map[string]bool{}} }

// Add records the sensitive paths of one release and the values at them.
func (s *Set) Add(values map[string]any, paths []string) {
	for _, p := range paths {
		s.paths[p] = true
		if v, ok := Lookup(values, p); ok {
			s.addStrings(v)
		}
	}
	sort.SliceStable(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
}

func (s *Set) addStrings(v any) {
	add := func(x string) {
		if len(x) < minScrub {
			return
		}
		// The forms templates give a value too: b64enc, urlquery.
		for _, f := range []string{x, base64.StdEncoding.EncodeToString([]byte(x)), url.QueryEscape(x)} {
			if !s.seen[f] {
				s.seen[f] = true
				s.secrets = append(s.secrets, f)
			}
		}
	}
	switch x := v.(type) {
	case string:
		add(x)
	case float64:
		add(strconv.FormatFloat(x, 'f', -1, 64))
	case int64:
		add(strconv.FormatInt(x, 10))
	case int:
		add(strconv.Itoa(x))
	case []any:
		for _, e := range x {
			s.addStrings(e)
		}
	case map[string]any:
		for _, e := range x {
			s.addStrings(e)
		}
	}
}

// AddSecret records a secret value that has no path (yet): its strings
// are scrubbed from text.
func (s *Set) AddSecret(v any) {
	s.addStrings(v)
	sort.SliceStable(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
}

// Empty reports whether the set hides nothing.
func (s *Set) Empty() bool { return len(s.paths) == 0 }

// Sensitive reports whether a dotted value path is, or lies under, a
// sensitive path (list elements are written path[i]).
func (s *Set) Sensitive(path string) bool {
	for p := range s.paths {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

// Scrub replaces every secret string occurring in text with Hidden.
func (s *Set) Scrub(text string) string {
	for _, sec := range s.secrets {
		if strings.Contains(text, sec) {
			text = strings.ReplaceAll(text, sec, Hidden)
		}
	}
	return text
}

// Contains reports whether text holds a secret string.
func (s *Set) Contains(text []byte) bool {
	for _, sec := range s.secrets {
		if strings.Contains(string(text), sec) {
			return true
		}
	}
	return false
}

// Values returns a copy of values with every sensitive path replaced by
// what hide returns for it (Hidden when hide is nil) and every other
// string scrubbed.
func (s *Set) Values(values map[string]any, hide func(path string, v any) any) map[string]any {
	if hide == nil {
		hide = func(string, any) any { return Hidden }
	}
	out, _ := s.value("", values, hide).(map[string]any)
	return out
}

func (s *Set) value(path string, v any, hide func(string, any) any) any {
	if path != "" && s.paths[path] {
		return hide(path, v)
	}
	if path != "" && s.Sensitive(path) {
		return Hidden // under a hidden path: its parent was hidden already
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out[k] = s.value(p, e, hide)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s.value(path+"["+strconv.Itoa(i)+"]", e, hide)
		}
		return out
	case string:
		return s.Scrub(x)
	}
	return v
}

// Lookup finds the value at a dotted path.
func Lookup(values map[string]any, path string) (any, bool) {
	var cur any = values
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Marker stands for a sensitive value in the compile output: it says the
// value is hidden and carries a salted SHA-256 of it, so a changed value
// shows as a changed marker. salt makes equal secrets in different places
// (platforms, releases, paths) differ; it is derived from where the value
// stands, not random, so that two compiles stay byte-identical.
func Marker(salt string, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(fmt.Sprint(v))
	}
	return "(sensitive) " + hashHex(salt, b)
}

// ScrubAll returns a copy of v with the secret strings scrubbed out of
// every string in it.
func (s *Set) ScrubAll(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = s.ScrubAll(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s.ScrubAll(e)
		}
		return out
	case string:
		return s.Scrub(x)
	}
	return v
}
