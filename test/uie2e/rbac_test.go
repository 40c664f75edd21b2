package uie2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/cluster/bootstrap"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/cluster/ui"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/schedule"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestPageUnderLeastPrivilege installs pono's chart with rbac.mode
// least-privilege, runs the reconciler as the chart's ServiceAccount
// (impersonated: the API server's RBAC authorizer decides) and checks that
// every data endpoint of the page has its full data: the status
// ConfigMap, Helm's release history, the objects' status, the plan.
func TestPageUnderLeastPrivilege(t *testing.T) {
	testenv.NeedsServer(t, "a local cluster")
	const p = "uie2e-rbac"
	c := cluster.Shared(t)
	managed := []string{p + "-apps", p + "-admin", p + "-services", p + "-ext"}
	for _, ns := range append(managed, p+"-pono") {
		if err := c.CreateNamespace(t.Context(), ns); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := bootstrap.NewInstall(&kube.Config{RESTConfig: c.RESTConfig()}).Run(ctx, bootstrap.Options{
		Namespace: p + "-pono", ReleaseName: "pono",
		Values: map[string]any{
			"git":  map[string]any{"url": "https://example.org/p.git"},
			"rbac": map[string]any{"mode": "least-privilege", "namespaces": managed},
		},
	}); err != nil {
		t.Fatalf("install pono's chart: %v", err)
	}
	sa := rest.CopyConfig(c.RESTConfig())
	sa.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + p + "-pono:pono",
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + p + "-pono", "system:authenticated"}}

	repo := gitserver.NewRepo(t)
	srv := gitserver.StartHTTP(t, repo.Root, gitUser, gitPass)
	commit := repo.Commit(t, files(p, "hello", ""), "first platform")
	repo.Push(t)
	_, base, next := serve(t, sa, reconcile.Options{
		RepoURL: srv.URL(repo.Name), Ref: "main", Path: "platform",
		Auth:      &gitrepo.Auth{Username: gitUser, Password: gitPass},
		Namespace: p + "-pono", CacheDir: t.TempDir(), Identity: "pono-0",
		// As the chart runs it: --restrict-namespaces.
		Apply: applyOptions(time.Minute, managed),
	}, nil)
	// bad is refused by the API server's validation, not by RBAC.
	if rep := next(); rep.Result != reconcile.CycleFailed || rep.Err == nil || !strings.Contains(rep.Err.Error(), "Not_A_Valid_Name") || strings.Contains(rep.Err.Error(), "forbidden") {
		t.Fatalf("first cycle = %s (%v), want failed on bad's invalid object name alone", rep.Result, rep.Err)
	}
	get := func(path string, v any) { t.Helper(); getFrom(t, base, path, v) }

	// The platform: the status ConfigMap's last attempt, no read error.
	var snap struct {
		Platform ui.Platform    `json:"platform"`
		States   map[string]int `json:"states"`
	}
	get("/ui/api/snapshot", &snap)
	if snap.Platform.Error != "" || snap.Platform.LastAttempt == nil || snap.Platform.LastAttempt.Commit != commit {
		t.Errorf("platform = %+v, want the last attempt at %s and no error", snap.Platform, commit)
	}
	// The table: Helm and Kubernetes status of every release.
	var ext struct {
		Rows []ui.Row `json:"rows"`
	}
	get("/ui/api/extensions", &ext)
	want := map[string]string{"web": "ready", "exp": "ready", "flow": "ready", "bad": "failed"}
	got := map[string]string{}
	for _, row := range ext.Rows {
		got[row.Release] = row.State
		if row.Release != "bad" && (row.HelmStatus != "deployed" || len(row.KubeStatus) == 0 || !row.Ready || row.Failure != "") {
			t.Errorf("row %s: helm %q, kube %v, ready %v, failure %q; want deployed, running, ready", row.Release, row.HelmStatus, row.KubeStatus, row.Ready, row.Failure)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("rows = %v, want %v", got, want)
			break
		}
	}
	// A release: Helm history (release storage) and its objects' status.
	var rel struct {
		Detail      *ui.ReleaseDetail `json:"detail"`
		DetailError string            `json:"detailError"`
		Values      map[string]any    `json:"values"`
	}
	get("/ui/api/release/"+p+"-admin/web", &rel)
	if rel.DetailError != "" || rel.Detail == nil || len(rel.Detail.History) == 0 || rel.Detail.History[0].Commit == "" {
		t.Fatalf("web's detail = %+v, error %q; want its history with the commit", rel.Detail, rel.DetailError)
	}
	objects := map[string]string{}
	for _, o := range rel.Detail.Objects {
		objects[o.Kind+"/"+o.Name] = o.Status
	}
	if objects["Deployment/web"] != "1/1 ready" || objects["ConfigMap/web"] == "" {
		t.Errorf("web's objects = %v, want the Deployment 1/1 ready and the ConfigMap", objects)
	}
	if rel.Values == nil {
		t.Error("web's values missing")
	}
	// bad's failed install was removed: its page has the last cycle's
	// reason (checked above: not a permission error).
	for _, row := range ext.Rows {
		if row.Release == "bad" && !strings.Contains(row.Failure, "Not_A_Valid_Name") {
			t.Errorf("bad's failure = %q, want the API server's reason", row.Failure)
		}
	}
	get("/ui/platform", nil)

	// The changes waiting (a live diff as the ServiceAccount): a reconciler
	// in observe mode plans a new commit and the page shows the plan.
	planned := repo.Commit(t, files(p, "bonjour", ""), "say bonjour")
	repo.Push(t)
	_, base, next = serve(t, sa, reconcile.Options{
		RepoURL: srv.URL(repo.Name), Ref: "main", Path: "platform", Mode: reconcile.ModeObserve,
		Auth:      &gitrepo.Auth{Username: gitUser, Password: gitPass},
		Namespace: p + "-pono", CacheDir: t.TempDir(), Identity: "pono-1",
		Apply: applyOptions(time.Minute, managed),
	}, nil)
	if rep := next(); rep.Result != reconcile.CyclePlanned {
		t.Fatalf("observe cycle = %s (%v), want planned", rep.Result, rep.Err)
	}
	var plan struct {
		Markdown string `json:"markdown"`
		Error    string `json:"error"`
	}
	getFrom(t, base, "/ui/api/plan", &plan)
	if plan.Error != "" || !strings.Contains(plan.Markdown, "bonjour") {
		t.Errorf("plan = %q, error %q; want the greeting's change", plan.Markdown, plan.Error)
	}

	// A follower and `pono status --reconciler` read the status ConfigMap
	// as the ServiceAccount too.
	cs, err := kubernetes.NewForConfig(sa)
	if err != nil {
		t.Fatal(err)
	}
	st, err := reconcile.ReadStatus(t.Context(), cs, p+"-pono")
	if err != nil || st.LastAttempt == nil || st.LastAttempt.Commit != planned || st.Reconciler != "pono-1" {
		t.Errorf("status as the ServiceAccount: %+v, %v", st, err)
	}
}

