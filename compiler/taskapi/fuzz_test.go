package taskapi

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// internals are what a user must never see in a message: Go type names,
// decoder and CUE wording, stack traces.
var internals = regexp.MustCompile(`interface \{\}|map\[string\]|\[\]string|taskapi\.|json: |Go value|reflect\.|empty disjunction|goroutine \d|panic|runtime\.|\.go:\d`)

// fuzzBudget bounds one validation; real files take milliseconds.
const fuzzBudget = 2 * time.Second

// FuzzValidate: whatever the input, validation returns a report in bounded
// time; a document is refused exactly when the report has an error; every diagnostic has
// a message in the document's terms (no Go types, no CUE internals, no
// stack trace) and names the file.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(kaapanaDir, "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{"name": "{{ env.X }}", "image": 1, "taskTemplate": {"identifier": []}}`,
		"", "null", "\xef\xbb\xbf{}", "name: x\nimage: y\n",
		`{"name": "t", "image": "i", "taskTemplate": "x", "templates": []}`,
		`{"name": "a", "name": "b", "image": "i", "taskTemplate": "x", "resources": {"limits": {"memory": "Gi", "cpu": 1e100}}}`,
		`{"name": "___", "image": "i", "taskTemplate": {"identifier": "x", "description": "", "inputs": [], "outputs": [], "env": [{"name": "A", "value": "1", "choices": [1, 2]}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, kind := range []Kind{"", KindTask, KindProcessingContainer} {
			start := time.Now()
			r, v := Validate("fuzz.json", src, ValidateOptions{Kind: kind, Lookup: lookupMap(taskEnv)})
			if d := time.Since(start); d > fuzzBudget {
				t.Errorf("kind %q: validation took %s (budget %s)", kind, d, fuzzBudget)
			}
			if r == nil {
				t.Fatal("nil report")
			}
			if (v == nil) == r.Valid() {
				t.Errorf("kind %q: value %v but report valid = %v", kind, v != nil, r.Valid())
			}
			for _, d := range r.Diagnostics {
				if d.Message == "" {
					t.Errorf("kind %q: empty message: %+v", kind, d)
				}
				if d.File != "fuzz.json" {
					t.Errorf("kind %q: diagnostic does not name the file: %+v", kind, d)
				}
				if m := internals.FindString(d.Message); m != "" {
					t.Errorf("kind %q: message shows internals (%q): %s", kind, m, d.Message)
				}
			}
		}
	})
}
