package dotlayout

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

func TestServe(t *testing.T) {
	var out, errw bytes.Buffer
	if code := Serve(context.Background(), strings.NewReader(`digraph { a -> b }`), &out, &errw); code != 0 || !bytes.HasPrefix(out.Bytes(), []byte("<svg")) {
		t.Errorf("Serve = %d, stdout %.40q, stderr %q", code, out.String(), errw.String())
	}
	out.Reset()
	errw.Reset()
	if code := Serve(context.Background(), strings.NewReader(`digraph {`), &out, &errw); code != 1 || out.Len() != 0 || strings.Count(errw.String(), "\n") != 1 {
		t.Errorf("broken graph: Serve = %d, stdout %q, stderr %q; want 1, nothing, one line", code, out.String(), errw.String())
	}
}
