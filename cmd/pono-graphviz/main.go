// Command pono-graphviz lays out one Graphviz (dot) graph as SVG: the dot
// source on stdin, the SVG on stdout. pono runs it for `pono workflow graph
// -o svg` and the web page's workflow graphs; it is a separate program so
// that no other pono command pays go-graphviz's start-up (see
// internal/graphsvg/dotlayout). Install it beside pono.
package main

import (
	"context"
	"os"

	"github.com/pono-gitops/pono/internal/graphsvg/dotlayout"
)

func main() {
	os.Exit(dotlayout.Serve(context.Background(), os.Stdin, os.Stdout, os.Stderr))
}
