package reconcile_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// fixture is a platform repository served over smart HTTP with basic
// auth, and the namespaces one test uses.
type fixture struct {
	c        *cluster.Cluster
	repo     *gitserver.Repo
	http     *gitserver.HTTPServer
	platform string // platform name, also the workload namespace
	ponoNS   string // the reconciler's namespace
}

const (
	gitUser = "pono"
	gitPass = "git-s3cret-password"
)

// newFixture creates namespaces and a repository whose first commit holds
// a platform named name with greeting.
func newFixture(t *testing.T, name, greeting string) *fixture {
	t.Helper()
	return newFixtureOn(t, cluster.Shared(t), name, greeting)
}

// newFixtureOn is newFixture on a given cluster.
func newFixtureOn(t *testing.T, c *cluster.Cluster, name, greeting string) *fixture {
	t.Helper()
	f := &fixture{c: c, repo: gitserver.NewRepo(t), platform: name, ponoNS: name + "-pono"}
	f.http = gitserver.StartHTTP(t, f.repo.Root, gitUser, gitPass)
	for _, ns := range []string{f.platform, f.ponoNS} {
		if err := c.CreateNamespace(t.Context(), ns); err != nil {
			t.Fatal(err)
		}
	}
	f.commit(t, greeting, "first platform")
	return f
}

// files is the platform: one application whose parameter lands in a
// ConfigMap, plus a Deployment to drift.
func (f *fixture) files(greeting string) map[string]string {
	chart := f.chart()
	return map[string]string{
		"platform/platform.yaml": fmt.Sprintf(`name: %s
sources: {local: {path: charts}}
extensions:
  %s:
    version: "1.0.0"
    parameters: {greeting: %s}
`, f.platform, chart, greeting),
		"platform/charts/" + chart + "/Chart.yaml":  "apiVersion: v2\nname: " + chart + "\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"platform/charts/" + chart + "/values.yaml": "global: {}\nextension_params:\n  greeting: {type: string}\n",
		"platform/charts/" + chart + "/templates/cm.yaml": fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: %s}
data: {greeting: {{ .Values.global.greeting | quote }}}
`, f.platform),
		"platform/charts/" + chart + "/templates/deploy.yaml": fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %s}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: example/web:1}]
`, f.platform),
	}
}

// chart is the extension's chart (and release) name, unique per fixture:
// releases of applications all live in Kaapana's admin namespace.
func (f *fixture) chart() string { return f.platform + "-web" }

// commit commits and pushes the platform with greeting.
func (f *fixture) commit(t *testing.T, greeting, msg string) string {
	t.Helper()
	h := f.repo.Commit(t, f.files(greeting), msg)
	f.repo.Push(t)
	return h
}

func (f *fixture) options(t *testing.T) reconcile.Options {
	return reconcile.Options{
		RepoURL: f.http.URL(f.repo.Name), Ref: "main", Path: "platform",
		Auth:      &gitrepo.Auth{Username: gitUser, Password: gitPass},
		Namespace: f.ponoNS, CacheDir: t.TempDir(),
		Apply: applyOptions(func(o *apply.Options) { o.Timeout = time.Minute }),
	}
}

func (f *fixture) reconciler(t *testing.T, opts reconcile.Options) *reconcile.Reconciler {
	t.Helper()
	return f.reconcilerWith(t, &kube.Config{RESTConfig: f.c.RESTConfig(), Logger: testLogger(t)}, opts)
}

func (f *fixture) reconcilerWith(t *testing.T, cfg *kube.Config, opts reconcile.Options) *reconcile.Reconciler {
	t.Helper()
	r, err := reconcile.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// greeting reads the ConfigMap the platform renders.
func (f *fixture) greeting(t *testing.T) string {
	t.Helper()
	cm, err := f.c.Client().CoreV1().ConfigMaps(f.platform).Get(t.Context(), "web", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("read ConfigMap web: %v", err)
	}
	return cm.Data["greeting"]
}

// cycle runs one cycle and fails the test when its result is not want.
func cycle(t *testing.T, ctx context.Context, r *reconcile.Reconciler, want reconcile.CycleResult) *reconcile.CycleReport {
	t.Helper()
	rep := r.Cycle(ctx, "test")
	if rep.Result != want {
		t.Fatalf("cycle result = %s (err %v), want %s; releases %+v", rep.Result, rep.Err, want, rep.Releases)
	}
	return rep
}

// writes returns every write the API server has logged for the admin
// user so far; tests compare counts before and after a cycle.
func writes(t *testing.T, c *cluster.Cluster) []cluster.AuditEvent {
	t.Helper()
	ev, err := c.Writes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func describeWrites(ev []cluster.AuditEvent) string {
	var b strings.Builder
	for _, e := range ev {
		fmt.Fprintf(&b, "\n  %s %s %s/%s %s", e.Verb, e.Resource, e.Namespace, e.Name, e.UserAgent)
	}
	return b.String()
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// applyOptions are apply's defaults changed by set.
func applyOptions(set func(*apply.Options)) *apply.Options {
	o := apply.DefaultOptions()
	set(&o)
	return &o
}
