package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestReportErrorClipsLongMessages(t *testing.T) {
	long := "template: app/templates/x.yaml:1:3: executing \"x\": " + strings.Repeat("include ", 14000)
	for _, tc := range []struct {
		name    string
		err     error
		verbose bool
		want    string
	}{
		{"short", errors.New("p/platform.yaml:3:1: bad"), false, "pono: p/platform.yaml:3:1: bad\n"},
		{"one long line", errors.New(long), false,
			"pono: " + long[:maxLineChars] + " ...\n... (" + fmt.Sprint(len(long)-maxLineChars) + " more characters; run with -v for the whole message)\n"},
		{"one long line, verbose", errors.New(long), true, "pono: " + long + "\n"},
		{"many lines", errors.New(strings.Repeat("line\n", 25) + "last"), false,
			strings.Repeat("line\n", 20) + "... (6 more lines; run with -v for the whole message)\n"},
		{"many lines, one long", errors.New(strings.Repeat("x", 450) + strings.Repeat("\nline", 25)), false,
			strings.Repeat("x", 400) + " ..." + strings.Repeat("\nline", 19) + "\n... (6 more lines and 50 more characters; run with -v for the whole message)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if code := reportError(&b, tc.err, tc.verbose); code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("got  %.600q\nwant %.600q", got, tc.want)
			}
		})
	}
}

func TestErrorSummary(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1 error occurred:\n\t* Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1\n\n",
			`Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1`},
		{"upgrade failed: 2 errors occurred:\n\t* a is invalid\n\t* b is invalid\n\n",
			"upgrade failed: a is invalid; b is invalid"},
		{"timed out waiting for the condition", "timed out waiting for the condition"},
		{"first line\nsecond line", "first line ..."},
		{strings.Repeat("x", 500), strings.Repeat("x", maxLineChars) + " ..."},
	} {
		if got := errorSummary(tc.in); got != tc.want {
			t.Errorf("errorSummary(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestColorFor(t *testing.T) {
	for _, tc := range []struct {
		mode         string
		tty, noColor bool
		want         bool
	}{
		{"auto", true, false, true},
		{"auto", false, false, false},
		{"auto", true, true, false},
		{"always", false, true, true},
		{"never", true, false, false},
	} {
		got, err := colorFor(tc.mode, tc.tty, tc.noColor)
		if err != nil || got != tc.want {
			t.Errorf("colorFor(%q, tty=%v, NO_COLOR=%v) = %v, %v; want %v", tc.mode, tc.tty, tc.noColor, got, err, tc.want)
		}
	}
	if _, err := colorFor("sometimes", true, false); err == nil {
		t.Error("colorFor accepted an unknown mode")
	}
}

func TestEscapesNotOnDumbTerminal(t *testing.T) {
	for _, tc := range []struct {
		tty  bool
		term string
		want bool
	}{{true, "xterm-256color", true}, {true, "dumb", false}, {false, "xterm", false}} {
		if got := escapes(tc.tty, tc.term); got != tc.want {
			t.Errorf("escapes(tty=%v, TERM=%q) = %v, want %v", tc.tty, tc.term, got, tc.want)
		}
	}
}
