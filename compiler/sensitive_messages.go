package compiler

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/compiler/mask"
)

// paramMessage is a parameter problem's message with the given value
// hidden when the parameter is sensitive (marked, named like a credential,
// or from a SOPS file): "not one of the options" must not print a secret.
func (b *build) paramMessage(r extensionRequest, pr kaapana.ParamProblem) string {
	v, given := r.params[pr.Param]
	if !given || !b.sensitiveParam(r, pr.Param) {
		return pr.Message
	}
	var vals []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			vals = append(vals, fmt.Sprint(e))
		}
	default:
		vals = append(vals, fmt.Sprint(x))
	}
	msg := pr.Message
	for _, s := range vals {
		if s == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, strconv.Quote(s), mask.Hidden)
		msg = strings.ReplaceAll(msg, s, mask.Hidden)
	}
	return msg
}

func (b *build) sensitiveParam(r extensionRequest, name string) bool {
	if slices.Contains(r.e.Sensitive, name) || mask.IsCredentialName(name) {
		return true
	}
	for _, p := range b.p.Secrets {
		if valuePath(p, r.ext, r.inst) == "global."+name {
			return true
		}
	}
	return false
}
