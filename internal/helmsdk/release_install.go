package helmsdk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/pono-gitops/pono/internal/values"
)

// ReleaseRequest is one install or upgrade.
type ReleaseRequest struct {
	Name      string
	Namespace string
	Chart     *Chart
	Values    map[string]any
	// Labels are stored on the release (and its Secret). On upgrade, a
	// label whose value is "null" is removed, as in Helm.
	Labels map[string]string
	// Wait waits until the release's workloads are ready and its Jobs
	// complete, within Timeout, before the release is marked deployed.
	Wait    bool
	Timeout time.Duration
	// Description is recorded on the release.
	Description string
	// MaxHistory caps the revisions Helm keeps of the release (0:
	// unlimited).
	MaxHistory int
}

// RollbackRequest is one rollback.
type RollbackRequest struct {
	Name      string
	Namespace string
	// Revision is the revision to return to (0: the previous one).
	Revision int
	// Wait waits for readiness within Timeout.
	Wait       bool
	Timeout    time.Duration
	MaxHistory int
}

// Revision is what an action left in Helm's storage.
type Revision struct {
	Name      string
	Namespace string
	Revision  int
	Status    string
}

func revisionOf(r *release.Release) *Revision {
	if r == nil {
		return nil
	}
	return &Revision{Name: r.Name, Namespace: r.Namespace, Revision: r.Version, Status: r.Info.Status.String()}
}

// Install installs a release. An existing release of the same name that
// failed or was uninstalled (with history kept) is replaced.
func (c *Client) Install(ctx context.Context, req ReleaseRequest) (*Revision, error) {
	o, err := c.newOp(ctx, req.Namespace, req.MaxHistory)
	if err != nil {
		return nil, err
	}
	in := action.NewInstall(o.cfg)
	in.ReleaseName = req.Name
	in.Namespace = req.Namespace
	in.Labels = req.Labels
	in.Wait = req.Wait
	in.WaitForJobs = req.Wait
	in.Timeout = req.Timeout
	in.Replace = true
	in.Description = req.Description
	rel, err := in.RunWithContext(ctx, req.Chart.HelmCopy(), values.Copy(req.Values))
	if err != nil {
		return revisionOf(rel), fmt.Errorf("install %s/%s: %w", req.Namespace, req.Name, err)
	}
	return revisionOf(rel), nil
}

// Upgrade upgrades an existing release to the chart and values of req
// (values replace the previous ones; nothing is reused).
func (c *Client) Upgrade(ctx context.Context, req ReleaseRequest) (*Revision, error) {
	o, err := c.newOp(ctx, req.Namespace, req.MaxHistory)
	if err != nil {
		return nil, err
	}
	up := action.NewUpgrade(o.cfg)
	up.Namespace = req.Namespace
	up.Labels = req.Labels
	up.Wait = req.Wait
	up.WaitForJobs = req.Wait
	up.Timeout = req.Timeout
	up.MaxHistory = req.MaxHistory
	up.ResetValues = true
	up.Description = req.Description
	rel, err := up.RunWithContext(ctx, req.Name, req.Chart.HelmCopy(), values.Copy(req.Values))
	if err != nil {
		return revisionOf(rel), fmt.Errorf("upgrade %s/%s: %w", req.Namespace, req.Name, err)
	}
	return revisionOf(rel), nil
}

// Rollback rolls a release back to req.Revision.
func (c *Client) Rollback(ctx context.Context, req RollbackRequest) error {
	o, err := c.newOp(ctx, req.Namespace, req.MaxHistory)
	if err != nil {
		return err
	}
	rb := action.NewRollback(o.cfg)
	rb.Version = req.Revision
	rb.Wait = req.Wait
	rb.WaitForJobs = req.Wait
	rb.Timeout = req.Timeout
	rb.MaxHistory = req.MaxHistory
	if err := rb.Run(req.Name); err != nil {
		return fmt.Errorf("rollback %s/%s to revision %d: %w", req.Namespace, req.Name, req.Revision, err)
	}
	return nil
}

// Uninstall removes a release and its resources, and its history.
// disableHooks skips delete hooks (for releases stuck uninstalling).
func (c *Client) Uninstall(ctx context.Context, namespace, name string, timeout time.Duration, disableHooks bool) error {
	o, err := c.newOp(ctx, namespace, 0)
	if err != nil {
		return err
	}
	un := action.NewUninstall(o.cfg)
	un.Timeout = timeout
	un.IgnoreNotFound = true
	un.DisableHooks = disableHooks
	if _, err := un.Run(name); err != nil {
		if errors.Is(err, driver.ErrReleaseNotFound) {
			return nil
		}
		return fmt.Errorf("uninstall %s/%s: %w", namespace, name, err)
	}
	return nil
}

// Unlock marks a release stuck in pending-install, pending-upgrade or
// pending-rollback as failed, so the next install or upgrade can proceed
// (what Flux's helm-controller calls the Unlock action). The caller must
// know no live operation holds the release. It returns the status it found.
func (c *Client) Unlock(ctx context.Context, namespace, name, reason string) (string, error) {
	o, err := c.newOp(ctx, namespace, 0)
	if err != nil {
		return "", err
	}
	last, err := o.cfg.Releases.Last(name)
	if err != nil {
		return "", fmt.Errorf("unlock %s/%s: %w", namespace, name, err)
	}
	was := last.Info.Status.String()
	if !last.Info.Status.IsPending() {
		return was, nil
	}
	last.SetStatus(release.StatusFailed, reason)
	if err := o.cfg.Releases.Update(last); err != nil {
		return was, fmt.Errorf("unlock %s/%s: %w", namespace, name, err)
	}
	return was, nil
}
