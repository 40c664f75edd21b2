// Package graphsvg lays out a Graphviz (dot) graph as SVG by running the
// pono-graphviz helper (cmd/pono-graphviz), so that pono itself does not
// link go-graphviz: its package init compiles a WebAssembly module, which
// would cost every pono command 50 ms and 60 MiB with a warm cache and
// 0.8 s on a machine whose temporary directory is new (a CI container).
//
// The helper keeps that compilation cache in a directory of pono's own
// cache that only this user can write, never in the shared /tmp where
// go-graphviz would put it: the cache holds native code, and a cache
// another user could plant is code execution.
package graphsvg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pono-gitops/pono/internal/cachedir"
)

// MaxDot bounds the graph source Render lays out: layout time grows fast
// with size, and a workflow graph is a few kilobytes.
const MaxDot = 1 << 20

// maxSVG bounds what is read back from the helper.
const maxSVG = 32 << 20

// timeout bounds one layout; a workflow graph takes milliseconds.
const timeout = 30 * time.Second

// Helper is the helper's program name, looked up beside the running
// executable and then on PATH; $PONO_GRAPHVIZ, when set, names it instead.
const Helper = "pono-graphviz"

// HelperEnv names the environment variable that overrides the lookup.
const HelperEnv = "PONO_GRAPHVIZ"

// Render lays out dot with Graphviz's dot engine and returns the SVG
// document, without the XML prolog (the helper drops it: see
// dotlayout.Render), ready to be placed inline in HTML.
func Render(ctx context.Context, dot []byte) ([]byte, error) {
	if len(dot) > MaxDot {
		return nil, fmt.Errorf("graph of %d bytes is larger than the %d bytes laid out", len(dot), MaxDot)
	}
	helper, err := findHelper()
	if err != nil {
		return nil, err
	}
	tmp, cleanup, err := cacheDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, helper)
	cmd.Stdin = bytes.NewReader(dot)
	// Only what the helper needs: go-graphviz reads TMPDIR at init.
	cmd.Env = []string{"TMPDIR=" + tmp}
	var out, errw limitedBuffer
	out.max, errw.max = maxSVG, 4<<10
	cmd.Stdout, cmd.Stderr = &out, &errw
	err = cmd.Run()
	switch {
	case parent.Err() != nil:
		return nil, parent.Err()
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("lay out graph: %s did not finish within %s", Helper, timeout)
	case err != nil:
		msg := strings.TrimSpace(errw.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("lay out graph: %s", firstLine(msg))
	case out.over:
		return nil, fmt.Errorf("lay out graph: %s wrote more than %d bytes", Helper, maxSVG)
	}
	return out.Bytes(), nil
}

// findHelper returns the helper's path, or an error saying where it was
// looked for.
func findHelper() (string, error) {
	if p := os.Getenv(HelperEnv); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("%s=%s is not an executable file", HelperEnv, p)
		}
		return p, nil
	}
	var beside string
	if exe, err := os.Executable(); err == nil {
		beside = filepath.Join(filepath.Dir(exe), Helper)
		if isExecutable(beside) {
			return beside, nil
		}
	}
	if p, err := exec.LookPath(Helper); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("laying out a graph as SVG needs the %s program beside pono (%s) or on PATH "+
		"(make build builds it; the pono image has it), or %s naming it; -o dot gives the graph without it",
		Helper, beside, HelperEnv)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// cacheDir returns the helper's TMPDIR: graphviz/ in pono's cache when
// that is a directory this user owns and no one else can write, so the
// compiled module is reused; otherwise a fresh private directory, removed
// after the run (each layout then pays the compilation).
func cacheDir() (dir string, cleanup func(), err error) {
	if base := cachedir.Default(); base != "" {
		d := filepath.Join(base, "graphviz")
		if os.MkdirAll(d, 0o700) == nil && private(d) {
			return d, func() {}, nil
		}
	}
	d, err := os.MkdirTemp("", "pono-graphviz-")
	if err != nil {
		return "", nil, fmt.Errorf("lay out graph: %w", err)
	}
	return d, func() { os.RemoveAll(d) }, nil
}

// private reports whether d is a real directory (not a symlink) owned by
// this user and writable by no one else.
func private(d string) bool {
	fi, err := os.Lstat(d)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// limitedBuffer keeps the first max bytes written and notes the overflow,
// so a runaway helper cannot exhaust memory. It does not embed
// bytes.Buffer: io.Copy would use the promoted ReadFrom and bypass Write.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) Bytes() []byte  { return b.buf.Bytes() }
func (b *limitedBuffer) String() string { return b.buf.String() }

var _ io.Writer = (*limitedBuffer)(nil)
