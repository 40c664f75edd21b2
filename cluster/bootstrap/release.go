package bootstrap

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/pono-gitops/pono/internal/helmsdk"
)

// LabelChartDigest is a label on pono's Helm release: the first 40 hex
// characters of the chart's content digest. The chart version alone does
// not change when a new pono binary embeds an edited chart.
const LabelChartDigest = "pono.dev/chart-digest"

func chartDigestLabel(digest string) string {
	d := strings.TrimPrefix(digest, "sha256:")
	if len(d) > 40 {
		d = d[:40]
	}
	return d
}

// release installs the chart if the release is absent (or never got
// deployed), upgrades it if its chart or values differ from the stored
// ones or it is not deployed, and leaves it alone otherwise.
func (i *Install) release(ctx context.Context, hc *helmsdk.Client, opts Options, values map[string]any) (*PonoRelease, error) {
	req := helmsdk.ReleaseRequest{
		Name:        opts.ReleaseName,
		Namespace:   opts.Namespace,
		Chart:       i.Chart,
		Values:      values,
		Labels:      map[string]string{LabelChartDigest: chartDigestLabel(i.Chart.Digest)},
		Wait:        opts.Wait,
		Timeout:     opts.Timeout,
		Description: "pono bootstrap",
	}
	out := &PonoRelease{Namespace: opts.Namespace, Name: opts.ReleaseName, ChartVersion: i.Chart.Version()}

	cur, err := hc.GetRelease(ctx, opts.Namespace, opts.ReleaseName)
	switch {
	case helmsdk.IsReleaseNotFound(err):
		return i.install(ctx, hc, req, out)
	case err != nil:
		return nil, err
	}
	switch cur.Status {
	case "pending-install", "pending-upgrade", "pending-rollback":
		return nil, fmt.Errorf("release %s/%s is %s: another Helm operation is running or was interrupted; wait for it, or roll back with helm", opts.Namespace, opts.ReleaseName, cur.Status)
	case "deployed":
	default:
		// Failed, uninstalling or uninstalled with history kept: Helm
		// upgrades only a release that was deployed once; otherwise the
		// install replaces what is left.
		if cur.LastGood == 0 {
			return i.install(ctx, hc, req, out)
		}
	}

	reason, err := i.differs(ctx, hc, cur, values)
	if err != nil {
		return nil, err
	}
	if reason == "" {
		out.Action, out.Revision = ActionUnchanged, cur.Revision
		return out, nil
	}
	rev, err := hc.Upgrade(ctx, req)
	if rev != nil {
		out.Revision = rev.Revision
	}
	if err != nil {
		return out, err
	}
	out.Action, out.Reason = ActionUpgraded, reason
	return out, nil
}

func (i *Install) install(ctx context.Context, hc *helmsdk.Client, req helmsdk.ReleaseRequest, out *PonoRelease) (*PonoRelease, error) {
	rev, err := hc.Install(ctx, req)
	if rev != nil {
		out.Revision = rev.Revision
	}
	if err != nil {
		return out, err
	}
	out.Action = ActionInstalled
	return out, nil
}

// differs says why the stored release is not what Run would install, or
// "" when it is.
func (i *Install) differs(ctx context.Context, hc *helmsdk.Client, cur *helmsdk.ReleaseDetail, values map[string]any) (string, error) {
	if cur.Status != "deployed" {
		return "status " + cur.Status, nil
	}
	if cur.Chart != i.Chart.Name() || cur.ChartVersion != i.Chart.Version() || cur.Labels[LabelChartDigest] != chartDigestLabel(i.Chart.Digest) {
		return "chart changed", nil
	}
	stored, err := hc.ReleaseValues(ctx, cur.Namespace, cur.Name)
	if err != nil {
		return "", err
	}
	// Both sides went through JSON (Helm's storage, normalize), so plain
	// deep equality is exact.
	if !reflect.DeepEqual(stored, values) {
		return "values changed", nil
	}
	return "", nil
}
