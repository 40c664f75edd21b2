// Package goldentest runs txtar golden cases, for tests only: one subtest
// per archive, the sections a case produces compared with the archive's
// sections of the same name, or written back with -update. It keeps the
// compare-or-rewrite loop in one place for every golden harness.
package goldentest

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// Update is the -update flag, for a package's harnesses whose goldens are
// not txtar sections (one flag per test binary; a second would panic).
var Update = flag.Bool("update", false, "rewrite the golden sections of the txtar archives")

// Run calls check for every archive matching glob, each in a subtest named
// after its file. check returns the sections it produced by name; each must
// equal the archive's section of that name. With -update the archive's
// sections are set to them instead (added when missing) and the file is
// rewritten. No archive matching glob is a failure.
func Run(t *testing.T, glob string, check func(t *testing.T, ar *txtar.Archive) map[string]string) {
	t.Helper()
	run(t, glob, "", check)
}

// RunExact is Run where the archive's sections named with prefix are
// exactly the ones check produces: one check did not produce is a failure,
// and -update drops it.
func RunExact(t *testing.T, glob, prefix string, check func(t *testing.T, ar *txtar.Archive) map[string]string) {
	t.Helper()
	run(t, glob, prefix, check)
}

func run(t *testing.T, glob, exact string, check func(t *testing.T, ar *txtar.Archive) map[string]string) {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases match %s: %v", glob, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, file, ar, check(t, ar), exact)
		})
	}
}

// compare checks or rewrites the sections got names and, when exact is
// not empty, the archive's sections named with it that got lacks.
func compare(t *testing.T, file string, ar *txtar.Archive, got map[string]string, exact string) {
	t.Helper()
	changed := false
	for _, name := range slices.Sorted(maps.Keys(got)) {
		i := index(ar, name)
		switch {
		case *Update && i < 0:
			ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(got[name])})
			changed = true
		case *Update:
			ar.Files[i].Data = []byte(got[name])
			changed = true
		case i < 0:
			t.Errorf("the archive has no %s section; got:\n%s", name, got[name])
		default:
			if diff := cmp.Diff(string(ar.Files[i].Data), got[name]); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		}
	}
	if exact != "" {
		kept := ar.Files[:0]
		for _, f := range ar.Files {
			_, produced := got[f.Name]
			switch {
			case !strings.HasPrefix(f.Name, exact) || produced:
				kept = append(kept, f)
			case *Update:
				changed = true
			default:
				kept = append(kept, f)
				t.Errorf("%s is in the archive but was not produced", f.Name)
			}
		}
		ar.Files = kept
	}
	if changed {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Section is the data of the archive's file name, and whether it has one.
func Section(ar *txtar.Archive, name string) ([]byte, bool) {
	if i := index(ar, name); i >= 0 {
		return ar.Files[i].Data, true
	}
	return nil, false
}

// WriteFiles writes the archive's files under dir, except those skip
// returns true for (the golden sections).
func WriteFiles(t *testing.T, ar *txtar.Archive, dir string, skip func(name string) bool) {
	t.Helper()
	for _, f := range ar.Files {
		if skip(f.Name) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func index(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// File compares got with the golden file at path, or writes it there with
// -update.
func File(t *testing.T, path, got string) {
	t.Helper()
	if *Update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
