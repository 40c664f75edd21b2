package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// terminal reports whether w is a terminal that understands escape
// sequences (colours, erasing the progress line): TERM=dumb does not.
func terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return escapes(ok && term.IsTerminal(int(f.Fd())), os.Getenv("TERM"))
}

func escapes(tty bool, termName string) bool { return tty && termName != "dumb" }

// wantColor decides on ANSI colours: auto means only on such a terminal
// and never with NO_COLOR set (no-color.org); always and never are the
// user's explicit choice and win over both.
func wantColor(mode string, w io.Writer) (bool, error) {
	return colorFor(mode, terminal(w), os.Getenv("NO_COLOR") != "")
}

func colorFor(mode string, tty, noColor bool) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return tty && !noColor, nil
	}
	return false, usageErr(fmt.Errorf("--color must be auto, always or never, not %q", mode))
}
