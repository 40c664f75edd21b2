// Package e2e runs pono apply and pono status against a real local
// Kubernetes control plane (test/cluster: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok).
package e2e

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// repoRoot is the module root.
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// copyDir copies src into dst.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// platformDir writes a platform: platform.yaml plus the test charts
// (test/e2e/testdata/charts) under charts/.
func platformDir(t testing.TB, platformYAML string) string {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, filepath.Join(repoRoot(t), "test", "e2e", "testdata", "charts"), filepath.Join(dir, "charts"))
	writeFile(t, filepath.Join(dir, "platform.yaml"), platformYAML)
	return dir
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func editFile(t testing.TB, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	writeFile(t, path, strings.Replace(string(b), old, new, 1))
}

func compile(t testing.TB, dir string) *compiler.Result {
	t.Helper()
	res, err := compiler.NewCompile(&compiler.Config{CacheDir: t.TempDir()}).Run(context.Background(), dir)
	if err != nil {
		t.Fatalf("compile %s: %v", dir, err)
	}
	return res
}

// writeCounter counts requests that change the cluster.
type writeCounter struct {
	mu     sync.Mutex
	writes []string
	reads  atomic.Int64
}

func (w *writeCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			w.reads.Add(1)
		default:
			w.mu.Lock()
			w.writes = append(w.writes, r.Method+" "+r.URL.Path)
			w.mu.Unlock()
		}
		return rt.RoundTrip(r)
	})
}

func (w *writeCounter) Writes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.writes...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countingConfig is the cluster's config with every request counted.
func countingConfig(c *cluster.Cluster) (*rest.Config, *writeCounter) {
	cfg := c.RESTConfig()
	wc := &writeCounter{}
	cfg.WrapTransport = wc.wrap
	return cfg, wc
}

// events records progress events.
type events struct {
	mu  sync.Mutex
	evs []apply.Event
	at  []time.Time
}

func (e *events) add(ev apply.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, ev)
	e.at = append(e.at, time.Now())
}

// when returns when release name had an event of type typ.
func (e *events) when(typ apply.EventType, name string) (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, ev := range e.evs {
		if ev.Type == typ && ev.Step.Name == name {
			return e.at[i], true
		}
	}
	return time.Time{}, false
}

// applyOpts tweak an Apply.
type applyOpts func(*apply.Apply)

// applyDir compiles dir and applies it, counting writes.
func applyDir(t testing.TB, c *cluster.Cluster, dir string, opts ...applyOpts) (*apply.Report, *writeCounter, *events, error) {
	t.Helper()
	res := compile(t, dir)
	cfg, wc := countingConfig(c)
	ev := &events{}
	a := apply.NewApply(&kube.Config{RESTConfig: cfg})
	a.Progress = ev.add
	a.Timeout = 60 * time.Second
	a.Backoff = 200 * time.Millisecond
	for _, o := range opts {
		o(a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := a.Run(ctx, res)
	if rep == nil {
		t.Fatalf("apply %s: no report: %v", dir, err)
	}
	return rep, wc, ev, err
}

// mustApply applies and fails the test on any failed release.
func mustApply(t testing.TB, c *cluster.Cluster, dir string, opts ...applyOpts) (*apply.Report, *writeCounter, *events) {
	t.Helper()
	rep, wc, ev, err := applyDir(t, c, dir, opts...)
	if err != nil {
		t.Fatalf("apply %s: %v\n%s", dir, err, table(rep))
	}
	return rep, wc, ev
}

func table(rep *apply.Report) string {
	if rep == nil {
		return ""
	}
	var b strings.Builder
	for _, r := range rep.Results {
		fmt.Fprintf(&b, "  %-28s %-12s %-10s %s %s\n", r.Name, r.Action, r.Outcome, r.Detail, r.Error)
	}
	return b.String()
}

// outcomes maps release name to "action outcome".
func outcomes(rep *apply.Report) map[string]string {
	m := map[string]string{}
	for _, r := range rep.Results {
		m[r.Name] = string(r.Action) + " " + string(r.Outcome)
	}
	return m
}

func result(t testing.TB, rep *apply.Report, name string) apply.ReleaseResult {
	t.Helper()
	for _, r := range rep.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result for %s in\n%s", name, table(rep))
	return apply.ReleaseResult{}
}

func helmClient(t testing.TB, c *cluster.Cluster) *helmsdk.Client {
	t.Helper()
	hc, err := helmsdk.NewClient(c.RESTConfig(), helmsdk.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return hc
}

// releases returns the cluster's releases in namespace ns by name.
func releases(t testing.TB, c *cluster.Cluster, ns string) map[string]helmsdk.ReleaseInfo {
	t.Helper()
	infos, err := helmClient(t, c).ListReleases(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]helmsdk.ReleaseInfo{}
	for _, in := range infos {
		if in.Namespace == ns {
			m[in.Name] = in
		}
	}
	return m
}

// toolsBin is a binary `make tools` built.
func toolsBin(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(cluster.DefaultToolsDir(), "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s not found (%v): run 'make tools'", p, err)
	}
	return p
}

// eventually polls f until it returns nil or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var errNotYet = errors.New("not yet")