// serve runs a reconciler as cfg's user on a loopback port until the
// test ends (with trigger token, when not nil); next waits for its next
// cycle.
func serve(t *testing.T, cfg *rest.Config, opts reconcile.Options, token []byte) (r *reconcile.Reconciler, base string, next func() *reconcile.CycleReport) {
	t.Helper()
	r, err := reconcile.New(&kube.Config{RESTConfig: cfg}, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	cycles := make(chan *reconcile.CycleReport, 10)
	every, _ := schedule.Every(time.Hour)
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, reconcile.RunOptions{Schedule: every, Listen: "127.0.0.1:0", TriggerToken: token,
			Ready: func(a string) { ready <- a }, OnCycle: func(rep *reconcile.CycleReport) { cycles <- rep }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("reconciler: %v", err)
	}
	return r, base, func() *reconcile.CycleReport {
		t.Helper()
		select {
		case rep := <-cycles:
			return rep
		case <-time.After(3 * time.Minute):
			t.Fatal("no cycle within 3m")
			return nil
		}
	}
}

// getFrom GETs base+path into v (JSON, when v is not nil), failing t on
// anything but 200 and on any permission error in the body.
func getFrom(t *testing.T, base, path string, v any) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.StatusCode, b)
	}
	// A permission error would surface as Kubernetes' "forbidden".
	if strings.Contains(strings.ToLower(string(b)), "forbidden") {
		t.Errorf("GET %s shows a permission error:\n%s", path, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
}
