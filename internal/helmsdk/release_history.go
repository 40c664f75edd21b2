package helmsdk

import (
	"context"
	"fmt"
	"sort"
	"time"

	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
)

// HistoryEntry is one stored revision of a release, as `helm history`
// shows it.
type HistoryEntry struct {
	Revision     int
	Updated      time.Time
	Status       string
	Chart        string
	ChartVersion string
	// Description is Helm's description; pono appends the commit (and
	// signer) a revision came from.
	Description string
}

// History lists a release's stored revisions, newest first, at most max
// of them (max <= 0: all). It wraps driver.ErrReleaseNotFound when there is
// no such release.
func (c *Client) History(ctx context.Context, namespace, name string, max int) ([]HistoryEntry, error) {
	store := storage.Init(driver.NewSecrets(c.cs.CoreV1().Secrets(namespace)))
	hist, err := store.History(name)
	if err != nil {
		return nil, fmt.Errorf("release %s/%s history: %w", namespace, name, err)
	}
	if len(hist) == 0 {
		return nil, fmt.Errorf("release %s/%s: %w", namespace, name, driver.ErrReleaseNotFound)
	}
	sort.Slice(hist, func(i, j int) bool { return hist[i].Version > hist[j].Version })
	if max > 0 && len(hist) > max {
		hist = hist[:max]
	}
	out := make([]HistoryEntry, 0, len(hist))
	for _, r := range hist {
		e := HistoryEntry{Revision: r.Version}
		if r.Info != nil {
			e.Updated, e.Status, e.Description = r.Info.LastDeployed.Time, r.Info.Status.String(), r.Info.Description
		}
		if r.Chart != nil && r.Chart.Metadata != nil {
			e.Chart, e.ChartVersion = r.Chart.Metadata.Name, r.Chart.Metadata.Version
		}
		out = append(out, e)
	}
	return out, ctx.Err()
}
