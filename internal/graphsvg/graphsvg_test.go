package graphsvg

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	svg, err := Render(context.Background(), []byte(`digraph w { rankdir=LR; node [shape=box]; "a" -> "b" [label="out → in"]; "a" -> "c" [style=dashed]; }`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Fatalf("want an inline <svg> document, got %.80q", svg)
	}
	if n := strings.Count(string(svg), `class="node"`); n != 3 {
		t.Errorf("nodes = %d, want 3", n)
	}
	if n := strings.Count(string(svg), `class="edge"`); n != 2 {
		t.Errorf("edges = %d, want 2", n)
	}
	if !strings.Contains(string(svg), "out → in") {
		t.Error("edge label missing")
	}
}

func TestRenderRefusesOversizedAndBrokenGraphs(t *testing.T) {
	if _, err := Render(context.Background(), bytes.Repeat([]byte("a"), MaxDot+1)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized graph: err = %v", err)
	}
	if _, err := Render(context.Background(), []byte("digraph {")); err == nil {
		t.Error("broken graph: want an error")
	}
}
