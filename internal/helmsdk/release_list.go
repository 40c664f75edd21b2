package helmsdk

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ReleaseInfo is a release as seen from the labels of its storage Secrets,
// without decoding any release body: cheap enough to list hundreds of
// releases on every apply.
type ReleaseInfo struct {
	Name      string
	Namespace string
	// Revision and Status are those of the newest revision.
	Revision int
	Status   string
	// Labels are the release's own labels (Helm's system labels removed).
	Labels map[string]string
	// LastGood is the newest revision before Revision that was deployed
	// (now deployed or superseded); 0 if none.
	LastGood int
	// Revisions is how many revisions are stored.
	Revisions int
}

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

var systemLabels = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range driver.GetSystemLabels() {
		m[l] = true
	}
	return m
}()

// ListReleases lists the releases stored in Secrets in every namespace
// whose labels match selector (a label selector, "" for all), using only
// Secret metadata.
func (c *Client) ListReleases(ctx context.Context, selector string) ([]ReleaseInfo, error) {
	return c.ListReleasesIn(ctx, metav1.NamespaceAll, selector)
}

// ListReleasesIn is ListReleases in one namespace (NamespaceAll: every
// namespace); it needs only namespaced RBAC.
func (c *Client) ListReleasesIn(ctx context.Context, namespace, selector string) ([]ReleaseInfo, error) {
	sel := "owner=helm"
	if selector != "" {
		sel += "," + selector
	}
	list, err := c.meta.Resource(secretsGVR).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, fmt.Errorf("list helm releases: %w", err)
	}
	type revision struct {
		v      int
		status string
		labels map[string]string
	}
	byRel := map[[2]string][]revision{}
	for _, s := range list.Items {
		l := s.Labels
		v, err := strconv.Atoi(l["version"])
		if err != nil || l["name"] == "" {
			continue
		}
		key := [2]string{s.Namespace, l["name"]}
		byRel[key] = append(byRel[key], revision{v: v, status: l["status"], labels: l})
	}
	out := make([]ReleaseInfo, 0, len(byRel))
	for key, revs := range byRel {
		sort.Slice(revs, func(i, j int) bool { return revs[i].v < revs[j].v })
		last := revs[len(revs)-1]
		info := ReleaseInfo{Namespace: key[0], Name: key[1], Revision: last.v, Status: last.status, Labels: map[string]string{}, Revisions: len(revs)}
		for k, v := range last.labels {
			if !systemLabels[k] {
				info.Labels[k] = v
			}
		}
		for i := len(revs) - 2; i >= 0; i-- {
			if revs[i].status == "deployed" || revs[i].status == "superseded" {
				info.LastGood = revs[i].v
				break
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// ReleaseDetail is the newest revision of a release, decoded.
type ReleaseDetail struct {
	ReleaseInfo
	Chart        string
	ChartVersion string
	AppVersion   string
	Description  string
	// Manifest is the rendered manifest Helm applied (hooks excluded).
	Manifest string
}

// GetRelease decodes the newest revision of a release.
func (c *Client) GetRelease(ctx context.Context, namespace, name string) (*ReleaseDetail, error) {
	store := storage.Init(driver.NewSecrets(c.cs.CoreV1().Secrets(namespace)))
	hist, err := store.History(name)
	if err != nil {
		return nil, fmt.Errorf("release %s/%s: %w", namespace, name, err)
	}
	if len(hist) == 0 {
		return nil, fmt.Errorf("release %s/%s: %w", namespace, name, driver.ErrReleaseNotFound)
	}
	sort.Slice(hist, func(i, j int) bool { return hist[i].Version < hist[j].Version })
	r := hist[len(hist)-1]
	d := &ReleaseDetail{
		ReleaseInfo: ReleaseInfo{Name: r.Name, Namespace: r.Namespace, Revision: r.Version, Status: r.Info.Status.String(), Labels: r.Labels, Revisions: len(hist)},
		Description: r.Info.Description,
		Manifest:    r.Manifest,
	}
	for i := len(hist) - 2; i >= 0; i-- {
		if s := hist[i].Info.Status.String(); s == "deployed" || s == "superseded" {
			d.LastGood = hist[i].Version
			break
		}
	}
	if r.Chart != nil && r.Chart.Metadata != nil {
		d.Chart, d.ChartVersion, d.AppVersion = r.Chart.Metadata.Name, r.Chart.Metadata.Version, r.Chart.Metadata.AppVersion
	}
	return d, nil
}
