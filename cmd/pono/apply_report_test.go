package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pono-gitops/pono/cluster/apply"
)

// The apply table shows the cause of a failed release, not the first
// line of Helm's multierror ("1 error occurred:").
func TestApplyReportShowsHelmCause(t *testing.T) {
	rep := &apply.Report{Platform: "demo", Results: []apply.ReleaseResult{{
		Name: "web", Namespace: "services", Action: "install", Outcome: apply.OutcomeFailed,
		Error:    "1 error occurred:\n\t* Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n\n",
		Duration: time.Second,
	}}}
	var b bytes.Buffer
	printApplyReport(&b, rep)
	row := strings.Split(b.String(), "\n")[1]
	want := `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`
	if !strings.HasSuffix(row, want) {
		t.Errorf("row = %q\nwant it to end with the cause %q", row, want)
	}
	if strings.Contains(b.String(), "error occurred") {
		t.Errorf("table still shows the multierror header:\n%s", b.String())
	}
}
