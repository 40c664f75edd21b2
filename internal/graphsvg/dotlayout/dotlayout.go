// Package dotlayout lays out a Graphviz (dot) graph and renders it as SVG
// in-process, with github.com/goccy/go-graphviz: Graphviz compiled to
// WebAssembly and run by wazero, so no cgo and no graphviz binary. It is
// the only package that imports go-graphviz (test/arch enforces it), and
// only the pono-graphviz helper links it: go-graphviz compiles its
// WebAssembly module in a package init, which costs every process that
// links it 50 ms and 60 MiB with a warm compilation cache, 0.8 s without
// one. pono itself reaches it through internal/graphsvg.
package dotlayout

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"

	"github.com/pono-gitops/pono/internal/graphsvg"
)

// MaxDot bounds the graph source Render lays out: the client's bound,
// checked again here because the helper is a program of its own.
const MaxDot = graphsvg.MaxDot

// Serve is the pono-graphviz helper: the dot graph on in, its SVG on out.
// A failure is one line on errw and exit code 1.
func Serve(ctx context.Context, in io.Reader, out, errw io.Writer) int {
	dot, err := io.ReadAll(io.LimitReader(in, MaxDot+1))
	if err == nil {
		var svg []byte
		if svg, err = Render(ctx, dot); err == nil {
			_, err = out.Write(svg)
		}
	}
	if err != nil {
		fmt.Fprintln(errw, strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	return 0
}

var (
	// One Graphviz instance: compiling the WebAssembly module is the slow
	// part (hundreds of milliseconds); an instance renders one graph at a
	// time, hence the mutex.
	mu     sync.Mutex
	gv     *graphviz.Graphviz
	gvErr  error
	gvOnce sync.Once
)

// Render lays out dot with the dot engine and returns the SVG document.
func Render(ctx context.Context, dot []byte) ([]byte, error) {
	if len(dot) > MaxDot {
		return nil, fmt.Errorf("graph of %d bytes is larger than the %d bytes laid out", len(dot), MaxDot)
	}
	gvOnce.Do(func() { gv, gvErr = graphviz.New(context.Background()) })
	if gvErr != nil {
		return nil, fmt.Errorf("start graphviz: %w", gvErr)
	}
	mu.Lock()
	defer mu.Unlock()
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("parse graph: %w", err)
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("lay out graph: %w", err)
	}
	return stripProlog(buf.Bytes()), nil
}

// stripProlog drops the XML declaration, DOCTYPE and generator comment so
// the SVG can be placed inline in an HTML page.
func stripProlog(b []byte) []byte {
	if i := bytes.Index(b, []byte("<svg")); i > 0 {
		return b[i:]
	}
	return b
}
