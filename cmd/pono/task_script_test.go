package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/dockerd"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestTaskScript runs the `pono task` scripts in testdata/task-script. They
// get $KAAPANA (Kaapana's reference files beside the repository), $EXAMPLE
// (examples/task-dummy) and, for the run scripts, $DOCKER_HOST of a private
// dockerd with the task-dummy image built. `exits CODE cmd args...` checks
// an exact exit status.
func TestTaskScript(t *testing.T) {
	testenv.NeedsServer(t, "a private Docker engine")
	kaapana, err := filepath.Abs("../../../shared/kaapana")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(kaapana); err != nil {
		t.Fatalf("Kaapana reference files missing (shared/ must be beside the repository): %v", err)
	}
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
		Dir:                 "testdata/task-script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("KAAPANA", kaapana)
			env.Setenv("EXAMPLE", example)
			env.Setenv("DOCKER_HOST", engine.Host)
			env.Setenv("PONO_CACHE", env.WorkDir+"/.cache")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
		},
	})
}

// exitsCmd runs a command and requires an exact exit status; its stdout
// and stderr become the script's.
func exitsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	// A custom command's output is what it writes to ts.Stdout/ts.Stderr.
	stdout, stderr := ts.ReadFile("stdout"), ts.ReadFile("stderr")
	fmt.Fprint(ts.Stdout(), stdout)
	fmt.Fprint(ts.Stderr(), stderr)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// TestTaskK8sScript runs testdata/task-k8s-script against a local
// kube-apiserver with kwok nodes (test/cluster), with $KUBECONFIG pointing
// at it: pods are created, scheduled and "run" there, but kwok runs no
// containers, so these scripts cover what the API server can show.
func TestTaskK8sScript(t *testing.T) {
	testenv.NeedsServer(t, "a local cluster")
	kaapana, err := filepath.Abs("../../../shared/kaapana")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(kaapana); err != nil {
		t.Fatalf("Kaapana reference files missing (shared/ must be beside the repository): %v", err)
	}
	c, err := cluster.Start(t.Context(), cluster.Options{})
	if err != nil {
		t.Fatalf("local cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	if err := c.CreateNamespace(t.Context(), "project-admin"); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/task-k8s-script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("KAAPANA", kaapana)
			env.Setenv("KUBECONFIG", c.Kubeconfig)
			env.Setenv("PONO_CACHE", env.WorkDir+"/.cache")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exitsCmd,
		},
	})
}
