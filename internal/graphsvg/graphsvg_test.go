package graphsvg_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pono-gitops/pono/internal/graphsvg"
	"github.com/pono-gitops/pono/internal/graphsvg/dotlayout"
	"github.com/pono-gitops/pono/internal/graphsvg/graphsvgtest"
)

func TestMain(m *testing.M) { graphsvgtest.Main(m) }

const graph = `digraph w { rankdir=LR; node [shape=box]; "a" -> "b" [label="out → in"]; "a" -> "c" [style=dashed]; }`

func TestRenderThroughTheHelper(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PONO_CACHE", cache)
	svg, err := graphsvg.Render(context.Background(), []byte(graph))
	if err != nil {
		t.Fatal(err)
	}
	// The helper's layout is the in-process one (dotlayout's tests check
	// that one's content), byte for byte.
	want, err := dotlayout.Render(context.Background(), []byte(graph))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, want) {
		t.Errorf("helper's SVG differs from dotlayout.Render's:\n%.200s\n---\n%.200s", svg, want)
	}
	// The compiled module is cached in pono's cache, private to this user.
	fi, err := os.Stat(filepath.Join(cache, "graphviz", "go-graphviz"))
	if err != nil {
		t.Fatalf("no compilation cache in pono's cache: %v", err)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		t.Errorf("compilation cache is writable by others: %v", fi.Mode())
	}
}

// A cache directory others can write is not used: the cache holds native
// code. The layout still works, from a fresh private directory.
func TestRenderRefusesASharedCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("PONO_CACHE", cache)
	shared := filepath.Join(cache, "graphviz")
	if err := os.Mkdir(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := graphsvg.Render(context.Background(), []byte(graph)); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(shared); len(entries) != 0 {
		t.Errorf("the world-writable cache was used: %v", entries)
	}
}

func TestRenderErrors(t *testing.T) {
	t.Setenv("PONO_CACHE", t.TempDir())
	ctx := context.Background()
	if _, err := graphsvg.Render(ctx, bytes.Repeat([]byte("a"), graphsvg.MaxDot+1)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized graph: err = %v", err)
	}
	if _, err := graphsvg.Render(ctx, []byte("digraph {")); err == nil || !strings.HasPrefix(err.Error(), "lay out graph: ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("broken graph: err = %v, want one line starting 'lay out graph: '", err)
	}

	t.Setenv(graphsvg.HelperEnv, filepath.Join(t.TempDir(), "missing"))
	if _, err := graphsvg.Render(ctx, []byte(graph)); err == nil || !strings.Contains(err.Error(), "is not an executable file") {
		t.Errorf("missing helper: err = %v", err)
	}

	// A helper that floods its output is cut off, not read into memory.
	flood := filepath.Join(t.TempDir(), "flood")
	if err := os.WriteFile(flood, []byte("#!/bin/sh\nexec head -c 40000000 /dev/zero\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(graphsvg.HelperEnv, flood)
	if _, err := graphsvg.Render(ctx, []byte(graph)); err == nil || !strings.Contains(err.Error(), "wrote more than") {
		t.Errorf("flooding helper: err = %v", err)
	}
}

// A cancelled caller stops the helper at once.
func TestRenderStopsWithItsContext(t *testing.T) {
	t.Setenv("PONO_CACHE", t.TempDir())
	slow := filepath.Join(t.TempDir(), "slow")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(graphsvg.HelperEnv, slow)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := graphsvg.Render(ctx, []byte(graph))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the caller's deadline", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Render returned %s after its context ended", d)
	}
}

func TestRenderWithoutAHelper(t *testing.T) {
	t.Setenv(graphsvg.HelperEnv, "")
	t.Setenv("PATH", t.TempDir())
	_, err := graphsvg.Render(context.Background(), []byte(graph))
	if err == nil || !strings.Contains(err.Error(), "needs the pono-graphviz program beside pono") || !strings.Contains(err.Error(), "-o dot") {
		t.Errorf("err = %v, want where the helper was looked for and the way around it", err)
	}
}
