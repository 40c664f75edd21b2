package taskapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kaapanaDir holds Kaapana's own files, beside the repository (CI clones the
// repository with shared/ next to it).
const kaapanaDir = "../../../shared/kaapana"

func kaapanaFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(kaapanaDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Kaapana reference file missing (shared/ must be beside the repository): %v", err)
	}
	return p
}

// taskEnv is what Kaapana's example task files expect in the environment.
var taskEnv = map[string]string{
	"registryUrl":      "registry.example.org/kaapana",
	"output_dir":       "/data/out",
	"namespace":        "project-admin",
	"registryUsername": "kaapana",
	"registryPassword": "s3cret",
}

func lookupMap(m map[string]string) LookupFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestConformanceKaapanaFiles(t *testing.T) {
	tests := []struct {
		file string
		kind Kind
		pc   string // processing-container the task's taskTemplate is checked against
	}{
		{file: "task_api-dummy__processing-container.json", kind: KindProcessingContainer},
		{file: "dummy-workflow-dummy__processing-container.json", kind: KindProcessingContainer},
		{file: "kaapana-plugin-dummy-task__processing-container.json", kind: KindProcessingContainer},
		{file: "kaapana-plugin-get-input__processing-container.json", kind: KindProcessingContainer},
		{file: "registration-download__processing-container.json", kind: KindProcessingContainer},
		{file: "registration-mitk-tools__processing-container.json", kind: KindProcessingContainer},
		{file: "registration-nrrd-to-dicom__processing-container.json", kind: KindProcessingContainer},
		{file: "registration-send-dicoms__processing-container.json", kind: KindProcessingContainer},
		{file: "task_api-dummy__upstream-task.json", kind: KindTask, pc: "task_api-dummy__processing-container.json"},
		{file: "task_api-dummy__downstream-task.json", kind: KindTask, pc: "task_api-dummy__processing-container.json"},
		{file: "dummy-workflow-dummy__upstream-task.json", kind: KindTask, pc: "dummy-workflow-dummy__processing-container.json"},
		{file: "dummy-workflow-dummy__downstream-task.json", kind: KindTask, pc: "dummy-workflow-dummy__processing-container.json"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := ValidateOptions{Lookup: lookupMap(taskEnv), Strict: true}
			if tt.pc != "" {
				src, err := os.ReadFile(kaapanaFile(t, tt.pc))
				if err != nil {
					t.Fatal(err)
				}
				pc, _, err := LoadProcessingContainer(tt.pc, src, ValidateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				opts.ProcessingContainer = pc
			}
			// No --schema: the kind is guessed. Strict, except for the legacy
			// env fields, which the schema declares.
			r, err := ValidateFile(kaapanaFile(t, tt.file), opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind != tt.kind {
				t.Errorf("kind = %q, want %q", r.Kind, tt.kind)
			}
			if len(r.Diagnostics) > 0 {
				t.Errorf("diagnostics for a valid Kaapana file:\n%s", diagLines(r))
			}
		})
	}
}

// Kaapana's task files without their environment: every placeholder names
// its variable.
func TestConformanceTaskNeedsEnv(t *testing.T) {
	r, err := ValidateFile(kaapanaFile(t, "task_api-dummy__downstream-task.json"), ValidateOptions{
		Lookup: lookupMap(map[string]string{"output_dir": "/out"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Valid() {
		t.Fatal("valid without registryUrl, namespace, registryUsername, registryPassword")
	}
	got := diagLines(r)
	for _, v := range []string{"registryUrl", "namespace", "registryUsername", "registryPassword"} {
		if !strings.Contains(got, "environment variable "+v+" is not set") {
			t.Errorf("no error naming %s in:\n%s", v, got)
		}
	}
}

func diagLines(r *Report) string {
	var b strings.Builder
	for _, d := range r.Diagnostics {
		d.File = filepath.Base(d.File)
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}
