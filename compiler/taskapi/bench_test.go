package taskapi

import (
	"os"
	"testing"
)

// BenchmarkValidateTask measures a full validation of Kaapana's downstream
// task against its processing-container: placeholders, schema (compiled
// from the embedded CUE each time, one cue.Context per run) and checks.
func BenchmarkValidateTask(b *testing.B) {
	pcSrc, err := os.ReadFile(kaapanaDir + "/task_api-dummy__processing-container.json")
	if err != nil {
		b.Fatal(err)
	}
	pc, _, err := LoadProcessingContainer("pc.json", pcSrc, ValidateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(kaapanaDir + "/task_api-dummy__downstream-task.json")
	if err != nil {
		b.Fatal(err)
	}
	opts := ValidateOptions{Lookup: lookupMap(taskEnv), ProcessingContainer: pc}
	for b.Loop() {
		if r, _ := Validate("task.json", src, opts); !r.Valid() {
			b.Fatal(diagLines(r))
		}
	}
}
