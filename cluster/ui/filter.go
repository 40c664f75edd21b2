package ui

import (
	"net/url"
	"strconv"
	"strings"
)

// Page sizes of the Extensions table.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// Filter is the Extensions page's filters, Kaapana's plus a text filter,
// read from the query string so the page filters without JavaScript.
type Filter struct {
	// Kind: application, workflow, ... ("": all).
	Kind string
	// Stability: stable or experimental ("": all).
	Stability string
	// State: one of the State* constants, or "installed" for everything
	// but not-installed ("": all).
	State string
	// Text matches release, extension, instance, chart and namespace.
	Text    string
	Page    int
	PerPage int
}

// ParseFilter reads a filter; anything unknown or out of range falls back
// to its default.
func ParseFilter(q url.Values) Filter {
	f := Filter{Kind: q.Get("kind"), Stability: q.Get("stability"), State: q.Get("state"), Text: strings.TrimSpace(q.Get("q"))}
	if len(f.Text) > 200 {
		f.Text = f.Text[:200]
	}
	if f.Stability != "stable" && f.Stability != "experimental" {
		f.Stability = ""
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Page = max(f.Page, 1)
	f.PerPage, _ = strconv.Atoi(q.Get("per"))
	if f.PerPage <= 0 {
		f.PerPage = DefaultPerPage
	}
	f.PerPage = min(f.PerPage, MaxPerPage)
	return f
}

// Match reports whether a row passes the filter.
func (f Filter) Match(r *Row) bool {
	if f.Kind != "" && r.Kind != f.Kind {
		return false
	}
	if f.Stability != "" && r.Stability != f.Stability {
		return false
	}
	switch f.State {
	case "":
	case "installed":
		if r.State == StateNotInstalled {
			return false
		}
	default:
		if r.State != f.State {
			return false
		}
	}
	if f.Text != "" {
		t := strings.ToLower(f.Text)
		hay := strings.ToLower(strings.Join([]string{r.Release, r.Extension, r.Instance, r.Chart, r.Namespace}, " "))
		if !strings.Contains(hay, t) {
			return false
		}
	}
	return true
}

// Paged is one page of filtered rows.
type Paged struct {
	Rows  []Row
	Total int // rows matching the filter
	All   int // rows before filtering
	Page  int
	Pages int
}

// Apply filters rows and cuts out the requested page (the last page when
// Page is beyond it).
func (f Filter) Apply(rows []Row) Paged {
	var match []Row
	for i := range rows {
		if f.Match(&rows[i]) {
			match = append(match, rows[i])
		}
	}
	p := Paged{Total: len(match), All: len(rows), Page: f.Page, Pages: max((len(match)+f.PerPage-1)/f.PerPage, 1)}
	p.Page = min(p.Page, p.Pages)
	lo := (p.Page - 1) * f.PerPage
	hi := min(lo+f.PerPage, len(match))
	p.Rows = match[lo:hi]
	if p.Rows == nil {
		p.Rows = []Row{}
	}
	return p
}

// Query is the filter as a query string, with page replaced.
func (f Filter) Query(page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"kind": f.Kind, "stability": f.Stability, "state": f.State, "q": f.Text} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.PerPage != DefaultPerPage {
		q.Set("per", strconv.Itoa(f.PerPage))
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
