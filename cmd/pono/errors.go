package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// reportError prints err once, at the edge, and maps it to an exit code.
// No stack trace ever reaches the user: every library error is a value.
// Long messages are cut to something readable unless verbose.
func reportError(w io.Writer, err error, verbose bool) int {
	var ue *usageError
	var ee *exitError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(w, "pono: %s\n", clip(ue.err.Error(), verbose))
		return 2
	case errors.As(err, &ee):
		if ee.err != nil && !errors.Is(ee.err, errSilent) {
			printLines(w, ee.err, verbose)
		}
		return ee.code
	case errors.Is(err, errSilent):
		return 1
	}
	printLines(w, err, verbose)
	return 1
}

func printLines(w io.Writer, err error, verbose bool) {
	msg := strings.TrimRight(err.Error(), "\n")
	if strings.Contains(msg, "\n") {
		fmt.Fprintln(w, clip(msg, verbose))
		return
	}
	fmt.Fprintf(w, "pono: %s\n", clip(msg, verbose))
}

// Limits of an error message shown without -v: a recursive template
// include makes Helm report 110 KB on one line.
const (
	maxLineChars = 400
	maxLines     = 20
)

// clip cuts msg to maxLines lines of at most maxLineChars characters and
// says how much was left out; verbose keeps it whole.
func clip(msg string, verbose bool) string {
	if verbose {
		return msg
	}
	lines := strings.Split(msg, "\n")
	var left []string
	if n := len(lines) - maxLines; n > 0 {
		left = append(left, fmt.Sprintf("%d more lines", n))
		lines = lines[:maxLines]
	}
	chars := 0
	for i, l := range lines {
		if r := []rune(l); len(r) > maxLineChars {
			chars += len(r) - maxLineChars
			lines[i] = string(r[:maxLineChars]) + " ..."
		}
	}
	if chars > 0 {
		left = append(left, fmt.Sprintf("%d more characters", chars))
	}
	if len(left) == 0 {
		return msg
	}
	return strings.Join(lines, "\n") + fmt.Sprintf("\n... (%s; run with -v for the whole message)", strings.Join(left, " and "))
}
