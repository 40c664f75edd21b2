package workflow

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

var (
	// memoryRe is what both Kubernetes and Kaapana's calculate_bytes read:
	// a number with a binary suffix. "500M" or "1G" crash
	// KubernetesRunner's resource computation (reference §3.4 b).
	memoryRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei)$`)
	cpuRe    = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?|[0-9]+m)$`)
	// quantityRe is a Kubernetes quantity without sign.
	quantityRe = regexp.MustCompile(`^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$`)

	labelNameRe   = regexp.MustCompile(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$`)
	labelPrefixRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	labelValueRe  = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)
	secretNameRe  = labelPrefixRe
)

func checkResources(c *checker, at []string, r *taskapi.Resources) {
	if r == nil {
		return
	}
	for side, rl := range map[string]taskapi.ResourceList{"limits": r.Limits, "requests": r.Requests} {
		for _, name := range slices.Sorted(maps.Keys(rl)) {
			v := string(rl[name])
			fp := append(slices.Clone(at), side, name)
			switch name {
			case "memory":
				if !memoryRe.MatchString(v) {
					c.errorf(fp, "memory %q must be a number with a binary suffix (Ki, Mi, Gi, Ti, Pi, Ei), e.g. 512Mi: Kaapana's KubernetesRunner cannot read other units", v)
				}
			case "cpu":
				if !cpuRe.MatchString(v) {
					c.errorf(fp, "cpu %q must be cores (1, 0.5) or millicores (500m)", v)
				}
			default:
				if !quantityRe.MatchString(v) {
					c.errorf(fp, "%s %q is not a Kubernetes quantity", name, v)
				}
			}
		}
	}
}

// checkLabels checks Kubernetes label (or annotation) keys, and label
// values, so the pod KaapanaTaskOperator creates is accepted.
func checkLabels(c *checker, at []string, m map[string]string, values bool) {
	what := "annotation"
	if values {
		what = "label"
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fp := append(slices.Clone(at), k)
		if !validLabelKey(k) {
			c.errorf(fp, "%q is not a valid Kubernetes %s key ([prefix/]name, name at most 63 letters, digits, '-', '_', '.')", k, what)
			continue
		}
		if k == "kaapana.ai/type" {
			c.errorf(fp, "label kaapana.ai/type is set by KaapanaTaskOperator to processing-container; do not set it")
		}
		if values && (len(m[k]) > 63 || !labelValueRe.MatchString(m[k])) {
			c.errorf(fp, "label value %q is not a valid Kubernetes label value (at most 63 letters, digits, '-', '_', '.', starting and ending with a letter or digit)", m[k])
		}
	}
}

func validLabelKey(k string) bool {
	name := k
	if i := strings.LastIndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if len(prefix) > 253 || !labelPrefixRe.MatchString(prefix) {
			return false
		}
	}
	return len(name) <= 63 && labelNameRe.MatchString(name)
}

func checkRegistry(c *checker, at []string, r *Registry) {
	if r == nil {
		return
	}
	if r.Password != "" {
		c.errorf(append(slices.Clone(at), "password"), "a literal password must not be written in the platform: store it in a Secret and name it in password_secret")
	}
	if r.URL == "" {
		c.errorf(append(slices.Clone(at), "url"), "the registry url is missing")
	}
	if r.Username == "" {
		c.errorf(append(slices.Clone(at), "username"), "the registry username is missing")
	}
	switch n := r.PasswordSecret.Name; {
	case n == "":
		c.errorf(append(slices.Clone(at), "password_secret"), "names no Secret: set password_secret.name to the Secret that holds the password")
	case len(n) > 253 || !secretNameRe.MatchString(n):
		c.errorf(append(slices.Clone(at), "password_secret", "name"), "%q is not a valid Secret name", n)
	}
}
