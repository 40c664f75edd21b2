package apply

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

// fakeReleaser keeps releases in memory, as Helm's storage would, and
// records every call. Tests script failures with fail and slow operations
// down with gate.
type fakeReleaser struct {
	mu       sync.Mutex
	releases map[string][]fakeRevision // namespace/name -> revisions, oldest first
	calls    []string
	events   []string // "start x", "end x" around installs and upgrades
	attempts map[string]int

	// fail, when set, decides whether an install or upgrade (call is
	// "install" or "upgrade") of name fails on attempt n (from 1), and
	// whether the failed attempt left a revision behind.
	fail func(call, name string, n int) (created bool, err error)
	// gate, when set, runs inside each install and upgrade, unlocked.
	gate func(name string)

	running, maxRunning int
	refreshes           int
}

type fakeRevision struct {
	status string
	labels map[string]string
	values map[string]any
}

// valuesOf returns the values of a release's newest revision.
func (f *fakeReleaser) valuesOf(key string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	revs := f.releases[key]
	if len(revs) == 0 {
		return nil
	}
	return revs[len(revs)-1].values
}

func newFakeReleaser() *fakeReleaser {
	return &fakeReleaser{releases: map[string][]fakeRevision{}, attempts: map[string]int{}}
}

// seed stores a release with one revision per status, oldest first.
func (f *fakeReleaser) seed(ns, name string, labels map[string]string, statuses ...string) {
	for _, st := range statuses {
		f.releases[ns+"/"+name] = append(f.releases[ns+"/"+name], fakeRevision{status: st, labels: labels})
	}
}

func (f *fakeReleaser) record(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns the calls made, in order.
func (f *fakeReleaser) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeReleaser) write(call string, req helmsdk.ReleaseRequest) (*helmsdk.Revision, error) {
	key := req.Namespace + "/" + req.Name
	f.mu.Lock()
	f.record("%s %s", call, key)
	f.events = append(f.events, "start "+req.Name)
	f.attempts[key]++
	n := f.attempts[key]
	f.running++
	f.maxRunning = max(f.maxRunning, f.running)
	f.mu.Unlock()
	if f.gate != nil {
		f.gate(req.Name)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running--
	f.events = append(f.events, "end "+req.Name)
	status := plan.StatusDeployed
	var err error
	created := true
	if f.fail != nil {
		if c, ferr := f.fail(call, req.Name, n); ferr != nil {
			created, err, status = c, ferr, plan.StatusFailed
		}
	}
	if !created {
		return nil, err
	}
	revs := f.releases[key]
	if call == "install" {
		revs = nil // Helm's install replaces a failed or uninstalled release
	}
	for i := range revs {
		if revs[i].status == plan.StatusDeployed && status == plan.StatusDeployed {
			revs[i].status = plan.StatusSuperseded
		}
	}
	revs = append(revs, fakeRevision{status: status, labels: req.Labels, values: req.Values})
	f.releases[key] = revs
	return &helmsdk.Revision{Name: req.Name, Namespace: req.Namespace, Revision: len(revs), Status: status}, err
}

func (f *fakeReleaser) Install(_ context.Context, req helmsdk.ReleaseRequest) (*helmsdk.Revision, error) {
	return f.write("install", req)
}

func (f *fakeReleaser) Upgrade(_ context.Context, req helmsdk.ReleaseRequest) (*helmsdk.Revision, error) {
	return f.write("upgrade", req)
}

func (f *fakeReleaser) Rollback(_ context.Context, req helmsdk.RollbackRequest) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := req.Namespace + "/" + req.Name
	f.record("rollback %s to %d", key, req.Revision)
	revs := f.releases[key]
	if req.Revision < 1 || req.Revision > len(revs) {
		return fmt.Errorf("rollback %s: no revision %d", key, req.Revision)
	}
	for i := range revs {
		if revs[i].status == plan.StatusDeployed {
			revs[i].status = plan.StatusSuperseded
		}
	}
	f.releases[key] = append(revs, fakeRevision{status: plan.StatusDeployed, labels: revs[req.Revision-1].labels})
	return nil
}

func (f *fakeReleaser) Uninstall(_ context.Context, namespace, name string, _ time.Duration, disableHooks bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := namespace + "/" + name
	if disableHooks {
		f.record("uninstall %s without hooks", key)
	} else {
		f.record("uninstall %s", key)
	}
	delete(f.releases, key)
	return nil
}

func (f *fakeReleaser) Unlock(_ context.Context, namespace, name, _ string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := namespace + "/" + name
	f.record("unlock %s", key)
	revs := f.releases[key]
	if len(revs) == 0 {
		return "", fmt.Errorf("unlock %s: release: not found", key)
	}
	last := &revs[len(revs)-1]
	was := last.status
	if strings.HasPrefix(was, "pending-") {
		last.status = plan.StatusFailed
	}
	return was, nil
}

func (f *fakeReleaser) ListReleasesIn(_ context.Context, namespace, _ string) ([]helmsdk.ReleaseInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []helmsdk.ReleaseInfo
	for key, revs := range f.releases {
		ns, name, _ := strings.Cut(key, "/")
		if len(revs) == 0 || namespace != "" && ns != namespace {
			continue
		}
		last := revs[len(revs)-1]
		info := helmsdk.ReleaseInfo{Name: name, Namespace: ns, Revision: len(revs), Status: last.status, Labels: last.labels, Revisions: len(revs)}
		for i := len(revs) - 2; i >= 0; i-- {
			if s := revs[i].status; s == plan.StatusDeployed || s == plan.StatusSuperseded {
				info.LastGood = i + 1
				break
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name })
	return out, nil
}

func (f *fakeReleaser) GetRelease(ctx context.Context, namespace, name string) (*helmsdk.ReleaseDetail, error) {
	infos, _ := f.ListReleasesIn(ctx, namespace, "")
	for _, in := range infos {
		if in.Name == name {
			return &helmsdk.ReleaseDetail{ReleaseInfo: in, Manifest: configMap(name)}, nil
		}
	}
	return nil, fmt.Errorf("release %s/%s: release: not found", namespace, name)
}

func (f *fakeReleaser) RefreshDiscovery() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshes++
}

func configMap(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
}
