package workflow

import (
	"os/exec"
	"testing"
)

// runPython parses file with python3's ast, as Airflow's DAG processor
// would before importing it.
func runPython(t *testing.T, file string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the generated DAG cannot be parsed here")
	}
	out, err := exec.Command(py, "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", file).CombinedOutput()
	if err != nil {
		t.Errorf("python3 cannot parse the generated DAG %s: %v\n%s", file, err, out)
	}
}
