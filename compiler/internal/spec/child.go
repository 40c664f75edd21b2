package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// CUE has no cancellation and no memory bound: a three-line comprehension
// can allocate until the kernel kills the process, and in the reconciler
// that process is the GitOps loop. So .cue files are evaluated in a child
// process, the running binary started again with childEnv set: it
// evaluates the files it gets on stdin and writes plain data and
// positions to stdout. The parent kills it at the time limit or when its
// context ends; the child stops itself at the memory limit. A binary that
// never calls ServeChild (a library user, another package's tests)
// evaluates in a goroutine instead, bounded in time only.

const (
	childEnv = "PONO_INTERNAL_CUE_CHILD"
	// exitMemory is the child's exit code at the memory limit.
	exitMemory = 3

	// DefaultCUEMemory and DefaultCUETimeout bound the evaluation of a
	// platform's .cue files; PONO_CUE_MAX_MEMORY (bytes, or with a KiB,
	// MiB or GiB suffix) and PONO_CUE_TIMEOUT (a Go duration) override them.
	DefaultCUEMemory  int64 = 1 << 30
	DefaultCUETimeout       = 30 * time.Second
)

// childEnabled is set by ServeChild: this binary can evaluate in a child.
var childEnabled bool

// ServeChild makes this binary an evaluation child when the parent asked
// for one (it then never returns), and otherwise records that the binary
// can serve as one. Call it first thing in main (or TestMain).
func ServeChild() {
	if os.Getenv(childEnv) != "1" {
		childEnabled = true
		return
	}
	limit := cueMemoryLimit()
	debug.SetMemoryLimit(limit)
	go watchMemory(limit)
	var req [][]cueSource
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	res := make([]cueLayer, len(req))
	for i, files := range req {
		res[i] = evalCUE(files)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		os.Exit(2)
	}
	os.Exit(0)
}

// watchMemory stops the child when the heap passes limit. GC works hard
// near the limit (SetMemoryLimit), so this fires only on live data.
func watchMemory(limit int64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindUint64 && int64(s[0].Value.Uint64()) > limit {
			os.Exit(exitMemory)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func cueMemoryLimit() int64 {
	if n, ok := parseBytes(os.Getenv("PONO_CUE_MAX_MEMORY")); ok {
		return n
	}
	return DefaultCUEMemory
}

func cueTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("PONO_CUE_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return DefaultCUETimeout
}

func parseBytes(s string) (int64, bool) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if r, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = r, u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n * mult, true
}

// limitError says which limit the .cue files ran into, at the first file.
func limitError(layers [][]cueSource, what string) error {
	var first string
	for _, l := range layers {
		if len(l) > 0 {
			first = l[0].Name
			break
		}
	}
	return errAt(first+":1:1", what)
}

// evalLayers evaluates the CUE files of each layer, within the limits.
func evalLayers(ctx context.Context, layers [][]cueSource) ([]cueLayer, error) {
	timeout := cueTimeout()
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	timedOut := func() error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return limitError(layers, fmt.Sprintf("CUE evaluation exceeded the time limit of %s (a comprehension or reference too large to evaluate?); PONO_CUE_TIMEOUT raises it", timeout))
	}
	if !childEnabled {
		done := make(chan []cueLayer, 1)
		go func() {
			out := make([]cueLayer, len(layers))
			for i, l := range layers {
				out[i] = evalCUE(l)
			}
			done <- out
		}()
		select {
		case out := <-done:
			return out, nil
		case <-tctx.Done():
			return nil, timedOut()
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("CUE evaluation: %w", err)
	}
	req, err := json.Marshal(layers)
	if err != nil {
		return nil, fmt.Errorf("CUE evaluation: %w", err)
	}
	cmd := exec.CommandContext(tctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdin = bytes.NewReader(req)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if tctx.Err() != nil {
		return nil, timedOut()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == exitMemory {
		return nil, limitError(layers, fmt.Sprintf("CUE evaluation exceeded the memory limit of %s (a comprehension or list too large?); PONO_CUE_MAX_MEMORY raises it", diagBytes(cueMemoryLimit())))
	}
	if err != nil {
		return nil, fmt.Errorf("CUE evaluation process failed (%v): %s", err, strings.TrimSpace(stderr.String()))
	}
	var out []cueLayer
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out) != len(layers) {
		return nil, fmt.Errorf("CUE evaluation process returned an unreadable answer")
	}
	return out, nil
}

func diagBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
