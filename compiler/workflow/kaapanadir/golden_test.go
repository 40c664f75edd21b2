package kaapanadir

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestGolden writes each testdata/*.txtar's files (all but want and
// want-import) into a directory, validates and imports it, and compares
// the findings (want) and the import's output or refusal (want-import).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no goldens")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			wantIdx := map[string]int{}
			for i, f := range ar.Files {
				if strings.HasPrefix(f.Name, "want") {
					wantIdx[f.Name] = i
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
			for name, g := range got {
				i, ok := wantIdx[name]
				if !ok {
					if *update {
						ar.Files = append(ar.Files, txtar.File{Name: name})
						i = len(ar.Files) - 1
						wantIdx[name] = i
					} else {
						t.Fatalf("the archive has no %s", name)
					}
				}
				if *update {
					ar.Files[i].Data = []byte(g)
					continue
				}
				if diff := cmp.Diff(string(ar.Files[i].Data), g); diff != "" {
					t.Errorf("%s (-want +got):\n%s", name, diff)
				}
			}
			if *update {
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
