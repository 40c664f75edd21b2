package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pono-gitops/pono/test/dockerd"
	"github.com/pono-gitops/pono/test/testenv"
)

// ponoWithEngine starts a private dockerd with the task-dummy example
// image (a static busybox) and builds the pono binary: what a user runs,
// signal handling included.
func ponoWithEngine(tb testing.TB) (*dockerd.Engine, string) {
	tb.Helper()
	testenv.NeedsServer(tb, "a private Docker engine")
	example, err := filepath.Abs("../../examples/task-dummy")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	engine, err := dockerd.Start(ctx)
	if err != nil {
		tb.Fatalf("private dockerd: %v", err)
	}
	tb.Cleanup(func() { engine.Stop() })
	engine.BuildImage(tb, example, "pono.local/task-dummy:latest")
	return engine, testenv.Pono(tb)
}

func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestWorkflowRunSIGTERM sends the pono process SIGTERM while two tasks
// run: it stops both containers, prints the table with them cancelled
// (and the task waiting for them never started), and exits 143; no
// container is left running.
func TestWorkflowRunSIGTERM(t *testing.T) {
	engine, bin := ponoWithEngine(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"p/platform.yaml": `name: sig
globals:
  kaapana_build_version: "0.1.0"
workflows:
  w:
    labels: {provider: pono, category: test}
    containers:
      tools: {image: "pono.local/task-dummy:latest", processing_container: {path: pc/tools.json}}
    tasks:
      a: {container: tools, template: sleep}
      b: {container: tools, template: sleep}
      c: {container: tools, template: sleep, after: [a, b]}
`,
		"p/pc/tools.json": `{"name": "tools", "description": "t", "templates": [{"identifier": "sleep", "description": "sleeps",
  "env": [], "inputs": [], "outputs": [], "command": ["sleep", "600"]}]}`,
	})
	cmd := exec.Command(bin, "workflow", "run", filepath.Join(dir, "p"), "w", "--run-dir", filepath.Join(dir, "run"), "--network", "none", "--grace", "1s")
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+engine.Host)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ps := func() []string {
		out, err := exec.Command("docker", "-H", engine.Host, "ps", "-q").CombinedOutput()
		if err != nil {
			t.Fatalf("docker ps: %v: %s", err, out)
		}
		return strings.Fields(string(out))
	}
	deadline := time.Now().Add(time.Minute)
	for len(ps()) < 2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the two tasks never ran; stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Errorf("exit = %v, want 143; stderr:\n%s", err, &stderr)
	}
	t.Logf("stopped in %s", time.Since(start).Round(time.Millisecond))
	for _, want := range []string{"task a cancelled", "task b cancelled", "task c cancelled: the run was stopped before the task started", "workflow w cancelled: 3 tasks: 3 cancelled"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, &stdout)
		}
	}
	if left := ps(); len(left) > 0 {
		t.Errorf("containers still running after SIGTERM: %v", left)
	}
}
