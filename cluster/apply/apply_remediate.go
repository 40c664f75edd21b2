package apply

import (
	"context"
	"fmt"

	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

// Remediations, as helm-controller names them: each takes a release from a
// state an operation cannot start from, or that a failed operation left, to
// one the next operation (or the next run) can build on.

// recoverPending frees a release a dead run left pending (Recover): one
// stuck uninstalling is uninstalled without hooks, then installed afresh;
// one stuck in pending-install, -upgrade or -rollback is unlocked (marked
// failed), then upgraded or installed as its history allows. The caller
// holds the release's lease, so no live operation does. It returns the
// operation to run next.
func (e *executor) recoverPending(ctx context.Context, s *plan.Step, held leaseHeld, n *notes) (plan.Op, error) {
	o := s.Observed
	if o.Status == plan.StatusUninstalling {
		if err := e.rel.Uninstall(ctx, s.Namespace, s.Name, e.a.Timeout, true); err != nil {
			return "", fmt.Errorf("recover from %s: %w", o.Status, err)
		}
		n.add("recovered from %s: finished the uninstall without hooks", o.Status)
		return plan.OpInstall, nil
	}
	why := fmt.Sprintf("pono: recovered from %s left by %s", o.Status, shortHolder(held.Previous))
	was, err := e.rel.Unlock(ctx, s.Namespace, s.Name, why)
	if err != nil {
		return "", fmt.Errorf("recover from %s: %w", o.Status, err)
	}
	what := "no live operation held it"
	if held.Previous != "" {
		what = fmt.Sprintf("the lease of %s had expired", held.Previous)
	}
	n.add("recovered revision %d from %s (%s)", o.Revision, was, what)
	return s.Op(), nil
}

// removeFailedInstall uninstalls what a first install that never succeeded
// left (failed Jobs, half-created objects) before installing afresh, as
// Kaapana does.
func (e *executor) removeFailedInstall(ctx context.Context, s *plan.Step, op plan.Op, n *notes) error {
	o := s.Observed
	if op != plan.OpInstall || o == nil || o.Revision == 0 ||
		o.Status == plan.StatusUninstalled || o.Status == plan.StatusUninstalling {
		return nil
	}
	if err := e.rel.Uninstall(ctx, s.Namespace, s.Name, e.a.Timeout, false); err != nil {
		return fmt.Errorf("remove the failed install before installing again: %w", err)
	}
	n.add("removed failed revision %d", o.Revision)
	return nil
}

// remediate undoes what a failed attempt left, when it left a revision: a
// failed install is uninstalled (UninstallOnFailure), a failed upgrade is
// rolled back to the last good revision (RollbackOnFailure). A failing
// remediation is noted; the operation's error is what the step reports.
func (e *executor) remediate(ctx context.Context, s *plan.Step, op plan.Op, created bool, good int, n *notes) {
	a := e.a
	switch {
	case !created:
	case op == plan.OpInstall && a.UninstallOnFailure:
		if err := e.rel.Uninstall(ctx, s.Namespace, s.Name, a.Timeout, false); err != nil {
			n.add("uninstall after the failed install also failed: %v", err)
		} else {
			n.add("uninstalled after the failed install")
		}
	case op == plan.OpUpgrade && a.RollbackOnFailure && good > 0:
		err := e.rel.Rollback(ctx, helmsdk.RollbackRequest{
			Name: s.Name, Namespace: s.Namespace, Revision: good, Wait: a.Wait, Timeout: a.Timeout, MaxHistory: a.MaxHistory,
		})
		if err != nil {
			n.add("rollback to revision %d also failed: %v", good, err)
		} else {
			n.add("rolled back to revision %d", good)
		}
	}
}

// lastGood is the revision to roll back to if an upgrade fails: the
// deployed revision, else the newest earlier one that was deployed.
func lastGood(o *plan.Observed) int {
	switch {
	case o == nil:
		return 0
	case o.Status == plan.StatusDeployed:
		return o.Revision
	}
	return o.LastGood
}
