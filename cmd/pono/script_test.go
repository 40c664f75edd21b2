package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pono-gitops/pono/internal/graphsvg"
	"github.com/pono-gitops/pono/internal/graphsvg/graphsvgtest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pono": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI end to end: testdata/script/*.txtar.
// UPDATE_SCRIPTS=1 rewrites cmp golden sections.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PONO_CACHE", env.WorkDir+"/.cache")
			// workflow graph -o svg runs the helper; the test binary has none beside it.
			helper, err := graphsvgtest.Path()
			if err != nil {
				return err
			}
			env.Setenv(graphsvg.HelperEnv, helper)
			return nil
		},
	})
}
