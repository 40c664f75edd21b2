package gitrepo

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testLogger sends the remote's debug lines to the test log, so a failing
// test shows every network operation it made.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newTestRemote opens url with a fresh cache directory.
func newTestRemote(t *testing.T, url string, auth *Auth) *Remote {
	t.Helper()
	return newTestRemoteIn(t, url, auth, t.TempDir())
}

func newTestRemoteIn(t *testing.T, url string, auth *Auth, cacheDir string) *Remote {
	t.Helper()
	r, err := NewRemote(RemoteOptions{URL: url, Auth: auth, CacheDir: cacheDir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("NewRemote(%s): %v", url, err)
	}
	return r
}

func mustParseRef(t *testing.T, s string) Ref {
	t.Helper()
	ref, err := ParseRef(s)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func mustResolve(t *testing.T, r *Remote, ref string) Head {
	t.Helper()
	h, err := r.Resolve(context.Background(), mustParseRef(t, ref))
	if err != nil {
		t.Fatalf("Resolve(%s): %v", ref, err)
	}
	return h
}

func mustFetch(t *testing.T, r *Remote, h Head) {
	t.Helper()
	if err := r.Fetch(context.Background(), h); err != nil {
		t.Fatalf("Fetch(%s): %v", h, err)
	}
}

// exportFiles exports subdir of commit and returns path → content of every
// file written.
func exportFiles(t *testing.T, r *Remote, commit, subdir string) map[string]string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "export")
	if err := r.Export(context.Background(), commit, subdir, dst); err != nil {
		t.Fatalf("Export(%s, %q): %v", shortHash(commit), subdir, err)
	}
	return readFiles(t, dst)
}

func readFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// checkErr fails unless err is non-nil, matches every sentinel, contains
// every wanted substring and contains none of the secrets.
func checkErr(t *testing.T, err error, sentinel error, want []string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	t.Logf("error: %v", err)
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("error %q is not %v", err, sentinel)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error %q contains the secret %q", err, s)
		}
	}
}
