package pydag

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestReadsPonosGeneratedDAG reads the DAG compiler/workflow generates for
// its complete example (every argument pono writes): the reader reads it
// whole, and what it reads is the example's workflow.
func TestReadsPonosGeneratedDAG(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "example", "want", "workflows", "organ-report", "workflow_definition.py"))
	if err != nil {
		t.Fatal(err)
	}
	d := Read(src)
	if !d.Readable() || len(d.Problems) > 0 {
		t.Errorf("problems reading pono's own DAG:\n%s", render(&DAG{Problems: d.Problems}))
	}
	goldentest.File(t, filepath.Join("testdata", "generated_organ_report.want"), render(d))
}
