package compiler

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/internal/source"
)

func testResult(greeting string) *Result {
	return &Result{
		Platform:  PlatformInfo{Name: "t"},
		Releases:  []Release{{Name: "app", ManifestFile: "manifests/app.yaml"}},
		Manifests: map[string][]byte{"app": []byte("greeting: " + greeting + "\n")},
		lock:      source.NewLock([]source.LockEntry{{Source: "local", Chart: "app", Constraint: "1.0.0", Version: "1.0.0", Location: "charts/app", Digest: "sha256:" + strings.Repeat("0", 64)}}),
	}
}

// tree lists the files under dir with their content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			out[filepath.ToSlash(rel)] = "-> " + target
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestWriteCreatesOutputWithMarker(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := testResult("a").Write(context.Background(), Output{Dir: out, PlatformDir: filepath.Join(dir, "p")}); err != nil {
		t.Fatal(err)
	}
	got := tree(t, out)
	want := []string{MarkerFile, "manifests/app.yaml", "pono.lock", "releases.yaml"}
	if diff := cmp.Diff(want, names(got)); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	sums, err := parseMarker([]byte(got[MarkerFile]))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"manifests/app.yaml", "pono.lock", "releases.yaml"}, names(map[string]string(sums))); diff != "" {
		t.Errorf("marker lists (-want +got):\n%s", diff)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".pono-out-*")); len(left) > 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

func TestWriteReplacesEarlierOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	ctx := context.Background()
	if err := testResult("a").Write(ctx, Output{Dir: out}); err != nil {
		t.Fatal(err)
	}
	// A release that is gone must disappear from the output too.
	r := testResult("b")
	r.Releases[0] = Release{Name: "other", ManifestFile: "manifests/other.yaml"}
	r.Manifests = map[string][]byte{"other": []byte("x: 1\n")}
	if err := r.Write(ctx, Output{Dir: out}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{MarkerFile, "manifests/other.yaml", "pono.lock", "releases.yaml"}, names(tree(t, out))); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestWriteRefuses(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) (out, platform string)
		want  string
	}{
		{"a file", func(t *testing.T, dir string) (string, string) {
			writeFile(t, filepath.Join(dir, "out"), "precious\n")
			return "out", ""
		}, "refusing to replace out: it is a file, not an earlier compile output"},
		{"a directory with releases.yaml and notes", func(t *testing.T, dir string) (string, string) {
			writeFile(t, filepath.Join(dir, "out", "releases.yaml"), "x\n")
			writeFile(t, filepath.Join(dir, "out", "notes.md"), "mine\n")
			return "out", ""
		}, "refusing to replace out: it is not empty and has no .pono-output, so it is not an earlier compile output (move its files away or choose another --output-dir)"},
		{"an earlier output with a note added and a file changed", func(t *testing.T, dir string) (string, string) {
			if err := testResult("a").Write(ctx, Output{Dir: filepath.Join(dir, "out")}); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "out", "notes.md"), "mine\n")
			writeFile(t, filepath.Join(dir, "out", "manifests", "app.yaml"), "edited\n")
			writeFile(t, filepath.Join(dir, "out", "extra", "deep.txt"), "mine\n")
			return "out", ""
		}, "refusing to replace out: it changed since pono wrote it: extra/ (not pono's), manifests/app.yaml (changed), notes.md (not pono's)"},
		{"a forged marker naming a file outside", func(t *testing.T, dir string) (string, string) {
			writeFile(t, filepath.Join(dir, "out", MarkerFile), strings.Repeat("0", 64)+"  ../x\n")
			return "out", ""
		}, `refusing to replace out: its .pono-output is not one pono wrote (line 1 is not "<sha256>  <file>")`},
		{"the platform directory", func(t *testing.T, dir string) (string, string) {
			writeFile(t, filepath.Join(dir, "p", "releases.yaml"), "name: t\n")
			return "p", "p"
		}, "refusing to replace p: it is the platform directory being compiled; choose another --output-dir"},
		{"the platform directory through a link", func(t *testing.T, dir string) (string, string) {
			writeFile(t, filepath.Join(dir, "p", "platform.yaml"), "name: t\n")
			if err := os.Symlink("p", filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
			return "link", "p"
		}, "refusing to replace link: it is the platform directory being compiled; choose another --output-dir"},
		{"a directory holding the platform", func(t *testing.T, dir string) (string, string) {
			writeFile(t, filepath.Join(dir, "repo", "p", "platform.yaml"), "name: t\n")
			return "repo", "repo/p"
		}, "refusing to replace repo: it contains the platform directory repo/p; choose another --output-dir"},
		{"a symbolic link", func(t *testing.T, dir string) (string, string) {
			if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("real", filepath.Join(dir, "out")); err != nil {
				t.Fatal(err)
			}
			return "out", ""
		}, "refusing to replace out: it is a symbolic link; name the directory itself"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			out, platform := tc.setup(t, dir)
			before := tree(t, dir)
			err := testResult("new").Write(ctx, Output{Dir: out, PlatformDir: platform, WriteLock: platform != ""})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v\nwant    %s", err, tc.want)
			}
			if diff := cmp.Diff(before, tree(t, dir)); diff != "" {
				t.Errorf("files changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestWriteInsidePlatformDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "p/platform.yaml", "name: t\n")
	if err := testResult("a").Write(context.Background(), Output{Dir: "p/out", PlatformDir: "p", WriteLock: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("p/pono.lock"); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat("p/out/releases.yaml"); err != nil {
		t.Error(err)
	}
}

// A lock that cannot be written leaves the earlier output and the lock
// as they were, and the message names the lock, not a temporary file.
func TestWriteLockFailureLeavesBoth(t *testing.T) {
	ctx := context.Background()
	t.Run("lock cannot be staged", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		if err := testResult("a").Write(ctx, Output{Dir: "out"}); err != nil {
			t.Fatal(err)
		}
		before := tree(t, dir)
		err := testResult("b").Write(ctx, Output{Dir: "out", PlatformDir: "missing", WriteLock: true})
		want := "cannot write missing/pono.lock: no such file or directory"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %s", err, want)
		}
		if diff := cmp.Diff(before, tree(t, dir)); diff != "" {
			t.Errorf("files changed (-before +after):\n%s", diff)
		}
	})
	t.Run("lock rename fails", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		writeFile(t, "p/platform.yaml", "name: t\n")
		if err := testResult("a").Write(ctx, Output{Dir: "out"}); err != nil {
			t.Fatal(err)
		}
		// A directory where the lock goes: the rename onto it fails only
		// after the output was swapped in, so the output must be rolled back.
		writeFile(t, "p/pono.lock/keep", "x\n")
		before := tree(t, dir)
		err := testResult("b").Write(ctx, Output{Dir: "out", PlatformDir: "p", WriteLock: true})
		want := "cannot write p/pono.lock: file exists; out left as it was"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %s", err, want)
		}
		if diff := cmp.Diff(before, tree(t, dir)); diff != "" {
			t.Errorf("files changed (-before +after):\n%s", diff)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "p", ".pono.lock.*")); len(left) > 0 {
			t.Errorf("temporary lock left behind: %v", left)
		}
	})
}

func TestWriteCancelledWritesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := testResult("a").Write(ctx, Output{Dir: "out"}); err == nil {
		t.Fatal("a cancelled write succeeded")
	}
	if got := tree(t, dir); len(got) != 0 {
		t.Errorf("files written: %v", names(got))
	}
}

func TestMarkerIsDeterministic(t *testing.T) {
	a, err := testResult("a").outputFiles()
	if err != nil {
		t.Fatal(err)
	}
	b, err := testResult("a").outputFiles()
	if err != nil {
		t.Fatal(err)
	}
	if string(a[MarkerFile]) != string(b[MarkerFile]) {
		t.Errorf("marker differs between two writes of the same result:\n%s\n%s", a[MarkerFile], b[MarkerFile])
	}
}
