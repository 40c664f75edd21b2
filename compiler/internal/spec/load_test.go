package spec

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/compiler/diag"
)

// TestMain lets the test binary serve as the CUE evaluation child, so the
// tests run the same bounded path as the pono binary.
func TestMain(m *testing.M) {
	ServeChild()
	os.Exit(m.Run())
}

var update = flag.Bool("update", false, "rewrite the want sections of testdata/load/*.txtar")

// TestLoad loads each testdata/load/*.txtar. Sections other than want are
// the platform directory; the archive's comment may hold "env: NAME" and
// "symlink: LINK -> TARGET" lines (TARGET relative to the platform
// directory's parent, so a link can lead out of it). want holds the
// errors, one per line, or the loaded platform as JSON.
func TestLoad(t *testing.T) {
	files, _ := filepath.Glob("testdata/load/*.txtar")
	if len(files) == 0 {
		t.Fatal("no testdata/load/*.txtar")
	}
	for _, file := range files {
		file, _ := filepath.Abs(file)
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			top := t.TempDir()
			dir := filepath.Join(top, "p")
			var want string
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = string(f.Data)
					continue
				}
				writeFile(t, filepath.Join(dir, f.Name), f.Data)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			env := ""
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				if v, ok := strings.CutPrefix(line, "env: "); ok {
					env = v
				}
				if v, ok := strings.CutPrefix(line, "symlink: "); ok {
					link, target, _ := strings.Cut(v, " -> ")
					if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
						t.Fatal(err)
					}
				}
			}
			t.Chdir(top)
			got := outcome(Load("p", env))
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if want == "" && got != "" {
					ar.Files = append(ar.Files, txtar.File{Name: "want", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load mismatch (-want +got), rerun with -update if intended:\n%s", diff)
			}
		})
	}
}

func outcome(l *Loaded, err error) string {
	if err != nil {
		return err.Error() + "\n"
	}
	b, _ := json.MarshalIndent(l.Platform, "", "  ")
	return string(b) + "\n"
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadErrorsArePositioned checks that every problem in the input
// files is a diagnostic with a file:line:col position.
func TestLoadErrorsArePositioned(t *testing.T) {
	for _, src := range []string{"name: [x", "a: b: c", "", "name: x\n---\nname: y", "name: x\nname: y", "name: 1"} {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "platform.yaml"), []byte(src))
		_, err := Load(dir, "")
		var de *diag.Err
		if !errors.As(err, &de) {
			t.Fatalf("%q: want a *diag.Err, got %v", src, err)
		}
		for _, d := range de.List {
			if !strings.HasPrefix(d.Pos, filepath.Join(dir, "platform.yaml")+":") {
				t.Errorf("%q: diagnostic without a file position: %v", src, d)
			}
		}
	}
}

// TestLoadReturnsOnCancel: a cancelled context ends a CUE evaluation that
// would run for long, at once.
func TestLoadReturnsOnCancel(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "platform.cue"), []byte("import \"list\"\nname: \"x\"\nx: [for i in list.Range(0, 3000, 1) for j in list.Range(0, 3000, 1) if i*j < 0 {i}]\n"))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	if _, err := LoadContext(ctx, dir, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Load took %v after the context was cancelled at 200ms", took)
	}
}
