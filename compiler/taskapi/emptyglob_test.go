package taskapi

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// With --strict, a scale rule matching no file in an existing input
// directory is a warning; a matching rule, or a directory that does not
// exist yet (an upstream's output), is not.
func TestValidateStrictEmptyGlob(t *testing.T) {
	empty, full := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(full, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "sub", "a.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := fmt.Sprintf(`{"name": "t", "image": "img",
 "taskTemplate": {"identifier": "x", "description": "d", "outputs": [], "env": [], "inputs": [
   {"name": "a", "mounted_path": "/a", "scale_rule": {"scale_factor": 2, "type": "limit", "mode": "sum", "target_glob": "*.dcm"}},
   {"name": "b", "mounted_path": "/b", "scale_rule": {"scale_factor": 2, "type": "limit", "mode": "sum", "target_glob": "sub/*.txt"}},
   {"name": "c", "mounted_path": "/c", "scale_rule": {"scale_factor": 2, "type": "limit", "mode": "sum"}}]},
 "inputs": [{"name": "a", "volume_source": {"host_path": %q}},
            {"name": "b", "volume_source": {"host_path": %q}},
            {"name": "c", "volume_source": {"host_path": %q}}]}`, empty, full, filepath.Join(empty, "not-yet"))
	r, _ := Validate("t.json", []byte(src), ValidateOptions{Strict: true})
	want := fmt.Sprintf(`t.json:6:45: warning: inputs[0].volume_source.host_path: the scale rule of input "a" (target_dir "", target_glob "*.dcm", target_regex ".*") matches no file in %s: it adds no memory`+"\n", empty)
	if got := diagLines(r); got != want {
		t.Errorf("strict diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if r, _ := Validate("t.json", []byte(src), ValidateOptions{}); len(r.Diagnostics) != 0 {
		t.Errorf("without --strict: %s", diagLines(r))
	}
}
