package kaapanadir

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestGolden writes each testdata/*.txtar's files (all but want and
// want-import) into a directory, validates and imports it, and compares
// the findings (want) and the import's output or refusal (want-import).
func TestGolden(t *testing.T) {
	goldentest.Run(t, "testdata/*.txtar", func(t *testing.T, ar *txtar.Archive) map[string]string {
		dir := t.TempDir()
		goldentest.WriteFiles(t, ar, dir, func(name string) bool { return strings.HasPrefix(name, "want") })
		got := map[string]string{}
		opts := Options{Dir: dir, Display: "wf"}
		res, err := Validate(opts)
		if err != nil {
			got["want"] = "error: " + err.Error() + "\n"
		} else {
			got["want"] = lines(res.Diagnostics.Sorted())
		}
		out, _, err := Import(ImportOptions{Options: opts, Prefix: "workflows/wf"})
		if err != nil {
			got["want-import"] = "refused: " + err.Error() + "\n"
		} else {
			got["want-import"] = string(out)
		}
		return got
	})
}
