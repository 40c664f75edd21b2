// Package mask is pono's notion of what is secret and how it is hidden:
// the compile output (releases.yaml, the rendered manifests), the platform
// loader's messages, pono diff (git and live, which the web page shows) and
// the apply engine's results, errors and logs use it. It is pure.
package mask

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/internal/values"
)

// Hidden replaces a secret where no change needs to show (diff's text).
const Hidden = "(hidden)"

// minScrub is the shortest secret scrubbed out of free text: shorter ones
// ("on", "1") would rewrite unrelated words. They are still hidden where
// they stand (Values, the compile output).
const minScrub = 3

// minFragment is the shortest base64 fragment (a secret inside a larger
// encoded blob) scrubbed out of free text: shorter ones match by chance.
const minFragment = 6

// ambiguous reports whether a secret is a word text holds for other
// reasons (YAML's booleans and null): scrubbing "true" would hide every
// boolean in a log line. Such values are hidden where they stand, as
// sensitive booleans are, but not searched for.
func ambiguous(x string) bool {
	switch strings.ToLower(x) {
	case "true", "false", "yes", "off", "null":
		return true
	}
	return false
}

// forms are the texts a secret can appear as: raw, URL-encoded (query and
// path style, as templates' urlquery and a URL give it), and base64 in the
// standard and URL alphabets, whole (b64enc, a Secret's data) and at each
// of the three alignments a larger blob can put it at (a
// .dockerconfigjson auth), keeping only the characters made of the
// secret's bits alone.
func forms(x string) []string {
	out := []string{x, url.QueryEscape(x), url.PathEscape(x)}
	for _, e := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		out = append(out, e.EncodeToString([]byte(x)))
		raw := e.WithPadding(base64.NoPadding)
		for k := range 3 {
			enc := raw.EncodeToString(append(make([]byte, k), x...))
			if f := enc[(8*k+5)/6 : 8*(k+len(x))/6]; len(f) >= minFragment {
				out = append(out, f)
			}
		}
	}
	return out
}

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
func (s *Set) Add(vals map[string]any, paths []string) {
	for _, p := range paths {
		s.paths[p] = true
		if v, ok := values.Lookup(vals, p); ok {
			s.addStrings(v)
		}
	}
	sort.SliceStable(s.secrets, func(i, j int) bool { return len(s.secrets[i]) > len(s.secrets[j]) })
}

func (s *Set) addStrings(v any) {
	add := func(x string) {
		if len(x) < minScrub || ambiguous(x) {
			return
		}
		for _, f := range forms(x) {
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
