package main

import (
	"regexp"
	"strings"
)

// multiErrorHead is the first line of a hashicorp/go-multierror message,
// which Helm returns for failed applies: "1 error occurred:", then one
// "\t* cause" line per error. Its first line alone says nothing.
var multiErrorHead = regexp.MustCompile(`^(.*?)\d+ errors? occurred:$`)

// errorSummary is a release error as one table cell: a multierror becomes
// its causes joined by "; " (after the text that wrapped it), another
// message its first line; either is cut to maxLineChars characters.
func errorSummary(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := lines[0]
	more := len(lines) > 1
	if m := multiErrorHead.FindStringSubmatch(lines[0]); m != nil {
		var causes []string
		for _, l := range lines[1:] {
			if c, ok := strings.CutPrefix(l, "\t* "); ok {
				causes = append(causes, c)
			} else if strings.TrimSpace(l) != "" && len(causes) > 0 {
				causes[len(causes)-1] += " " + strings.TrimSpace(l)
			}
		}
		if len(causes) > 0 {
			out, more = m[1]+strings.Join(causes, "; "), false
		}
	}
	if r := []rune(out); len(r) > maxLineChars {
		return string(r[:maxLineChars]) + " ..."
	}
	if more {
		out += " ..."
	}
	return out
}
