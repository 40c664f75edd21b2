package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
)

// Messages name what a value must be in words, never in CUE: a schema
// constraint is described from its kind, its regular expression (the
// patterns of cue/platform.cue each have a sentence here) or its options.

// patterns describes the regular expressions of cue/platform.cue.
var patterns = map[string]string{
	namePattern:                     "a DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)",
	`^v?[0-9]+\.[0-9]+(\.[0-9]+)?$`: "a Kubernetes version such as v1.36.3 or v1.36 (vMAJOR.MINOR[.PATCH])",
	`^[0-9]+\.[0-9]+\.[0-9]+.*$`:    "a version such as 0.6.0 (MAJOR.MINOR.PATCH)",
	`^https?://`:                    "an http:// or https:// URL",
	`^oci://`:                       "an oci:// reference such as oci://registry.example.org/charts",
	// workflows (docs/workflows.md)
	`^[A-Za-z0-9_.-]{1,240}$`:           "a workflow title (at most 240 letters, digits, '_', '-' and '.')",
	`(?i)\.(png|svg|jpe?g)$`:            "a .png, .svg, .jpg or .jpeg file",
	`^[^/]+\.py$`:                       "a .py file name",
	`^[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$`: "a semantic version such as 0.6.0",
	`^[a-z0-9]+([._-][a-z0-9]+)*$`:      "an image name component (lowercase letters and digits, separated by '.', '_' or '-')",
	`^[A-Za-z0-9_.-]{1,250}$`:           "an Airflow task id (at most 250 ASCII letters, digits, '_', '-' and '.')",
	`^.+\..+$`:                          "\"<upstream task>.<output channel>\"",
	secretNamePattern:                   "a Secret name (a DNS subdomain)",
	// valuesFrom (docs/secrets.md)
	`^[-._a-zA-Z0-9]{1,253}$`: "a Secret or ConfigMap key (at most 253 letters, digits, '-', '_' and '.')",
	`^[^.]+(\.[^.]+)*$`:       "a values path: keys separated by single dots (a.b.c)",
}

// secretNamePattern is a Kubernetes object name (a DNS subdomain).
const secretNamePattern = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`

// namePattern is #Name's regular expression.
const namePattern = `^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`

func describeKey() string { return patterns[namePattern] }

func describe(v cue.Value) string {
	// Expr shows a reference (#Name) as a selector; the value's printed,
	// evaluated form compiled again shows the constraint itself.
	if w := v.Context().CompileString(fmt.Sprint(v)); w.Err() == nil {
		v = w
	}
	if d, ok := describeExpr(v); ok {
		return d
	}
	return describeKind(v.IncompleteKind())
}

func describeExpr(v cue.Value) (string, bool) {
	op, args := v.Expr()
	switch op {
	case cue.RegexMatchOp:
		if len(args) == 1 {
			if re, err := args[0].String(); err == nil {
				if d, ok := patterns[re]; ok {
					return d, true
				}
				return "a string matching " + strconv.Quote(re), true
			}
		}
	case cue.NotEqualOp:
		if len(args) == 1 {
			if s, err := args[0].String(); err == nil && s == "" {
				return "a non-empty string", true
			}
		}
	case cue.AndOp:
		for _, a := range args {
			if d, ok := describeExpr(a); ok {
				return d, true
			}
		}
	case cue.OrOp:
		var opts []string
		enum := false
		for _, a := range args {
			switch d, ok := describeExpr(a); {
			case a.IsConcrete() && a.Kind() != cue.ListKind && a.Kind() != cue.StructKind:
				opts = append(opts, fmt.Sprint(a))
				enum = true
			case ok:
				opts = append(opts, d)
			default:
				opts = append(opts, describeKind(a.IncompleteKind()))
			}
		}
		if enum {
			return "one of " + joinOr(opts), true
		}
		return joinOr(opts), true
	case cue.NoOp:
		if len(args) == 1 && !args[0].Equals(v) {
			return describeExpr(args[0])
		}
	}
	return "", false
}

func describeKind(k cue.Kind) string {
	var parts []string
	for _, x := range []struct {
		k cue.Kind
		s string
	}{{cue.StringKind, "a string"}, {cue.NumberKind, "a number"}, {cue.IntKind, "a whole number"}, {cue.BoolKind, "a boolean"}, {cue.ListKind, "a list of strings"}, {cue.StructKind, "a mapping"}, {cue.NullKind, "null"}} {
		if k&x.k == x.k {
			parts = append(parts, x.s)
			k &^= x.k
		}
	}
	if len(parts) == 0 {
		return "a value"
	}
	return join(parts)
}

// joinOr lists options sorted, for a stable message.
func joinOr(opts []string) string {
	sort.Strings(opts)
	return join(opts)
}

func join(opts []string) string {
	if len(opts) == 1 {
		return opts[0]
	}
	return strings.Join(opts[:len(opts)-1], ", ") + " or " + opts[len(opts)-1]
}

// plural turns "a string" into "strings" for "a list of ...".
func plural(s string) string {
	if r, ok := strings.CutPrefix(s, "a "); ok && !strings.Contains(r, " ") {
		return r + "s"
	}
	return s
}

// show renders a user's value briefly, for "must be X, not Y".
func show(d any) string {
	switch x := d.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 60 {
			x = x[:57] + "..."
		}
		return strconv.Quote(x)
	case bool, int64, float64:
		return fmt.Sprint(x)
	case map[string]any:
		return "a mapping"
	case []any:
		kinds := map[string]bool{}
		for _, e := range x {
			kinds[kindWord(e)] = true
		}
		if len(kinds) == 1 {
			for k := range kinds {
				return "a list of " + k
			}
		}
		return "a list"
	}
	return "a value"
}

func kindWord(d any) string {
	switch d.(type) {
	case string:
		return "strings"
	case bool:
		return "booleans"
	case int64, float64:
		return "numbers"
	case map[string]any:
		return "mappings"
	case []any:
		return "lists"
	}
	return "nulls"
}
