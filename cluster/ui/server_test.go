package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
)

type fakeReleases struct{}

func (fakeReleases) Release(_ context.Context, ns, name string) (*ReleaseDetail, error) {
	if name == "app-1" {
		return nil, errors.New("release admin/app-1 history: connection refused while sending " + secret)
	}
	return &ReleaseDetail{
		Description: "pono apply: upgrade (commit 0123456789ab signed by Alice <alice@example.org>)",
		History: []Revision{
			{Revision: 2, Status: "deployed", Chart: name + "-chart", ChartVersion: "1.0.0", Commit: "0123456789ab", Signer: "Alice <alice@example.org>", Description: "pono apply: upgrade (commit 0123456789ab signed by Alice <alice@example.org>)"},
			{Revision: 1, Status: "superseded", Chart: name + "-chart", ChartVersion: "1.0.0", Commit: "fedcba987654", Description: "pono apply: install (commit fedcba987654)"},
		},
		Objects: []Object{{Kind: "Deployment", Namespace: ns, Name: "web", Status: "1/1 ready"}, {Kind: "ConfigMap", Namespace: ns, Name: "web", Status: "present"}},
	}, nil
}

func newTestServer(t testing.TB, n int, opts Options) *Server {
	t.Helper()
	if opts.Releases == nil {
		opts.Releases = fakeReleases{}
	}
	s := New(opts)
	s.Publish(Build(fixture(t, n, true)))
	return s
}

func TestSecurityHeaders(t *testing.T) {
	h := newTestServer(t, 5, Options{}).Handler()
	for _, p := range []string{"/ui/", "/ui/platform", "/ui/workflows", "/ui/workflows/organ-report", "/ui/release/admin/app-0", "/ui/api/snapshot", "/ui/static/ui.js", "/ui/nothing"} {
		resp, _ := get(t, h, p)
		hd := resp.Header
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", p, csp)
		}
		if hd.Get("X-Frame-Options") != "DENY" || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: framing/sniffing headers = %q %q", p, hd.Get("X-Frame-Options"), hd.Get("X-Content-Type-Options"))
		}
	}
}

// TestPagesHaveNoInlineScriptOrStyle: the CSP forbids both, so a page
// carrying them would break (and log console errors).
func TestPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	h := newTestServer(t, 5, Options{Token: []byte("tok")}).Handler()
	inline := regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]|\sstyle="|\son[a-z]+="|javascript:`)
	external := regexp.MustCompile(`(?:src|href|action)="(?:https?:)?//`)
	for _, p := range []string{"/ui/", "/ui/platform", "/ui/workflows", "/ui/workflows/organ-report", "/ui/release/admin/app-0", "/ui/release/admin/app-1"} {
		_, body := get(t, h, p)
		if m := inline.FindString(body); m != "" {
			t.Errorf("%s has inline code or style: %q", p, m)
		}
		if m := external.FindString(body); m != "" {
			t.Errorf("%s loads or links outside the page: %q", p, m)
		}
	}
}

