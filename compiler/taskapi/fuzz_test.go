package taskapi

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzValidate: no input makes validation panic (bad input is always a
// report, never a stack trace).
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(kaapanaDir, "*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"name": "{{ env.X }}", "image": 1, "taskTemplate": {"identifier": []}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, kind := range []Kind{"", KindTask, KindProcessingContainer} {
			r, _ := Validate("fuzz.json", src, ValidateOptions{Kind: kind, Lookup: lookupMap(taskEnv)})
			if r == nil {
				t.Fatal("nil report")
			}
		}
	})
}
