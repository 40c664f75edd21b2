// Package uie2e drives the web page in real browsers against a
// reconciler on the local cluster: Debian's chromium (headless, DevTools
// protocol through chromedp) and Debian's firefox-esr (headless, WebDriver
// BiDi). Both run the one scenario below.
package uie2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/cluster/ui"
	"github.com/pono-gitops/pono/cluster/ui/uitest"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/graphsvg"
	"github.com/pono-gitops/pono/internal/graphsvg/graphsvgtest"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
	"github.com/pono-gitops/pono/test/testenv"
)

var updateDocs = flag.Bool("update-docs", false, "copy chromium's screenshots shown in docs/ui.md into docs/images")

func TestMain(m *testing.M) { cluster.Main(m) }

const (
	gitUser = "pono"
	gitPass = "ui-git-s3cret-pass"
	token   = "ui-trigger-token-4242"
)

// driver is what the scenario needs from a browser. eval evaluates a
// JavaScript expression and decodes its value (as JSON) into out.
type driver interface {
	navigate(ctx context.Context, url string) error
	eval(ctx context.Context, js string, out any) error
	typeText(ctx context.Context, selector, text string) error
	screenshot(ctx context.Context) ([]byte, error)
	// logsHTTPErrors: the browser logs a 4xx response to the console.
	logsHTTPErrors() bool
}

// browsers are the browsers the scenario runs in.
var browsers = []struct {
	name  string
	start func(*testing.T, *recorder) driver
}{
	{"chromium", startChromium},
	{"firefox", startFirefox},
}

