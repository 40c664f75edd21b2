package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/plan"
)

// apply -o json prints the documented, versioned shape: kind, version,
// counts by outcome and one entry per release, removals and waits of a
// dry run included.
func TestApplyJSONShape(t *testing.T) {
	rep := &apply.Report{Platform: "demo", DryRun: true, Duration: 1234 * time.Millisecond,
		Plan: &plan.Plan{Platform: "demo", Steps: []plan.Step{
			{Name: "web", Namespace: "services", Action: plan.Install, After: []string{"db"}, Desired: &plan.Desired{}},
			{Name: "old", Namespace: "services", Action: plan.Uninstall},
		}},
		Results: []apply.ReleaseResult{
			{Name: "web", Namespace: "services", Action: plan.Install, Reason: "new", Outcome: plan.OutcomePlanned, Wave: 1},
			{Name: "old", Namespace: "services", Action: plan.Uninstall, Reason: "not in the platform", Outcome: plan.OutcomePlanned},
		}}
	var b bytes.Buffer
	if _, err := writeStructured(&b, "json", applyView(rep)); err != nil {
		t.Fatal(err)
	}
	want := `{
  "kind": "ApplyReport",
  "version": 1,
  "platform": "demo",
  "dryRun": true,
  "duration": "1.23s",
  "counts": {
    "planned": 2
  },
  "releases": [
    {
      "name": "web",
      "namespace": "services",
      "action": "install",
      "reason": "new",
      "outcome": "planned",
      "duration": "0s",
      "wave": 1,
      "after": [
        "db"
      ]
    },
    {
      "name": "old",
      "namespace": "services",
      "action": "uninstall",
      "reason": "not in the platform",
      "outcome": "planned",
      "duration": "0s",
      "wave": 0,
      "removal": true
    }
  ]
}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("apply -o json (-want +got):\n%s", diff)
	}
}
