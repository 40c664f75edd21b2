package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
)

// maxPage bounds any rendered page or data response.
const maxPage = 8 << 20

// pageData is what every template gets.
type pageData struct {
	Title   string
	Nav     string
	Snap    *Snapshot
	Gen     uint64
	Token   bool
	Version string
	Message string

	Filter Filter
	Paged  Paged
	Kinds  []string
	States []string

	Row       *Row
	Outcome   *statusdoc.ReleaseRecord
	Detail    *ReleaseDetail
	DetailErr string
	Values    string

	Plan    string
	PlanErr string
	Queued  string

	Workflow *Workflow
	SVG      template.HTML
	SVGErr   string
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"sub":  func(a, b int) int { return a - b },
	// short keeps table cells readable; the release page shows it whole.
	"short": func(s string) string {
		if r := []rune(s); len(r) > 240 {
			return string(r[:240]) + "…"
		}
		return s
	},
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"dur": func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	// raw is a form default as its text (JSON strings unquoted).
	"raw": func(b json.RawMessage) string {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s
		}
		return string(b)
	},
	"isTrue": func(b json.RawMessage) bool { return string(b) == "true" },
}

func parseTemplates() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(assets, "assets/layout.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"extensions", "release", "platform", "workflows", "workflow", "error"} {
		t := template.Must(base.Clone())
		out[name] = template.Must(t.ParseFS(assets, "assets/pages/"+name+".html"))
	}
	return out
}

// render writes a page, or only its live region for ?partial=1 (what
// ui.js swaps in on updates). The page is rendered into a buffer first:
// a template error becomes a 500, never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, d *pageData) {
	d.Version = compiler.Version
	d.Token = s.TokenConfigured()
	if d.Snap == nil {
		d.Snap = s.Snapshot()
	}
	if d.Snap != nil {
		d.Gen = d.Snap.Generation
	}
	tpl := "layout"
	if r.URL.Query().Get("partial") == "1" {
		tpl = "live"
	}
	var buf bytes.Buffer
	if err := s.tmpl[name].ExecuteTemplate(&buf, tpl, d); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	if buf.Len() > maxPage {
		http.Error(w, "page too large; narrow the filter", http.StatusInsufficientStorage)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Pono-Generation", strconv.FormatUint(d.Gen, 10))
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, code int, msg string) {
	s.render(w, r, code, "error", &pageData{Title: http.StatusText(code), Message: msg})
}

func (s *Server) extensionsPage(w http.ResponseWriter, r *http.Request) {
	d := &pageData{Title: "Extensions", Nav: "extensions", Snap: s.Snapshot(), Filter: ParseFilter(r.URL.Query()),
		States: []string{StateReady, StatePending, StateFailed, StateDrifted, StateNotInstalled, "installed"}}
	if d.Snap != nil {
		d.Paged = d.Filter.Apply(d.Snap.Extensions)
		d.Kinds = kinds(d.Snap.Extensions)
	}
	s.render(w, r, http.StatusOK, "extensions", d)
}

