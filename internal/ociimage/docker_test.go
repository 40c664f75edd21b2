package ociimage_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/internal/ociimage"
	"github.com/pono-gitops/pono/test/dockerd"
)

// TestCheckDockerSave checks what a real Docker engine's `docker save`
// writes for the task-dummy processing container (built from scratch
// with busybox, whose --install links are absolute and fine): no
// problems, its tag, and the processing-container.json it was built with.
func TestCheckDockerSave(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local Docker engine")
	}
	e := dockerd.Shared(t)
	const tag = "pono.local/task-dummy:check"
	e.BuildImage(t, "../../examples/task-dummy", tag)
	out := filepath.Join(t.TempDir(), "dummy.tar")
	cmd := exec.Command("docker", "-H", e.Host, "save", "-o", out, tag)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker save: %v\n%s", err, b)
	}
	rep, err := ociimage.CheckArchive(out, ociimage.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 {
		t.Errorf("problems in a docker save archive: %q", rep.Problems)
	}
	if len(rep.Images) != 1 {
		t.Fatalf("%d images, want 1: %+v", len(rep.Images), rep.Images)
	}
	img := rep.Images[0]
	if d := cmp.Diff([]string{tag}, img.Tags); d != "" {
		t.Errorf("tags (-want +got):\n%s", d)
	}
	want, err := os.ReadFile("../../examples/task-dummy/processing-container.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(img.PC) != string(want) {
		t.Errorf("processing-container.json from the archive differs from the one built in")
	}
	t.Logf("%s archive, %d layers, platform %s", rep.Format, img.Layers, img.Platform)
}
