package apply

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/compiler"
)

// redactor hides the values of sensitive parameters in messages.
type redactor struct{ secrets []string }

func newRedactor(res *compiler.Result) *redactor {
	r := &redactor{}
	for _, rel := range res.Releases {
		for _, path := range rel.Sensitive {
			var cur any = rel.Values
			for _, k := range strings.Split(path, ".") {
				m, ok := cur.(map[string]any)
				if !ok {
					cur = nil
					break
				}
				cur = m[k]
			}
			collectStrings(cur, &r.secrets)
		}
	}
	// Their URL-encoded forms too: an error may quote a URL.
	for _, x := range r.secrets {
		for _, enc := range []string{url.QueryEscape(x), url.PathEscape(x)} {
			if enc != x {
				r.secrets = append(r.secrets, enc)
			}
		}
	}
	// Longest first, so a secret containing another is hidden whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

func collectStrings(v any, out *[]string) {
	switch x := v.(type) {
	case nil:
	case string:
		if len(x) >= 3 {
			*out = append(*out, x)
		}
	case []any:
		for _, e := range x {
			collectStrings(e, out)
		}
	case map[string]any:
		for _, e := range x {
			collectStrings(e, out)
		}
	default:
		if s := fmt.Sprint(x); len(s) >= 3 {
			*out = append(*out, s)
		}
	}
}

func (r *redactor) String(s string) string {
	for _, x := range r.secrets {
		s = strings.ReplaceAll(s, x, "***")
	}
	return s
}
