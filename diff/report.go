// Package diff explains what a platform change will do, release first:
// releases added, removed, upgraded, reconfigured (with the values that
// changed, by path) and unchanged, then each changed release's rendered
// objects as unified diffs. Release actions come from plan, the
// planner `pono apply` uses, so what reviewers read is what apply does.
// Secret contents and values the platform marks sensitive never appear.
package diff

import (
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/plan"
)

// Change kinds at release level (plan.Change: the planner files each
// action under one of them, for both modes).
const (
	ChangeAdded        = string(plan.ChangeAdded)
	ChangeRemoved      = string(plan.ChangeRemoved)
	ChangeUpgraded     = string(plan.ChangeUpgraded)
	ChangeReconfigured = string(plan.ChangeReconfigured)
	ChangeConflict     = string(plan.ChangeConflict)
	// ChangeDrifted is a release whose state differs from its inputs': failed,
	// pending, or its objects changed out of band.
	ChangeDrifted = string(plan.ChangeDrifted)
)

// Report is a complete, reviewable plan.
type Report struct {
	Platform string `json:"platform"`
	// Base and Head describe what was compared (revisions, "working tree",
	// "cluster").
	Base string `json:"base"`
	Head string `json:"head"`
	// Summary counts releases by change.
	Summary Summary `json:"summary"`
	// Releases lists every changed release, in plan order.
	Releases []ReleaseChange `json:"releases"`
	// Lock lists lock-file changes between the two sides.
	Lock []string `json:"lock,omitempty"`
}

// Summary counts releases per change kind.
type Summary struct {
	Added        int `json:"added"`
	Removed      int `json:"removed"`
	Upgraded     int `json:"upgraded"`
	Reconfigured int `json:"reconfigured"`
	Drifted      int `json:"drifted,omitempty"`
	Conflicts    int `json:"conflicts,omitempty"`
	Unchanged    int `json:"unchanged"`
}

// HasChanges reports whether applying would change anything.
func (r *Report) HasChanges() bool {
	s := r.Summary
	return s.Added+s.Removed+s.Upgraded+s.Reconfigured+s.Drifted+s.Conflicts > 0
}

// ReleaseChange is one changed release.
type ReleaseChange struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Extension string `json:"extension,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Change    string `json:"change"`
	// Layer says where a live difference comes from: git, cluster
	// (drift) or release (missing, failed, pending). Empty in git mode.
	Layer string `json:"layer,omitempty"`
	// Action is what `pono apply` will do (plan.Action).
	Action string `json:"action"`
	Reason string `json:"reason"`
	// ChartFrom / ChartTo are "name version" with a short digest.
	ChartFrom string `json:"chartFrom,omitempty"`
	ChartTo   string `json:"chartTo,omitempty"`
	// Workflow is set for a workflow's release: the change in the
	// workflow's terms, before the values and objects.
	Workflow *WorkflowChange `json:"workflow,omitempty"`
	Values   []ValueChange   `json:"values,omitempty"`
	Objects  []ObjectDiff    `json:"objects,omitempty"`
}

// ValueChange is one value path that changed.
type ValueChange struct {
	Path   string `json:"path"`
	Change string `json:"change"` // added, removed, changed
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// ObjectDiff is one rendered object that changed.
type ObjectDiff struct {
	// ID is kind/namespace/name, "hook " prefixed for hooks.
	ID     string `json:"id"`
	Change string `json:"change"` // added, removed, changed
	// SecretKeys lists changed keys of a Secret, whose values are hidden.
	SecretKeys []string `json:"secretKeys,omitempty"`
	// Diff is a unified diff of the object, secrets masked.
	Diff string `json:"diff,omitempty"`
	// Field names a drifted field (live mode).
	Field string `json:"field,omitempty"`
}

// Compare builds the report for moving from base to head, planned with
// the shared planner.
func Compare(base, head *compiler.Result, baseName, headName string) (*Report, error) {
	desired, err := plan.DesiredFrom(head)
	if err != nil {
		return nil, err
	}
	observed, err := plan.ObservedFrom(base)
	if err != nil {
		return nil, err
	}
	p := plan.Compute(plan.Input{Platform: head.Platform.Name, Desired: desired, Observed: observed, Prune: true})
	r := &Report{Platform: head.Platform.Name, Base: baseName, Head: headName}
	masker := newMasker(base, head)
	for _, step := range p.Steps {
		oldRel, hasOld := base.Release(step.Name)
		newRel, hasNew := head.Release(step.Name)
		rc := ReleaseChange{Name: step.Name, Namespace: step.Namespace, Action: string(step.Action), Reason: step.Reason}
		rc.Change = string(step.Action.Change())
		switch step.Action.Change() {
		case plan.ChangeNone:
			r.Summary.Unchanged++
			continue
		case plan.ChangeAdded:
			r.Summary.Added++
		case plan.ChangeRemoved:
			r.Summary.Removed++
		case plan.ChangeUpgraded:
			r.Summary.Upgraded++
		case plan.ChangeConflict:
			r.Summary.Conflicts++
		case plan.ChangeDrifted:
			r.Summary.Drifted++
		case plan.ChangeReconfigured:
			if hasOld && hasNew && oldRel.Chart.Digest != newRel.Chart.Digest {
				// Same version, other chart content: a republished or
				// edited chart is an upgrade to review.
				rc.Change = ChangeUpgraded
				rc.Reason = "chart content changed (digest)"
				r.Summary.Upgraded++
			} else {
				r.Summary.Reconfigured++
			}
		}
		if hasOld {
			rc.Extension, rc.Instance, rc.ChartFrom = oldRel.Extension, oldRel.Instance, ChartLabel(oldRel.Chart)
		}
		if hasNew {
			rc.Extension, rc.Instance, rc.ChartTo = newRel.Extension, newRel.Instance, ChartLabel(newRel.Chart)
		}
		var oldVals, newVals map[string]any
		if hasOld {
			oldVals = oldRel.Values
		}
		if hasNew {
			newVals = newRel.Values
		}
		if rc.Workflow = workflowChange(base, head, step.Name, masker); rc.Workflow != nil && !rc.Workflow.Empty() && hasOld && hasNew {
			rc.Reason = "workflow changed: " + rc.Workflow.Summary()
		}
		if rc.Change != ChangeRemoved {
			// A removed release's values are all in its removed objects.
			rc.Values = valueChanges(oldVals, newVals, masker)
		}
		objs, err := ObjectDiffs(base.Manifests[step.Name], head.Manifests[step.Name], masker)
		if err != nil {
			return nil, err
		}
		rc.Objects = objs
		r.Releases = append(r.Releases, rc)
	}
	return r, nil
}

// ChartLabel is how a report names a chart: name, version and short digest.
func ChartLabel(c compiler.ChartRef) string {
	d := c.Digest
	if len(d) > 19 {
		d = d[7:19]
	}
	return c.Name + " " + c.Version + " (" + d + ")"
}
