package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/cluster/ui/uitest"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/kaapana"
)

// secret is a sensitive parameter's value: it must appear in no response.
const secret = "pa55-w0rd-never-shown"

// fixture builds n releases: app-0 ready, app-1 failed, app-2 not
// installed, app-3 drifted, the rest ready; even ones experimental; app-0
// has a sensitive parameter.
func fixture(t testing.TB, n int, withWorkflows bool) Input {
	t.Helper()
	res := &compiler.Result{Platform: compiler.PlatformInfo{Name: "demo"}}
	st := &status.StatusReport{Platform: "demo"}
	attempt := &statusdoc.Attempt{CommitRef: statusdoc.CommitRef{Commit: strings.Repeat("ab", 20), Subject: "bump"}, Result: "failed", Trigger: "schedule",
		Error: "commit abababababab: release app-1: upgrade failed: the password " + secret + " was refused"}
	for i := range n {
		name := fmt.Sprintf("app-%d", i)
		kind := "application"
		if i%5 == 4 {
			kind = "workflow"
		}
		rel := compiler.Release{Name: name, Namespace: "admin", Extension: name, Kind: kind, Experimental: i%2 == 0,
			Chart: compiler.ChartRef{Name: name + "-chart", Version: "1.0.0"}, Values: map[string]any{"global": map[string]any{"greeting": "hi " + name}}}
		ext := compiler.ExtensionInfo{Name: name, Chart: name + "-chart", Kind: kind, Parameters: []kaapana.Param{{Name: "greeting", Type: "string"}}}
		if i == 0 {
			rel.Values["global"].(map[string]any)["password"] = secret
			rel.Sensitive = []string{"global.password"}
			ext.Parameters = append(ext.Parameters, kaapana.Param{Name: "password", Type: "string"})
			ext.Multi, ext.Instances = true, []string{"alice", "bob"}
		}
		res.Releases = append(res.Releases, rel)
		res.Extensions = append(res.Extensions, ext)
		row := status.ReleaseStatus{Release: name, Namespace: "admin", Extension: name, Kind: kind, Stability: stabilityOf(i%2 == 0),
			DesiredVersion: "1.0.0", DeployedVersion: "1.0.0", Chart: name + "-chart", HelmStatus: "deployed", Revision: 2, UpToDate: true,
			KubeStatus: []string{"Running"}, Ready: true, InPlatform: true, Owner: "this platform"}
		switch i {
		case 1:
			row.HelmStatus, row.Ready, row.KubeStatus = "failed", false, []string{"CrashLoopBackOff"}
			attempt.Releases = append(attempt.Releases, statusdoc.ReleaseRecord{Name: name, Namespace: "admin", Action: "upgrade", Outcome: "failed",
				Error: "upgrade failed: container web: back-off restarting, password " + secret})
		case 2:
			row.HelmStatus, row.Ready, row.DeployedVersion, row.KubeStatus, row.Revision = "not-installed", false, "", []string{}, 0
		case 3:
			attempt.Drift = append(attempt.Drift, statusdoc.DriftedRelease{Release: "admin/" + name, Objects: []string{"Deployment/admin/web: spec.replicas"}})
		}
		st.Releases = append(st.Releases, row)
	}
	in := Input{Platform: Platform{Leader: true, ReconcilerStatus: statusdoc.ReconcilerStatus{Repo: "https://git.example.org/platform.git", Ref: "main", Path: "platform", Mode: "apply",
		Reconciler: "pono-0", LastAttempt: attempt, LastApplied: &statusdoc.CommitRef{Commit: strings.Repeat("cd", 20), Subject: "first"}}}, Result: res, Status: st}
	if withWorkflows {
		in.Workflows = uitest.ExampleWorkflows(t)
	}
	return in
}

func get(t testing.TB, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	return do(t, h, httptest.NewRequest(http.MethodGet, path, nil))
}

func do(t testing.TB, h http.Handler, req *http.Request) (*http.Response, string) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	resp := w.Result()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	if strings.Contains(body, secret) {
		t.Errorf("%s %s shows the sensitive value", req.Method, req.URL)
	}
	return resp, body
}

func decode(t testing.TB, body string, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), into); err != nil {
		t.Fatalf("decode %.200s: %v", body, err)
	}
}