func TestExtensionsTable(t *testing.T) {
	h := newTestServer(t, 5, Options{}).Handler()
	resp, body := get(t, h, "/ui/")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /ui/ = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	wantState := map[string]string{"app-0": "ready", "app-1": "failed", "app-2": "not-installed", "app-3": "drifted", "app-4": "ready"}
	for rel, st := range wantState {
		if !strings.Contains(body, fmt.Sprintf(`data-release="%s" data-state="%s"`, rel, st)) {
			t.Errorf("row %s: want state %s", rel, st)
		}
	}
	for _, want := range []string{
		"Helm status", "Kube status", "Multi-installable", "desired / deployed",
		"yes: alice, bob",                // multi-installable with its instances
		"<b>password</b>=" + diff.Hidden, // the sensitive parameter, masked
		"<b>greeting</b>=hi app-0",
		"drifted: 1 object(s)",
		"upgrade failed: container web: back-off restarting, password " + diff.Hidden,
		`<span class="badge kube-CrashLoopBackOff">CrashLoopBackOff</span>`,
		"5 of 5 releases",
	} {
		if !strings.Contains(body, strings.ReplaceAll(want, "<b>", "<b>")) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestFilters(t *testing.T) {
	h := newTestServer(t, 10, Options{}).Handler()
	rows := func(q string) []string {
		_, body := get(t, h, "/ui/api/extensions"+q)
		var r struct{ Rows []Row }
		decode(t, body, &r)
		var names []string
		for _, x := range r.Rows {
			names = append(names, x.Release)
		}
		return names
	}
	for q, want := range map[string]string{
		"?kind=workflow":                        "app-4 app-9",
		"?stability=experimental&kind=workflow": "app-4",
		"?state=failed":                         "app-1",
		"?state=not-installed":                  "app-2",
		"?state=drifted":                        "app-3",
		"?q=APP-7":                              "app-7",
		"?state=installed&q=app-2":              "",
	} {
		if got := strings.Join(rows(q), " "); got != want {
			t.Errorf("%s: rows %q, want %q", q, got, want)
		}
	}
	// Without JavaScript the form filters through the query string too.
	_, body := get(t, h, "/ui/?stability=stable")
	if strings.Contains(body, `data-release="app-0"`) || !strings.Contains(body, `data-release="app-1"`) {
		t.Error("stable filter: want app-1 shown and app-0 hidden")
	}
	if !strings.Contains(body, `<option value="stable" selected>`) {
		t.Error("the form does not keep the chosen filter")
	}
}

func TestPagination(t *testing.T) {
	h := newTestServer(t, 1000, Options{}).Handler()
	_, body := get(t, h, "/ui/")
	if n := strings.Count(body, "<tr class=\"state-"); n != DefaultPerPage {
		t.Errorf("first page rows = %d, want %d", n, DefaultPerPage)
	}
	if !strings.Contains(body, "page 1 of 20") || !strings.Contains(body, `href="/ui/?page=2"`) {
		t.Error("first page lacks its page links")
	}
	_, body = get(t, h, "/ui/?page=20")
	if !strings.Contains(body, `data-release="app-999"`) || strings.Contains(body, `data-release="app-949"`) {
		t.Error("page 20 does not hold the last 50 releases")
	}
	_, body = get(t, h, "/ui/api/extensions?per=100000&page=3")
	var r struct {
		Rows          []Row
		Page, PerPage int
	}
	decode(t, body, &r)
	if len(r.Rows) != MaxPerPage || r.PerPage != MaxPerPage || r.Page != 2 {
		t.Errorf("per=100000&page=3: %d rows, per %d, page %d; want %d rows on the last page 2", len(r.Rows), r.PerPage, r.Page, MaxPerPage)
	}
	// Past the end: the last page, never an empty or failing one.
	if resp, _ := get(t, h, "/ui/?page=999999999999999999999"); resp.StatusCode != http.StatusOK {
		t.Errorf("absurd page: %d", resp.StatusCode)
	}
}

func TestReleasePage(t *testing.T) {
	h := newTestServer(t, 5, Options{}).Handler()
	_, body := get(t, h, "/ui/release/admin/app-0")
	for _, want := range []string{
		"0123456789ab", "Alice &lt;alice@example.org&gt;", "fedcba987654", // history with commit and signer
		"<td>Deployment</td><td>admin</td><td>web</td><td>1/1 ready</td>",                   // objects with status
		`&#34;password&#34;: &#34;` + diff.Hidden, `&#34;greeting&#34;: &#34;hi app-0&#34;`, // values from git, masked
	} {
		if !strings.Contains(body, want) {
			t.Errorf("release page lacks %q", want)
		}
	}
	_, body = get(t, h, "/ui/release/admin/app-1")
	for _, want := range []string{`id="failure"`, "back-off restarting, password " + diff.Hidden, "connection refused while sending " + diff.Hidden, "upgrade: failed"} {
		if !strings.Contains(body, want) {
			t.Errorf("failed release page lacks %q", want)
		}
	}
	if resp, _ := get(t, h, "/ui/release/admin/nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown release: %d, want 404", resp.StatusCode)
	}
	_, body = get(t, h, "/ui/api/release/admin/app-0")
	var r struct {
		Values map[string]map[string]any
		Detail ReleaseDetail
	}
	decode(t, body, &r)
	if r.Values["global"]["password"] != diff.Hidden || len(r.Detail.History) != 2 {
		t.Errorf("release data: password %v, %d revisions", r.Values["global"]["password"], len(r.Detail.History))
	}
}

func TestPlatformPage(t *testing.T) {
	in := fixture(t, 5, false)
	in.Platform.LastAttempt.Result = "planned"
	in.Platform.Mode = "observe"
	in.Platform.Windows = []string{"0 22 * * 1-5 +4h"}
	s := New(Options{Plan: func(_ context.Context, res *compiler.Result) (*diff.Report, error) {
		return &diff.Report{Platform: res.Platform.Name, Base: "cluster", Head: "platform", Summary: diff.Summary{Reconfigured: 1, Unchanged: 4},
			Releases: []diff.ReleaseChange{{Name: "app-0", Namespace: "admin", Change: diff.ChangeReconfigured, Action: "reconfigure", Reason: "values changed",
				Values: []diff.ValueChange{{Path: "global.greeting", Change: "changed", From: `"hi"`, To: `"bonjour"`}}}}}, nil
	}})
	s.Publish(Build(in))
	_, body := get(t, s.Handler(), "/ui/platform")
	for _, want := range []string{
		"https://git.example.org/platform.git", "<code>main</code>", `id="mode">observe`, "<code>0 22 * * 1-5 &#43;4h</code>",
		"cdcdcdcdcdcd", // last applied
		"error: commit abababababab: release app-1: upgrade failed: the password " + diff.Hidden,
		"### pono plan for `demo`", "global.greeting",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("platform page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="reconcile-now"`) {
		t.Error("reconcile now shown without a token")
	}
}

// TestPositionedErrorShownVerbatim: an invalid commit's error reads as
// `pono reconcile` prints it, positions included.
func TestPositionedErrorShownVerbatim(t *testing.T) {
	in := fixture(t, 1, false)
	msg := "commit 1a2b3c4d5e6f (break it): 1a2b3c4d5e6f:platform/platform.yaml:8:18: extension app: parameter \"size\": \"xl\" is not one of the options [\"s\", \"m\"] (chart app 1.0.0)"
	in.Platform.LastAttempt.Result, in.Platform.LastAttempt.Error = "invalid", msg
	s := New(Options{})
	s.Publish(Build(in))
	_, body := get(t, s.Handler(), "/ui/platform")
	want := strings.NewReplacer(`"`, "&#34;").Replace("error: " + msg)
	if !strings.Contains(body, want) {
		t.Errorf("platform page lacks the positioned error %q", want)
	}
}

func TestReconcileNowToken(t *testing.T) {
	var triggered []string
	trigger := func(why string) bool { triggered = append(triggered, why); return true }
	post := func(h http.Handler, form url.Values, auth string) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/ui/reconcile", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, _ := do(t, h, req)
		return resp
	}
	readOnly := newTestServer(t, 2, Options{Trigger: trigger}).Handler()
	if resp := post(readOnly, url.Values{"token": {""}}, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("read-only page: POST = %d, want 403", resp.StatusCode)
	}
	h := newTestServer(t, 2, Options{Token: []byte("s3cret-token"), Trigger: trigger}).Handler()
	_, body := get(t, h, "/ui/platform")
	if !strings.Contains(body, `id="reconcile-now"`) || strings.Contains(body, "s3cret-token") {
		t.Error("with a token: want the form, never the token")
	}
	for name, tc := range map[string]struct {
		form url.Values
		auth string
	}{"missing": {url.Values{}, ""}, "wrong": {url.Values{"token": {"guess"}}, ""}, "prefix": {url.Values{"token": {"s3cret"}}, ""}, "wrong bearer": {nil, "Bearer nope"}} {
		if resp := post(h, tc.form, tc.auth); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s token: %d, want 401", name, resp.StatusCode)
		}
	}
	if len(triggered) != 0 {
		t.Fatalf("refused requests triggered cycles: %v", triggered)
	}
	resp := post(h, url.Values{"token": {"s3cret-token"}}, "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ui/platform?queued=1" {
		t.Errorf("right token: %d %s, want 303 to the platform page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := post(h, nil, "Bearer s3cret-token"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("bearer token: %d, want 303", resp.StatusCode)
	}
	if strings.Join(triggered, ",") != "ui,ui" {
		t.Errorf("triggers = %v, want two from the page", triggered)
	}
	follower := newTestServer(t, 1, Options{Token: []byte("t"), Trigger: func(string) bool { return false }}).Handler()
	if resp := post(follower, url.Values{"token": {"t"}}, ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("follower: %d, want 503", resp.StatusCode)
	}
}

func TestWorkflowViews(t *testing.T) {
	h := newTestServer(t, 2, Options{}).Handler()
	_, body := get(t, h, "/ui/workflows")
	if !strings.Contains(body, `href="/ui/workflows/organ-report"`) {
		t.Fatal("workflow list lacks organ-report")
	}
	_, body = get(t, h, "/ui/workflows/organ-report")
	if n := strings.Count(body, `class="node"`); n != 4 {
		t.Errorf("graph nodes = %d, want 4", n)
	}
	if n := strings.Count(body, `class="edge"`); n != 4 {
		t.Errorf("graph edges = %d, want 4", n)
	}
	for _, want := range []string{"downloads → dicom", "segment / segment", "Threads", `type="number" min="1" max="16"`, "Which segmentation model to run", "<fieldset disabled>",
		`must match <code class="pattern">^[A-Za-z0-9 _-]{1,80}$</code>`} {
		if !strings.Contains(body, want) {
			t.Errorf("workflow page lacks %q", want)
		}
	}
	// Browsers compile a pattern attribute with the v flag, which refuses
	// Kaapana's "_-]": Firefox logs an error for it.
	if strings.Contains(body, "pattern=") {
		t.Error("workflow form has a pattern attribute")
	}
	resp, svg := get(t, h, "/ui/workflows/organ-report/graph.svg")
	if resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg, "<svg") {
		t.Errorf("graph.svg: %s %.40q", resp.Header.Get("Content-Type"), svg)
	}
	// Without workflows the page says so.
	s := New(Options{})
	s.Publish(Build(fixture(t, 2, false)))
	_, body = get(t, s.Handler(), "/ui/workflows")
	if !strings.Contains(body, "This platform has no workflows.") {
		t.Error("no-workflows page does not say so")
	}
}

func TestBeforeTheFirstCycle(t *testing.T) {
	h := New(Options{}).Handler()
	for _, p := range []string{"/ui/", "/ui/platform", "/ui/workflows"} {
		resp, body := get(t, h, p)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Waiting for the first reconcile cycle") {
			t.Errorf("%s before the first cycle: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := get(t, h, "/ui/api/snapshot"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("snapshot before the first cycle: %d, want 503", resp.StatusCode)
	}
}

// TestNoSecretAnywhere walks every page and data endpoint (do fails on
// the sensitive value) and checks messages are bounded.
func TestNoSecretAnywhere(t *testing.T) {
	in := fixture(t, 5, true)
	in.Platform.LastAttempt.Error = strings.Repeat("x", 3*maxText) + secret
	s := New(Options{Releases: fakeReleases{}, Token: []byte("tok")})
	s.Publish(Build(in))
	h := s.Handler()
	for _, p := range []string{"/ui/", "/ui/?partial=1", "/ui/platform", "/ui/workflows", "/ui/workflows/organ-report", "/ui/workflows/organ-report/graph.svg",
		"/ui/api/snapshot", "/ui/api/extensions", "/ui/api/plan", "/ui/release/admin/app-0", "/ui/release/admin/app-1", "/ui/api/release/admin/app-0", "/ui/api/release/admin/app-1"} {
		_, body := get(t, h, p)
		if strings.Contains(body, "tok\"") || len(body) > maxPage {
			t.Errorf("%s: token or unbounded body (%d bytes)", p, len(body))
		}
	}
	_, body := get(t, h, "/ui/api/snapshot")
	if !strings.Contains(body, "more bytes)") {
		t.Error("a long error is not clipped")
	}
}

func TestPartialAndEvents(t *testing.T) {
	s := newTestServer(t, 3, Options{})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	resp, body := get(t, s.Handler(), "/ui/?partial=1")
	if strings.Contains(body, "<html") || !strings.Contains(body, `id="extensions"`) || resp.Header.Get("X-Pono-Generation") != "1" {
		t.Errorf("partial: want only the live region of generation 1 (got %s)", resp.Header.Get("X-Pono-Generation"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ui/events", nil)
	es, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Body.Close()
	if es.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events content type %q", es.Header.Get("Content-Type"))
	}
	buf := make([]byte, 4096)
	read := func(want string) {
		t.Helper()
		var got string
		for !strings.Contains(got, want) {
			n, err := es.Body.Read(buf)
			if err != nil {
				t.Fatalf("events: want %q, got %q (%v)", want, got, err)
			}
			got += string(buf[:n])
		}
	}
	read("event: snapshot\ndata: 1\n\n")
	s.Publish(Build(fixture(t, 4, false)))
	read("event: snapshot\ndata: 2\n\n")
	s.Close()
	if _, err := es.Body.Read(buf); err == nil {
		// A last buffered read may succeed; the next must end.
		if _, err := es.Body.Read(buf); err == nil {
			t.Error("Close did not end the stream")
		}
	}
}

func TestOrigin(t *testing.T) {
	for desc, want := range map[string][2]string{
		"pono apply: upgrade (commit 0123456789ab signed by Alice <a@x>)": {"0123456789ab", "Alice <a@x>"},
		"pono apply: install (commit 0123456789ab)":                       {"0123456789ab", ""},
		"Upgrade complete": {"", ""},
	} {
		c, s := Origin(desc)
		if c != want[0] || s != want[1] {
			t.Errorf("Origin(%q) = %q, %q; want %q", desc, c, s, want)
		}
	}
}
