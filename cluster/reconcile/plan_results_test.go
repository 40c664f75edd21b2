package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/plan"
)

// A cycle that only reports gives each step the outcome apply's dry run
// gives it (plan.Step.Unexecuted), drift corrections included.
func TestPlanResultsUseThePlanVocabulary(t *testing.T) {
	p := &plan.Plan{Steps: []plan.Step{
		{Name: "a", Namespace: "n", Action: plan.Skip, Reason: "up to date"},
		{Name: "b", Namespace: "n", Action: plan.Skip, Reason: "up to date"},
		{Name: "c", Namespace: "n", Action: plan.Install, Reason: "not installed"},
		{Name: "d", Namespace: "n", Action: plan.Keep, Reason: "no longer in the platform (prune disabled)"},
		{Name: "e", Namespace: "n", Action: plan.Conflict, Reason: "release n/e exists and is not managed by pono"},
	}}
	p.Correct(map[string]string{"n/b": "drift: Deployment/n/b: spec.replicas"})
	want := []ReleaseRecord{
		{Name: "a", Namespace: "n", Action: "skip", Reason: "up to date", Outcome: "unchanged"},
		{Name: "b", Namespace: "n", Action: "correct", Reason: "drift: Deployment/n/b: spec.replicas", Outcome: "planned"},
		{Name: "c", Namespace: "n", Action: "install", Reason: "not installed", Outcome: "planned"},
		{Name: "d", Namespace: "n", Action: "keep", Reason: "no longer in the platform (prune disabled)", Outcome: "kept"},
		{Name: "e", Namespace: "n", Action: "conflict", Reason: "release n/e exists and is not managed by pono", Outcome: "failed",
			Error: "release n/e exists and is not managed by pono; pono never changes it (rename the extension or remove that release)"},
	}
	if diff := cmp.Diff(want, planResults(p)); diff != "" {
		t.Errorf("planResults (-want +got):\n%s", diff)
	}
}
