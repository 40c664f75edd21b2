// Package graphsvgtest builds the pono-graphviz helper for tests that lay
// out graphs, since a test binary has no helper beside it.
package graphsvgtest

import (
	"fmt"
	"os"
	"testing"

	"github.com/pono-gitops/pono/internal/graphsvg"
	"github.com/pono-gitops/pono/test/testenv"
)

// Path builds cmd/pono-graphviz once per test process and returns it.
func Path() (string, error) {
	return testenv.GoBinary("github.com/pono-gitops/pono/cmd/pono-graphviz")
}

// Setenv builds the helper and names it in $PONO_GRAPHVIZ for the rest of
// the process (call it from TestMain, before any test runs in parallel).
func Setenv() error {
	p, err := Path()
	if err != nil {
		return err
	}
	return os.Setenv(graphsvg.HelperEnv, p)
}

// Main is a TestMain for packages whose tests lay out graphs: Setenv, then
// the tests.
func Main(m *testing.M) {
	if err := Setenv(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
