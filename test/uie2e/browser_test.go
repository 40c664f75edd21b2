// Package uie2e drives the web page in a real browser (Debian's chromium,
// headless, through chromedp) against a reconciler on the local cluster.
package uie2e

import (
	"context"
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

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/schedule"
	"github.com/pono-gitops/pono/reconcile"
	"github.com/pono-gitops/pono/reconcile/gitops"
	"github.com/pono-gitops/pono/reconcile/ui"
	"github.com/pono-gitops/pono/reconcile/ui/uitest"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
	"github.com/pono-gitops/pono/test/testenv"
)

var updateDocs = flag.Bool("update-docs", false, "copy the screenshots shown in docs/ui.md into docs/images")

func TestMain(m *testing.M) { cluster.Main(m) }

const (
	gitUser = "pono"
	gitPass = "ui-git-s3cret-pass"
	token   = "ui-trigger-token-4242"
	p       = "uie2e"
)

// files is the platform: web and exp (experimental) install and get
// ready; bad is refused by the API server (an invalid object name), so it
// fails with a reason; flow is a workflow-kind chart.
func files(greeting string, extra string) map[string]string {
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

// browser records what the page does: every request's URL and every
// console message, exception or log entry of level error.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	urls   []string
	errors []string
	shots  string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	// Not t.TempDir: chromium's helper processes (crashpad) may still be
	// writing the profile for a moment after the browser exits, which makes
	// TempDir's cleanup fail the test. Removed with retries below.
	profile, err := os.MkdirTemp("", "pono-uie2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 900),
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatalf("Debian's chromium is not installed (make deps installs it): %v", err)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelC()
		cancelA()
		for i := 0; i < 50; i++ {
			if err = os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("chromium profile %s left behind: %v", profile, err)
	})
	b := &browser{ctx: ctx, shots: filepath.Join(t.TempDir(), "screenshots")}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.urls = append(b.urls, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
				b.errors = append(b.errors, fmt.Sprintf("console.%s %v", e.Type, args(e.Args)))
			}
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, "exception: "+e.ExceptionDetails.Error())
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError || e.Entry.Level == cdplog.LevelWarning {
				b.errors = append(b.errors, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
			}
		}
	})
	if err := chromedp.Run(ctx, network.Enable(), cdplog.Enable(), runtime.Enable()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

func args(as []*runtime.RemoteObject) []string {
	var out []string
	for _, a := range as {
		out = append(out, string(a.Value)+a.Description)
	}
	return out
}

func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) screenshot(t *testing.T, name string) string {
	t.Helper()
	var png []byte
	b.run(t, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	f := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(f, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", f)
	return f
}

// check fails t for any request that left loopback and any console error.
func (b *browser) check(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.urls) == 0 {
		t.Error("no request recorded: the network listener is not working")
	}
	for _, u := range b.urls {
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme == "data" || pu.Scheme == "about" {
			continue
		}
		if ip := net.ParseIP(pu.Hostname()); ip == nil || !ip.IsLoopback() {
			t.Errorf("request left loopback: %s", u)
		}
	}
	for _, e := range b.errors {
		t.Errorf("browser console: %s", e)
	}
}

// expect drops the one console error an expected refusal logs (the
// browser reports every 4xx response), failing t when it is not there.
func (b *browser) expect(t *testing.T, text string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, e := range b.errors {
		if strings.Contains(e, text) {
			b.errors = append(b.errors[:i], b.errors[i+1:]...)
			return
		}
	}
	t.Errorf("no console entry %q (have %q)", text, b.errors)
}

// rows returns release → state of the table as shown.
func (b *browser) rows(t *testing.T) map[string]string {
	t.Helper()
	var got map[string]string
	b.run(t, "read rows", chromedp.Evaluate(`Object.fromEntries([...document.querySelectorAll("#extensions tbody tr[data-release]")].map(r => [r.dataset.release, r.dataset.state]))`, &got))
	return got
}

func (b *browser) waitFor(t *testing.T, what, js string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var ok bool
		b.run(t, what, chromedp.Evaluate(js, &ok))
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var html string
			b.run(t, "dump", chromedp.OuterHTML("#live", &html))
			t.Fatalf("%s: not within 2m; page:\n%.3000s", what, html)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestExtensionsPageInABrowser(t *testing.T) {
	testenv.NeedsServer(t, "a local cluster and chromium")
	c := cluster.Shared(t)
	for _, ns := range []string{p + "-apps", p + "-admin", p + "-services", p + "-ext", p + "-pono"} {
		if err := c.CreateNamespace(t.Context(), ns); err != nil {
			t.Fatal(err)
		}
	}
	repo := gitserver.NewRepo(t)
	srv := gitserver.StartHTTP(t, repo.Root, gitUser, gitPass)
	repo.Commit(t, files("hello", ""), "first platform")
	repo.Push(t)

	r, err := gitops.New(&gitops.Config{RESTConfig: c.RESTConfig()}, gitops.Options{
		RepoURL: srv.URL(repo.Name), Ref: "main", Path: "platform",
		Auth:      &gitrepo.Auth{Username: gitUser, Password: gitPass},
		Namespace: p + "-pono", CacheDir: t.TempDir(),
		Apply: func(a *reconcile.Apply) { a.Timeout = time.Minute },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	cycles := make(chan *gitops.CycleReport, 10)
	every, _ := schedule.Every(time.Hour)
	done := make(chan error, 1)
	go func() {
		done <- r.Run(ctx, gitops.RunOptions{Schedule: every, Listen: "127.0.0.1:0", TriggerToken: []byte(token),
			Ready: func(a string) { ready <- a }, OnCycle: func(rep *gitops.CycleReport) { cycles <- rep }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("reconciler: %v", err)
	}
	next := func() *gitops.CycleReport {
		select {
		case rep := <-cycles:
			return rep
		case <-time.After(3 * time.Minute):
			t.Fatal("no cycle within 3m")
			return nil
		}
	}
	if rep := next(); rep.Result != gitops.Failed {
		t.Fatalf("first cycle = %s (%v), want failed (bad is refused)", rep.Result, rep.Err)
	}
	base := "http://" + addr

	b := newBrowser(t)
	// The table lists every release with the right states.
	b.run(t, "open the Extensions page", chromedp.Navigate(base+"/ui/"), chromedp.WaitVisible("#extensions", chromedp.ByID))
	want := map[string]string{"web": "ready", "exp": "ready", "flow": "ready", "bad": "failed"}
	if got := b.rows(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	var text string
	b.run(t, "read the table", chromedp.Text("#extensions", &text, chromedp.ByID))
	for _, w := range []string{"experimental", "workflow", "deployed", "Running", "greeting=hello"} {
		if !strings.Contains(text, w) {
			t.Errorf("table lacks %q", w)
		}
	}
	b.screenshot(t, "extensions")

	// A filter hides what it should: the stability filter as a user
	// changes it, and the text filter as a user types.
	b.run(t, "filter experimental", chromedp.SetValue(`select[name=stability]`, "experimental", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("select[name=stability]").dispatchEvent(new Event("change", {bubbles: true}))`, nil))
	b.waitFor(t, "only exp shown", `document.querySelectorAll("#extensions tbody tr[data-release]").length === 1 && !!document.querySelector('tr[data-release="exp"]')`)
	b.screenshot(t, "filter-experimental")
	b.run(t, "clear the filter", chromedp.Navigate(base+"/ui/"), chromedp.WaitVisible("#extensions", chromedp.ByID),
		chromedp.SendKeys(`input[name=q]`, "we", chromedp.ByQuery))
	b.waitFor(t, "only web shown", `document.querySelectorAll("#extensions tbody tr[data-release]").length === 1 && !!document.querySelector('tr[data-release="web"]')`)

	// A failed release shows its reason.
	b.run(t, "open bad", chromedp.Navigate(base+"/ui/release/"+p+"-admin/bad"), chromedp.WaitVisible("#failure", chromedp.ByID),
		chromedp.Text("#failure", &text, chromedp.ByID))
	if !strings.Contains(text, "Not_A_Valid_Name") {
		t.Errorf("bad's failure = %q, want the API server's reason naming the object", text)
	}
	b.screenshot(t, "release-failed")
	b.run(t, "open web", chromedp.Navigate(base+"/ui/release/"+p+"-admin/web"), chromedp.WaitVisible("#history", chromedp.ByID),
		chromedp.Text("#live", &text, chromedp.ByID))
	for _, w := range []string{"commit ", "Deployment", "1/1 ready", `"greeting": "hello"`} {
		if !strings.Contains(text, w) {
			t.Errorf("web's page lacks %q", w)
		}
	}
	b.screenshot(t, "release")

	// An invalid commit shows its positioned error, exactly as pono
	// reconcile reports it; the page's "reconcile now" (with the token)
	// asks for the cycle, and the page updates without a reload.
	invalid := repo.Commit(t, files("hello", "  ghost: {version: \"1.0.0\", parameters: {nope: 1}}\n"), "an extension without a chart")
	repo.Push(t)
	b.run(t, "open the platform page", chromedp.Navigate(base+"/ui/platform"), chromedp.WaitVisible("#reconcile-now", chromedp.ByID),
		chromedp.Evaluate(`window.ponoNoReload = true`, nil),
		chromedp.SendKeys(`#reconcile-now input[name=token]`, "wrong", chromedp.ByQuery), chromedp.Submit(`#reconcile-now form`, chromedp.ByQuery),
		chromedp.WaitVisible("#error", chromedp.ByID))
	if rep := r.Status(); rep.LastAttempt != nil && strings.HasPrefix(invalid, rep.LastAttempt.Commit) {
		t.Fatal("a wrong token queued a cycle")
	}
	b.expect(t, "401 (Unauthorized) "+base+"/ui/reconcile")
	b.run(t, "reconcile now", chromedp.Navigate(base+"/ui/platform"), chromedp.WaitVisible("#reconcile-now", chromedp.ByID),
		chromedp.SendKeys(`#reconcile-now input[name=token]`, token, chromedp.ByQuery), chromedp.Submit(`#reconcile-now form`, chromedp.ByQuery),
		chromedp.WaitVisible("#queued", chromedp.ByID), chromedp.Evaluate(`window.ponoNoReload = true`, nil))
	rep := next()
	if rep.Result != gitops.Invalid || rep.Trigger != "ui" {
		t.Fatalf("cycle after reconcile now = %s %s (%v), want ui invalid", rep.Trigger, rep.Result, rep.Err)
	}
	b.waitFor(t, "the positioned error", fmt.Sprintf(`(document.getElementById("attempt-commit")||{}).textContent === %q && !!document.getElementById("attempt-error") && window.ponoNoReload === true`, invalid[:12]))
	b.run(t, "read the error", chromedp.Text("#attempt-error", &text, chromedp.ByID))
	if want := "error: " + rep.Err.Error(); strings.TrimSpace(text) != want {
		t.Errorf("page error =\n%s\nwant, as pono reconcile prints it:\n%s", text, want)
	}
	if !strings.Contains(text, "platform/platform.yaml:") {
		t.Errorf("error %q has no position", text)
	}
	b.screenshot(t, "platform-invalid")

	// A pushed commit appears without a reload (here triggered by the API).
	good := repo.Commit(t, files("bonjour", ""), "say bonjour")
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
	b.run(t, "back to the table", chromedp.Navigate(base+"/ui/"), chromedp.WaitVisible("#extensions", chromedp.ByID), chromedp.Text("#extensions", &text, chromedp.ByID))
	if !strings.Contains(text, "greeting=bonjour") {
		t.Error("the table does not show the new commit's parameter")
	}

	// A workflow's graph renders with its nodes and edges (compiler/
	// workflow's example: the platform format does not carry workflows
	// yet, so a page server holds it directly).
	page := ui.New(ui.Options{})
	page.Publish(ui.Build(ui.Input{Platform: ui.Platform{Name: "workflows-example", Local: true}, Workflows: uitest.ExampleWorkflows(t)}))
	ws := httptest.NewServer(page.Handler())
	defer ws.Close()
	defer page.Close() // end the page's event stream first
	var nodes, edges int
	b.run(t, "open the workflow", chromedp.Navigate(ws.URL+"/ui/workflows/organ-report"), chromedp.WaitVisible("#graph svg", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#graph svg g.node").length`, &nodes),
		chromedp.Evaluate(`document.querySelectorAll("#graph svg g.edge").length`, &edges))
	if nodes != 4 || edges != 4 {
		t.Errorf("graph: %d nodes, %d edges; want 4 and 4", nodes, edges)
	}
	b.screenshot(t, "workflow")

	b.check(t)
	if *updateDocs {
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
}
