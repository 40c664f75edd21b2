package taskrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// A run record is printed by `pono task status -o json` and kept beside
// the run: the registry password the run pulled with never goes into it.
func TestWriteRecordDropsTheRegistryPassword(t *testing.T) {
	rec := &Record{Kind: RecordKind, Version: RecordVersion, ID: "c1", Mode: ModeDocker,
		Task: taskapi.Instance{Name: "t", Config: taskapi.Config{
			RegistryURL: "registry.example", RegistryUsername: "robot", RegistryPassword: "pl4nted-pw"}}}
	path := filepath.Join(t.TempDir(), "task_run-c1.json")
	if err := WriteRecord(path, rec); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "pl4nted-pw") {
		t.Errorf("the record file holds the registry password:\n%s", b)
	}
	if rec.Task.Config.RegistryPassword != "pl4nted-pw" {
		t.Errorf("WriteRecord changed the caller's record")
	}
	back, err := ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Task.Config.RegistryUsername; got != "robot" {
		t.Errorf("registry user = %q, want robot", got)
	}
}
