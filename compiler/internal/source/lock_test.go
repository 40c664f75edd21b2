package source

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLockProblems(t *testing.T) {
	good := "version: 1\ncharts:\n- chart: app\n  constraint: 1.0.0\n  digest: sha256:" + strings.Repeat("a", 64) + "\n  location: charts/app\n  source: local\n  version: 1.0.0\n"
	tests := []struct {
		name, in string
		entries  int
		want     []string
	}{
		{name: "good", in: good, entries: 1},
		{name: "empty", in: "", want: []string{"pono.lock: pono.lock is empty (a truncated file?): run pono lock update to write it again"}},
		{name: "truncated", in: good[:strings.Index(good, "  source:")], want: []string{"pono.lock:3:3: pono.lock: entry 1 lacks source and version (a truncated or hand-edited file?)"}},
		{name: "no version", in: "charts: []\n", want: []string{"pono.lock: pono.lock has no version (a truncated file?): run pono lock update to write it again"}},
		{name: "unknown version", in: strings.Replace(good, "version: 1\n", "version: 7\n", 1), want: []string{"pono.lock:1:1: pono.lock has version 7; this pono reads versions 1 and 2 (written by a newer pono?)"}},
		{name: "not yaml", in: "version: 1\ncharts: [\n", want: []string{"pono.lock:2: pono.lock is not valid YAML (did not find expected node content): the file is damaged; delete it or run pono lock update"}},
		{name: "wrong shape", in: "version: 1\ncharts: {a: b}\n", want: []string{"pono.lock:2:9: pono.lock: charts must be a list of entries, not a mapping"}},
		{name: "bad digest", in: strings.Replace(good, "sha256:"+strings.Repeat("a", 64), "md5:abc", 1), want: []string{`pono.lock:5:3: pono.lock: entry 1 (local/app): digest "md5:abc" is not sha256: and 64 hex digits`}},
		{name: "unknown field", in: good + "extra: 1\n", entries: 1, want: []string{`pono.lock:9:1: pono.lock: unknown field "extra" (a lock has version, charts and images)`}},
		{name: "repeated entry", in: good + strings.TrimPrefix(good, "version: 1\ncharts:\n"), entries: 1, want: []string{`pono.lock:9:3: pono.lock: entry 2 repeats entry 1 (local/app "1.0.0")`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, probs := ParseLock([]byte(tc.in), "pono.lock")
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if len(l.Charts) != tc.entries {
				t.Errorf("%d usable entries, want %d", len(l.Charts), tc.entries)
			}
		})
	}
}

// A failed write leaves the old lock as it was, and no temporary file.
func TestWriteLockAtomic(t *testing.T) {
	dir := t.TempDir()
	old := []byte("# old\nversion: 1\ncharts: []\n")
	if err := os.WriteFile(filepath.Join(dir, LockFileName), old, 0o644); err != nil {
		t.Fatal(err)
	}
	renameFile = func(old, new string) error {
		return &os.LinkError{Op: "rename", Old: old, New: new, Err: syscall.EROFS}
	}
	defer func() { renameFile = os.Rename }()
	err := WriteLock(dir, NewLock([]LockEntry{{Source: "s", Chart: "c", Constraint: "1", Version: "1", Location: "x", Digest: "sha256:0"}}))
	if err == nil || err.Error() != "write "+filepath.Join(dir, LockFileName)+": read-only file system" {
		t.Errorf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, LockFileName)); string(b) != string(old) {
		t.Errorf("lock after a failed write = %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory after a failed write holds %d entries, want only the lock", len(entries))
	}
}

func TestWriteLockRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := NewLock([]LockEntry{{Source: "s", Chart: "c", Constraint: "~1", Version: "1.2.0", Location: "charts/c", Digest: "sha256:" + strings.Repeat("0", 64)}})
	if err := WriteLock(dir, want); err != nil {
		t.Fatal(err)
	}
	got, probs, err := ReadLock(dir)
	if err != nil || len(probs) > 0 {
		t.Fatalf("read back: %v %v", err, probs)
	}
	if diff := cmp.Diff(want.Charts, got.Charts); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// An environment's entry is found for it; other environments and the base
// use the base entry.
func TestLockFindFor(t *testing.T) {
	l, probs := ParseLock([]byte(`version: 1
charts:
- {source: s, chart: app, constraint: "1", version: 1.0.0, location: a, digest: "sha256:`+strings.Repeat("a", 64)+`"}
- {environment: next, source: s, chart: app, constraint: "1", version: 1.0.0, location: b, digest: "sha256:`+strings.Repeat("b", 64)+`"}
`), "pono.lock")
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	for env, want := range map[string]string{"": "a", "next": "b", "other": "a"} {
		if e, ok := l.FindFor(env, "s", "app", "1"); !ok || e.Location != want {
			t.Errorf("env %q: %+v %v, want location %s", env, e, ok, want)
		}
	}
}
