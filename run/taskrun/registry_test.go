package taskrun_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/pono-gitops/pono/test/ociimages"
	"github.com/pono-gitops/pono/test/registry"
)

// TestPrepareFromRegistry: the template comes from the image's
// /processing-container.json read from the registry; on Kubernetes no
// extract pod is started (the kubeconfig here leads nowhere).
func TestPrepareFromRegistry(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local registry")
	}
	reg := registry.Start(t)
	image := reg.Addr + "/kaapana/task-pc:0.6.0"
	pc := `{"name": "pc", "description": "d", "templates": [{"identifier": "echo", "description": "d", "command": ["echo", "hi"], "env": [{"name": "GREETING", "value": "hello"}], "inputs": [], "outputs": []}]}`
	ociimages.Push(t, ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": pc})), image)
	dir := t.TempDir()
	task := filepath.Join(dir, "task.json")
	if err := os.WriteFile(task, []byte(`{"name": "t", "image": "`+image+`", "taskTemplate": "echo"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := taskrun.New(taskrun.Config{Mode: taskrun.ModeK8s, Kubeconfig: filepath.Join(dir, "no-kubeconfig")})
	defer r.Close()
	plan, err := r.Prepare(context.Background(), task, taskrun.PrepareOptions{FromRegistry: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Instance.Command; len(got) != 2 || got[0] != "echo" {
		t.Errorf("command %q, want the template's", got)
	}
	if env := plan.Instance.Env; len(env) != 1 || env[0].Name != "GREETING" || env[0].Value != "hello" {
		t.Errorf("env %+v, want the template's GREETING", env)
	}
	_, err = r.Prepare(context.Background(), task, taskrun.PrepareOptions{})
	if err == nil {
		t.Error("without --from-registry the extract pod needs a cluster, and there is none")
	}
}
