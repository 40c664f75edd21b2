package ui

import (
	"testing"

	"github.com/pono-gitops/pono/internal/graphsvg/graphsvgtest"
)

// TestMain builds the pono-graphviz helper that graph.svg runs.
func TestMain(m *testing.M) { graphsvgtest.Main(m) }
