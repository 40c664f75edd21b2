package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoadGlobals loads a platform with N globals keys, as YAML and
// as JSON: loading must grow linearly (docs/benchmarks.md).
func BenchmarkLoadGlobals(b *testing.B) {
	for _, n := range []int{10_000, 40_000, 160_000} {
		for _, format := range []string{"yaml", "json"} {
			b.Run(fmt.Sprintf("%s/%dk", format, n/1000), func(b *testing.B) {
				dir := b.TempDir()
				name, src := globalsPlatform(n, format)
				if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					l, err := Load(dir, "")
					if err != nil {
						b.Fatal(err)
					}
					if len(l.Platform.Globals) != n {
						b.Fatalf("%d globals, want %d", len(l.Platform.Globals), n)
					}
				}
			})
		}
	}
}

func globalsPlatform(n int, format string) (string, []byte) {
	if format == "json" {
		g := make(map[string]string, n)
		for i := range n {
			g[fmt.Sprintf("key_%d", i)] = fmt.Sprintf("value %d", i)
		}
		b, _ := json.Marshal(map[string]any{"name": "bench", "globals": g})
		return "platform.json", b
	}
	var sb strings.Builder
	sb.WriteString("name: bench\nglobals:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  key_%d: value %d\n", i, i)
	}
	return "platform.yaml", []byte(sb.String())
}
