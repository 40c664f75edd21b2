package source

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// goInternals are what a lock message must never show: Go type names
// (the "[]source.LockEntry" the issue quotes), stack traces, runtime text.
var goInternals = regexp.MustCompile(`\[\]source\.|source\.Lock|Go struct|goroutine \d|runtime\.|panic:|\binterface \{\}|map\[string\]`)

// FuzzReadLock feeds arbitrary bytes to the lock parser. It must never
// panic, must finish quickly, and every problem it reports must be a
// sentence with a position naming the file, free of Go internals.
func FuzzReadLock(f *testing.F) {
	seeds, _ := filepath.Glob("../../../examples/*/pono.lock")
	more, _ := filepath.Glob("../../../platforms/*/pono.lock")
	for _, p := range append(seeds, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2]) // truncated
	}
	for _, s := range []string{"", "version: 2\n", "version: 1\ncharts: [\n", "charts: {}\n", "version: x\n", "- a\n- b\n", "version: 1\ncharts:\n- 1\n- [a]\n- {chart: {a: b}}\n", "\x00", "&a [*a]\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		l, probs := ParseLock(b, "dir/pono.lock")
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("ParseLock took %v on %d bytes", took, len(b))
		}
		if l == nil {
			t.Fatal("ParseLock returned no lock")
		}
		for _, p := range probs {
			msg := p.String()
			if strings.TrimSpace(p.Message) == "" {
				t.Fatalf("empty message for %q", b)
			}
			if !strings.HasPrefix(p.Pos, "dir/pono.lock") {
				t.Fatalf("problem without the file's position: %q", msg)
			}
			if goInternals.MatchString(p.Message) {
				t.Fatalf("Go internals in %q", msg)
			}
		}
		for _, e := range l.Charts {
			if e.Source == "" || e.Chart == "" || e.Version == "" || !digestRE.MatchString(e.Digest) {
				t.Fatalf("unusable entry kept: %+v", e)
			}
		}
	})
}