func kinds(rows []Row) []string {
	var out []string
	for i := range rows {
		if k := rows[i].Kind; k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// findRow is the snapshot's row of namespace/name.
func findRow(snap *Snapshot, namespace, name string) *Row {
	if snap == nil {
		return nil
	}
	for i := range snap.Extensions {
		if r := &snap.Extensions[i]; r.Namespace == namespace && r.Release == name {
			return r
		}
	}
	return nil
}

func (s *Server) releasePage(w http.ResponseWriter, r *http.Request) {
	ns, name := r.PathValue("namespace"), r.PathValue("name")
	snap := s.Snapshot()
	row := findRow(snap, ns, name)
	if row == nil {
		s.errorPage(w, r, http.StatusNotFound, fmt.Sprintf("No release %s/%s in the platform or its namespaces.", ns, name))
		return
	}
	d := &pageData{Title: "Release " + name, Nav: "extensions", Snap: snap, Row: row}
	d.Outcome, d.Detail, d.DetailErr, d.Values = s.releaseData(r.Context(), snap, row)
	s.render(w, r, http.StatusOK, "release", d)
}

// releaseData reads what the release page adds to the row: the last
// cycle's outcome, Helm history and objects, and the values from git,
// each masked.
func (s *Server) releaseData(ctx context.Context, snap *Snapshot, row *Row) (*statusdoc.ReleaseRecord, *ReleaseDetail, string, string) {
	var outcome *statusdoc.ReleaseRecord
	if a := snap.Platform.LastAttempt; a != nil {
		for i := range a.Releases {
			if o := a.Releases[i]; o.Namespace == row.Namespace && o.Name == row.Release {
				outcome = &o
			}
		}
	}
	m := diff.NewMasker(snap.result)
	var values string
	if snap.result != nil {
		if rel, ok := snap.result.Release(row.Release); ok && rel.Namespace == row.Namespace {
			b, _ := json.MarshalIndent(m.Values(rel.Values), "", "  ")
			values = clip(string(b))
		}
	}
	if s.opts.Releases == nil || row.HelmStatus == "not-installed" {
		return outcome, nil, "", values
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	det, err := s.opts.Releases.Release(ctx, row.Namespace, row.Release)
	if err != nil {
		return outcome, nil, clip(m.Scrub(err.Error())), values
	}
	c := *det
	c.Description = clip(m.Scrub(c.Description))
	c.History = slices.Clone(c.History)
	for i := range c.History {
		c.History[i].Description = clip(m.Scrub(c.History[i].Description))
	}
	return outcome, &c, "", values
}

func (s *Server) platformPage(w http.ResponseWriter, r *http.Request) {
	d := &pageData{Title: "Platform", Nav: "platform", Snap: s.Snapshot()}
	if r.URL.Query().Get("queued") == "1" {
		d.Queued = "A cycle is queued; this page updates when it ends."
	}
	if d.Snap != nil {
		d.Plan, d.PlanErr = s.pendingPlan(r.Context(), d.Snap)
	}
	s.render(w, r, http.StatusOK, "platform", d)
}

// pendingPlan is the markdown plan of the changes the last cycle could not
// apply (observe mode or outside the windows), computed once per snapshot.
func (s *Server) pendingPlan(ctx context.Context, snap *Snapshot) (string, string) {
	if s.opts.Plan == nil || snap.result == nil {
		return "", ""
	}
	if a := snap.Platform.LastAttempt; a != nil && a.Result != "planned" {
		return "", ""
	}
	s.planMu.Lock()
	defer s.planMu.Unlock()
	if s.plan.gen == snap.Generation && (s.plan.markdown != "" || s.plan.err != "") {
		return s.plan.markdown, s.plan.err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	pr := planResult{gen: snap.Generation}
	rep, err := s.opts.Plan(ctx, snap.result)
	if err == nil && rep.HasChanges() {
		var b strings.Builder
		err = diff.WriteMarkdown(&b, rep, diff.MarkdownOptions{})
		pr.markdown = b.String()
	}
	if err != nil {
		pr.err = clip(diff.NewMasker(snap.result).Scrub("pending changes not computed: " + err.Error()))
	}
	if ctx.Err() == nil {
		s.plan = pr
	}
	return pr.markdown, pr.err
}

func (s *Server) workflowsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "workflows", &pageData{Title: "Workflows", Nav: "workflows", Snap: s.Snapshot()})
}

func findWorkflow(snap *Snapshot, name string) *Workflow {
	if snap == nil {
		return nil
	}
	for i := range snap.Workflows {
		if snap.Workflows[i].Name == name {
			return &snap.Workflows[i]
		}
	}
	return nil
}

func (s *Server) workflowPage(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	wf := findWorkflow(snap, r.PathValue("name"))
	if wf == nil {
		s.errorPage(w, r, http.StatusNotFound, fmt.Sprintf("No workflow %q in the platform.", r.PathValue("name")))
		return
	}
	d := &pageData{Title: "Workflow " + wf.Name, Nav: "workflows", Snap: snap, Workflow: wf}
	svg, err := s.graphSVG(r.Context(), snap, wf)
	if err != nil {
		d.SVGErr = err.Error()
	}
	// The SVG is Graphviz's rendering of labels it escaped itself.
	d.SVG = template.HTML(svg)
	s.render(w, r, http.StatusOK, "workflow", d)
}

func (s *Server) workflowSVG(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	wf := findWorkflow(snap, r.PathValue("name"))
	if wf == nil {
		http.NotFound(w, r)
		return
	}
	svg, err := s.graphSVG(r.Context(), snap, wf)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(svg)
}

func (s *Server) reconcileNow(w http.ResponseWriter, r *http.Request) {
	if !s.TokenConfigured() {
		s.errorPage(w, r, http.StatusForbidden, "Reconcile now is disabled: the reconciler has no trigger token configured.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	tok := BearerToken(r)
	if tok == "" {
		if err := r.ParseForm(); err == nil {
			tok = r.PostForm.Get("token")
		}
	}
	if !Authorized(tok, s.opts.Token) {
		s.log.Warn("reconcile now refused: bad or missing token", "remote", r.RemoteAddr)
		s.errorPage(w, r, http.StatusUnauthorized, "Wrong or missing token: no cycle was queued.")
		return
	}
	if s.opts.Trigger == nil || !s.opts.Trigger("ui") {
		s.errorPage(w, r, http.StatusServiceUnavailable, "This replica is not the leader: only the leader runs cycles. Retry, or wait for the schedule.")
		return
	}
	http.Redirect(w, r, "/ui/platform?queued=1", http.StatusSeeOther)
}
