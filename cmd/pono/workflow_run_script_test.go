package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pono-gitops/pono/test/dockerd"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestWorkflowRunScript runs testdata/workflow-run-script: `pono workflow
// run|status|logs` against a private dockerd ($DOCKER_HOST) with the
// task-dummy example image (a static busybox) built; the workflows' own
// processing-container.json files give shell commands.
func TestWorkflowRunScript(t *testing.T) {
	testenv.NeedsServer(t, "a private Docker engine")
	example, err := filepath.Abs("../../examples/task-dummy")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	engine, err := dockerd.Start(ctx)
	if err != nil {
		t.Fatalf("private dockerd: %v", err)
	}
	t.Cleanup(func() { engine.Stop() })
	engine.BuildImage(t, example, "pono.local/task-dummy:latest")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/workflow-run-script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("DOCKER_HOST", engine.Host)
			env.Setenv("PONO_CACHE", env.WorkDir+"/.cache")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
		},
	})
}
