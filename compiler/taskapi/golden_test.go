package taskapi

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestValidateGolden runs each testdata/validate/*.txtar: the archive's
// comment holds options (kind:, strict:, env: NAME=value ...), input.json is
// validated (against pc.json when present) and the diagnostics must equal
// the "want" section.
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/validate/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			opts := ValidateOptions{}
			env := map[string]string{}
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				k, v, _ := strings.Cut(line, ":")
				v = strings.TrimSpace(v)
				switch strings.TrimSpace(k) {
				case "kind":
					opts.Kind = Kind(v)
				case "strict":
					opts.Strict = v == "true"
				case "env":
					for _, kv := range strings.Fields(v) {
						name, val, _ := strings.Cut(kv, "=")
						env[name] = val
					}
				}
			}
			opts.Lookup = lookupMap(env)
			var input []byte
			wantIdx := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "input.json":
					input = f.Data
				case "pc.json":
					pc, _, err := LoadProcessingContainer("pc.json", f.Data, ValidateOptions{})
					if err != nil {
						t.Fatal(err)
					}
					opts.ProcessingContainer = pc
				case "want":
					wantIdx = i
				}
			}
			r, _ := Validate("input.json", input, opts)
			var b strings.Builder
			for _, d := range r.Diagnostics {
				b.WriteString(d.String() + "\n")
			}
			fmt.Fprintf(&b, "valid: %v\n", r.Valid())
			got := b.String()
			if *update {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantIdx < 0 {
				t.Fatal("no want section (run with -update)")
			}
			if diff := cmp.Diff(string(ar.Files[wantIdx].Data), got); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
