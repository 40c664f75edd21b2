package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// reportError prints err once, at the edge, and maps it to an exit code.
// No stack trace ever reaches the user: every library error is a value.
func reportError(w io.Writer, err error) int {
	var ue *usageError
	var ee *exitError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(w, "pono: %s\n", ue.err)
		return 2
	case errors.As(err, &ee):
		if ee.err != nil && !errors.Is(ee.err, errSilent) {
			printLines(w, ee.err)
		}
		return ee.code
	case errors.Is(err, errSilent):
		return 1
	}
	printLines(w, err)
	return 1
}

func printLines(w io.Writer, err error) {
	msg := strings.TrimRight(err.Error(), "\n")
	if strings.Contains(msg, "\n") {
		fmt.Fprintln(w, msg)
		return
	}
	fmt.Fprintf(w, "pono: %s\n", msg)
}
