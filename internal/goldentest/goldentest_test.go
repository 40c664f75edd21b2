package goldentest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// TestRunExactUpdate rewrites an archive with -update: a produced section
// is set, a missing one added, a stale one under the prefix dropped, the
// inputs kept in place; the rewritten archive then passes without -update.
func TestRunExactUpdate(t *testing.T) {
	file := filepath.Join(t.TempDir(), "case.txtar")
	in := "-- input --\nx\n-- out/a --\nold\n-- out/stale --\ngone\n-- notes --\nkept\n"
	if err := os.WriteFile(file, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, ar *txtar.Archive) map[string]string {
		in, _ := Section(ar, "input")
		return map[string]string{"out/a": "new " + string(in), "out/b": "added\n"}
	}
	saved := *Update
	*Update = true
	RunExact(t, file, "out/", check)
	*Update = saved

	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := "-- input --\nx\n-- out/a --\nnew x\n-- notes --\nkept\n-- out/b --\nadded\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("rewritten archive (-want +got):\n%s", diff)
	}
	RunExact(t, file, "out/", check)
}