func TestExtensionsPageInABrowser(t *testing.T) {
	testenv.NeedsServer(t, "a local cluster, chromium and firefox")
	for _, br := range browsers {
		t.Run(br.name, func(t *testing.T) {
			rec := &recorder{}
			b := &browser{driver: br.start(t, rec), rec: rec, shots: filepath.Join(t.TempDir(), "screenshots")}
			if err := os.MkdirAll(b.shots, 0o755); err != nil {
				t.Fatal(err)
			}
			scenario(t, b, "uie2e-"+br.name)
			if *updateDocs && br.name == "chromium" {
				for src, dst := range map[string]string{"extensions": "ui-extensions.png", "workflow": "ui-workflow.png", "platform-invalid": "ui-platform.png"} {
					png, err := os.ReadFile(filepath.Join(b.shots, src+".png"))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join("..", "..", "docs", "images", dst), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// files is the platform: web and exp (experimental) install and get
// ready; bad is refused by the API server (an invalid object name), so it
// fails with a reason; flow is a workflow-kind chart.
func files(p, greeting string, extra string) map[string]string {
	chart := func(name, keywords, tpl string) map[string]string {
		return map[string]string{
			"platform/charts/" + name + "/Chart.yaml":          "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\nkeywords: [" + keywords + "]\n",
			"platform/charts/" + name + "/values.yaml":         "global: {}\nextension_params:\n  greeting: {type: string, default: hi}\n",
			"platform/charts/" + name + "/templates/objs.yaml": tpl,
		}
	}
	deploy := func(name string) string {
		return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: %[1]s, namespace: %[2]s-apps}
data: {greeting: {{ .Values.global.greeting | quote }}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, namespace: %[2]s-apps}
spec:
  replicas: 1
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [{name: web, image: example/web:1}]
`, name, p)
	}
	out := map[string]string{"platform/platform.yaml": fmt.Sprintf(`name: %[1]s
namespaces: {admin: %[1]s-admin, services: %[1]s-services, extensions: %[1]s-ext}
globals: {services_namespace: %[1]s-services}
sources: {local: {path: charts}}
extensions:
  web:   {version: "1.0.0", parameters: {greeting: %[2]s}}
  exp:   {version: "1.0.0"}
  bad:   {version: "1.0.0"}
  flow:  {version: "1.0.0"}
%[3]s`, p, greeting, extra)}
	for _, c := range map[string]map[string]string{
		"web":  chart("web", "kaapanaapplication", deploy("web")),
		"exp":  chart("exp", "kaapanaapplication, kaapanaexperimental", deploy("exp")),
		"flow": chart("flow", "kaapanaworkflow", deploy("flow")),
		"bad":  chart("bad", "kaapanaapplication", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_A_Valid_Name, namespace: "+p+"-apps}\n"),
	} {
		for k, v := range c {
			out[k] = v
		}
	}
	return out
}

// recorder keeps what a browser reports: every request's URL and every
// console message, exception or log entry of level error or warning.
type recorder struct {
	mu     sync.Mutex
	urls   []string
	errors []string
}

func (r *recorder) request(u string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.urls = append(r.urls, u)
}

func (r *recorder) error(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, e)
}

// browser is a driver with the scenario's steps as test helpers.
type browser struct {
	driver
	rec   *recorder
	shots string
}

func decodeJSON(s string, out any) error {
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(s), out)
}

// step runs one browser step within 90s, failing t when it fails.
func (b *browser) step(t *testing.T, what string, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := f(ctx); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to url and waits until selector is shown.
func (b *browser) open(t *testing.T, url, selector string) {
	t.Helper()
	b.step(t, "open "+url, func(ctx context.Context) error { return b.navigate(ctx, url) })
	b.waitFor(t, selector+" shown on "+url, visible(selector))
}

// visible is an expression true once selector matches a rendered element.
func visible(selector string) string {
	return fmt.Sprintf(`(e => !!e && e.getClientRects().length > 0)(document.querySelector(%q))`, selector)
}

func (b *browser) evalT(t *testing.T, what, js string, out any) {
	t.Helper()
	b.step(t, what, func(ctx context.Context) error { return b.eval(ctx, js, out) })
}

// text is the rendered text of the first element matching selector.
func (b *browser) text(t *testing.T, selector string) string {
	t.Helper()
	var s string
	b.evalT(t, "read "+selector, fmt.Sprintf(`document.querySelector(%q).innerText`, selector), &s)
	return s
}

func (b *browser) typeInto(t *testing.T, selector, text string) {
	t.Helper()
	b.step(t, "type into "+selector, func(ctx context.Context) error { return b.typeText(ctx, selector, text) })
}

func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	var png []byte
	b.step(t, "screenshot "+name, func(ctx context.Context) (err error) { png, err = b.screenshot(ctx); return err })
	f := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(f, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", f)
}

// waitFor polls js until it is true. An evaluation that fails (the page
// is being replaced by a navigation) counts as not yet.
func (b *browser) waitFor(t *testing.T, what, js string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var ok bool
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := b.eval(ctx, js, &ok)
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			var html string
			_ = b.eval(context.Background(), `(document.getElementById("live")||document.body).outerHTML`, &html)
			t.Fatalf("%s: not within 2m (last error %v); page:\n%.3000s", what, err, html)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// rows returns release → state of the table as shown.
func (b *browser) rows(t *testing.T) map[string]string {
	t.Helper()
	var got map[string]string
	b.evalT(t, "read rows", `Object.fromEntries([...document.querySelectorAll("#extensions tbody tr[data-release]")].map(r => [r.dataset.release, r.dataset.state]))`, &got)
	return got
}

// check fails t for any request that left loopback and any console error.
func (b *browser) check(t *testing.T) {
	t.Helper()
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	if len(b.rec.urls) == 0 {
		t.Error("no request recorded: the network listener is not working")
	}
	for _, u := range b.rec.urls {
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme == "data" || pu.Scheme == "about" {
			continue
		}
		if ip := net.ParseIP(pu.Hostname()); ip == nil || !ip.IsLoopback() {
			t.Errorf("request left loopback: %s", u)
		}
	}
	for _, e := range b.rec.errors {
		t.Errorf("browser console: %s", e)
	}
}

// expectRefusal drops the console error a browser that logs 4xx
// responses writes for an expected refusal, failing t when it is not
// there.
func (b *browser) expectRefusal(t *testing.T, text string) {
	t.Helper()
	if !b.logsHTTPErrors() {
		return
	}
	b.rec.mu.Lock()
	defer b.rec.mu.Unlock()
	for i, e := range b.rec.errors {
		if strings.Contains(e, text) {
			b.rec.errors = append(b.rec.errors[:i], b.rec.errors[i+1:]...)
			return
		}
	}
	t.Errorf("no console entry %q (have %q)", text, b.rec.errors)
}

// only is an expression true when the table shows exactly release.
func only(release string) string {
	return fmt.Sprintf(`document.querySelectorAll("#extensions tbody tr[data-release]").length === 1 && !!document.querySelector('tr[data-release=%q]')`, release)
}

// scenario runs a reconciler for a platform prefixed p and checks the
// page in b: every release with its state, filters, a failure's reason,
// an invalid commit's positioned error, live updates, a workflow graph,
// no request off loopback, no console error.
func scenario(t *testing.T, b *browser, p string) {
	c := cluster.Shared(t)
	for _, ns := range []string{p + "-apps", p + "-admin", p + "-services", p + "-ext", p + "-pono"} {
		if err := c.CreateNamespace(t.Context(), ns); err != nil {
			t.Fatal(err)
		}
	}
	repo := gitserver.NewRepo(t)
	srv := gitserver.StartHTTP(t, repo.Root, gitUser, gitPass)
	repo.Commit(t, files(p, "hello", ""), "first platform")
	repo.Push(t)

	r, base, next := serve(t, c.RESTConfig(), reconcile.Options{
		RepoURL: srv.URL(repo.Name), Ref: "main", Path: "platform",
		Auth:      &gitrepo.Auth{Username: gitUser, Password: gitPass},
		Namespace: p + "-pono", CacheDir: t.TempDir(),
		Apply: applyOptions(time.Minute, nil),
	}, []byte(token))
	if rep := next(); rep.Result != reconcile.CycleFailed {
		t.Fatalf("first cycle = %s (%v), want failed (bad is refused)", rep.Result, rep.Err)
	}

	// The table lists every release with the right states.
	b.open(t, base+"/ui/", "#extensions")
	want := map[string]string{"web": "ready", "exp": "ready", "flow": "ready", "bad": "failed"}
	if got := b.rows(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	text := b.text(t, "#extensions")
	for _, w := range []string{"experimental", "workflow", "deployed", "Running", "greeting=hello"} {
		if !strings.Contains(text, w) {
			t.Errorf("table lacks %q", w)
		}
	}
	b.shot(t, "extensions")

	// A filter hides what it should: the stability filter as a user
	// changes it, and the text filter as a user types.
	b.evalT(t, "filter experimental", `(s => { s.value = "experimental"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })(document.querySelector("select[name=stability]"))`, nil)
	b.waitFor(t, "only exp shown", only("exp"))
	b.shot(t, "filter-experimental")
	b.open(t, base+"/ui/", "#extensions")
	b.typeInto(t, "input[name=q]", "we")
	b.waitFor(t, "only web shown", only("web"))

	// A failed release shows its reason.
	b.open(t, base+"/ui/release/"+p+"-admin/bad", "#failure")
	if text := b.text(t, "#failure"); !strings.Contains(text, "Not_A_Valid_Name") {
		t.Errorf("bad's failure = %q, want the API server's reason naming the object", text)
	}
	b.shot(t, "release-failed")
	b.open(t, base+"/ui/release/"+p+"-admin/web", "#history")
	text = b.text(t, "#live")
	for _, w := range []string{"commit ", "Deployment", "1/1 ready", `"greeting": "hello"`} {
		if !strings.Contains(text, w) {
			t.Errorf("web's page lacks %q", w)
		}
	}
	b.shot(t, "release")

	// An invalid commit shows its positioned error, exactly as pono
	// reconcile reports it; the page's "reconcile now" (with the token)
	// asks for the cycle, and the page updates without a reload.
	invalid := repo.Commit(t, files(p, "hello", "  ghost: {version: \"1.0.0\", parameters: {nope: 1}}\n"), "an extension without a chart")
	repo.Push(t)
	submit := `(document.querySelector("#reconcile-now form").submit(), true)`
	b.open(t, base+"/ui/platform", "#reconcile-now")
	b.typeInto(t, "#reconcile-now input[name=token]", "wrong")
	b.evalT(t, "submit a wrong token", submit, nil)
	b.waitFor(t, "the refusal", visible("#error"))
	if rep := r.Status(); rep.LastAttempt != nil && strings.HasPrefix(invalid, rep.LastAttempt.Commit) {
		t.Fatal("a wrong token queued a cycle")
	}
	b.expectRefusal(t, "401 (Unauthorized) "+base+"/ui/reconcile")
	b.open(t, base+"/ui/platform", "#reconcile-now")
	b.typeInto(t, "#reconcile-now input[name=token]", token)
	b.evalT(t, "reconcile now", submit, nil)
	b.waitFor(t, "queued", visible("#queued"))
	b.evalT(t, "mark the page", `window.ponoNoReload = true`, nil)
	rep := next()
	if rep.Result != reconcile.CycleInvalid || rep.Trigger != "ui" {
		t.Fatalf("cycle after reconcile now = %s %s (%v), want ui invalid", rep.Trigger, rep.Result, rep.Err)
	}
	b.waitFor(t, "the positioned error", fmt.Sprintf(`(document.getElementById("attempt-commit")||{}).textContent === %q && !!document.getElementById("attempt-error") && window.ponoNoReload === true`, invalid[:12]))
	text = b.text(t, "#attempt-error")
	if want := "error: " + rep.Err.Error(); strings.TrimSpace(text) != want {
		t.Errorf("page error =\n%s\nwant, as pono reconcile prints it:\n%s", text, want)
	}
	if !strings.Contains(text, "platform/platform.yaml:") {
		t.Errorf("error %q has no position", text)
	}
	b.shot(t, "platform-invalid")

	// A pushed commit appears without a reload (here triggered by the API).
	good := repo.Commit(t, files(p, "bonjour", ""), "say bonjour")
	repo.Push(t)
	req, _ := http.NewRequest(http.MethodPost, base+"/reconcile", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /reconcile: %v %v", resp, err)
	}
	resp.Body.Close()
	next()
	b.waitFor(t, "the new commit", fmt.Sprintf(`(document.getElementById("attempt-commit")||{}).textContent === %q && window.ponoNoReload === true`, good[:12]))
	b.open(t, base+"/ui/", "#extensions")
	if !strings.Contains(b.text(t, "#extensions"), "greeting=bonjour") {
		t.Error("the table does not show the new commit's parameter")
	}

	// A workflow's graph renders with its nodes and edges (compiler/
	// workflow's example, served by a page server of its own).
	helper, err := graphsvgtest.Path()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(graphsvg.HelperEnv, helper)
	page := ui.New(ui.Options{})
	page.Publish(ui.Build(ui.Input{Platform: ui.Platform{Name: "workflows-example", Local: true}, Workflows: uitest.ExampleWorkflows(t)}))
	ws := httptest.NewServer(page.Handler())
	defer ws.Close()
	defer page.Close() // end the page's event stream first
	b.open(t, ws.URL+"/ui/workflows/organ-report", "#graph svg")
	var n struct{ Nodes, Edges int }
	b.evalT(t, "count the graph", `({Nodes: document.querySelectorAll("#graph svg g.node").length, Edges: document.querySelectorAll("#graph svg g.edge").length})`, &n)
	if n.Nodes != 4 || n.Edges != 4 {
		t.Errorf("graph: %d nodes, %d edges; want 4 and 4", n.Nodes, n.Edges)
	}
	b.shot(t, "workflow")

	b.check(t)
}

// applyOptions are apply's defaults with a timeout and, when set, the
// namespaces apply is restricted to.
func applyOptions(timeout time.Duration, namespaces []string) *apply.Options {
	o := apply.DefaultOptions()
	o.Timeout, o.Namespaces = timeout, namespaces
	return &o
}
