package compiler

import (
	"sort"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/compiler/mask"
	"github.com/pono-gitops/pono/internal/values"
)

// userSensitive turns an extension's sensitive list into value paths: a
// parameter or a global (both land at global.<name>), or a values path
// written with dots (auth.rootPassword, global.x). A bare name that is
// neither is reported: it would silently protect nothing.
func (b *build) userSensitive(r extensionRequest, subject string, globals map[string]any) []string {
	var out []string
	for _, s := range r.e.Sensitive {
		if strings.Contains(s, ".") {
			out = append(out, s)
			continue
		}
		_, given := r.params[s]
		_, global := globals[s]
		_, chartGlobal := r.rc.meta.OwnGlobals[s]
		if !given && !global && !chartGlobal && !declares(r.rc.meta, s) {
			b.errAt(append(append(spec.Path{}, r.extPath...), "sensitive"), subject,
				"sensitive names %q, which is neither a parameter of chart %s nor a global (a values path is written with dots: auth.rootPassword)", s, r.rc.meta.Name)
			continue
		}
		out = append(out, "global."+s)
	}
	return out
}

// releaseSensitive is every sensitive value path of a release: the ones
// given (sensitive, Secret references), the values that came from SOPS
// files, and the values whose key names a credential
// (mask.IsCredentialName). Only paths the values hold are kept, sorted.
func (b *build) releaseSensitive(s releaseSpec, vals map[string]any) []string {
	set := map[string]bool{}
	for _, p := range s.sensitive {
		set[p] = true
	}
	for _, p := range b.p.Secrets {
		if vp := valuePath(p, s.extension, s.instance); vp != "" {
			if _, ok := values.Lookup(vals, vp); ok {
				set[vp] = true
			}
		}
	}
	credentialPaths("", vals, set)
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// valuePath is where a platform path's value lands in the values of the
// release of extension ext (instance inst), "" when it does not.
func valuePath(p spec.Path, ext, inst string) string {
	join := func(rest spec.Path, prefix string) string {
		if len(rest) == 0 {
			return ""
		}
		return prefix + strings.Join(rest, ".")
	}
	switch {
	case len(p) >= 2 && p[0] == "globals":
		return join(p[1:], "global.")
	case len(p) < 4 || p[0] != "extensions" || p[1] != ext:
		return ""
	case p[2] == "parameters":
		return join(p[3:4], "global.")
	case p[2] == "values":
		return join(p[3:], "")
	case p[2] == "instances" && p[3] == inst && len(p) >= 6:
		switch p[4] {
		case "parameters":
			return join(p[5:6], "global.")
		case "values":
			return join(p[5:], "")
		}
	}
	return ""
}

// credentialPaths adds the paths of values whose key names a credential.
func credentialPaths(prefix string, v any, set map[string]bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, e := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if mask.IsCredentialName(k) && e != nil {
			if _, isMap := e.(map[string]any); !isMap {
				set[p] = true
				continue
			}
		}
		credentialPaths(p, e, set)
	}
}

// MaskSet knows the sensitive values of every release of results: what
// diff, the web page and the compile output hide.
func MaskSet(results ...*Result) *mask.Set {
	s := mask.New()
	for _, res := range results {
		if res == nil {
			continue
		}
		for _, rel := range res.Releases {
			s.Add(rel.Values, rel.Sensitive)
		}
	}
	return s
}

// scrubSecrets hides the values of SOPS files in every message: a check
// or a chart's own error may quote a value.
func (b *build) scrubSecrets() {
	if len(b.p.SecretValues) == 0 {
		return
	}
	set := mask.New()
	for _, v := range b.p.SecretValues {
		set.AddSecret(v)
	}
	for i := range b.diags {
		b.diags[i].Message = set.Scrub(b.diags[i].Message)
	}
}

// warnLiteralCredentials passes on what loading found: credentials
// written in clear in plain platform files.
func (b *build) warnLiteralCredentials() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.diags = append(b.diags, b.p.LoadWarnings...)
}
