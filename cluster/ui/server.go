package ui

import (
	"context"
	"crypto/subtle"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
)

// Prefix is the path the page is served under.
const Prefix = "/ui/"

//go:embed assets
var assets embed.FS

// ReleaseReader reads a release's history and objects from the cluster.
type ReleaseReader interface {
	Release(ctx context.Context, namespace, name string) (*ReleaseDetail, error)
}

// Options configure a Server.
type Options struct {
	// Token enables the "reconcile now" form, which must send it; empty
	// keeps the page read-only.
	Token []byte
	// Trigger queues a cycle (coalesced with one already pending); it
	// reports false when this replica does not run cycles.
	Trigger func(why string) bool
	// Releases reads release details (nil: the release page shows only the
	// snapshot's row).
	Releases ReleaseReader
	// Plan compares the compiled platform with the cluster: the changes
	// waiting for the next window (nil: not shown).
	Plan   func(ctx context.Context, res *compiler.Result) (*diff.Report, error)
	Logger *slog.Logger
	// RequestTimeout bounds cluster reads made for one request (default
	// 20s).
	RequestTimeout time.Duration
}

// Server serves the page for the latest published snapshot.
type Server struct {
	opts Options
	log  *slog.Logger
	tmpl map[string]*template.Template
	hub  *hub

	mu   sync.RWMutex
	snap *Snapshot
	gen  uint64

	planMu sync.Mutex
	plan   planResult

	svgMu sync.Mutex
	svgs  map[string][]byte
	svgAt uint64
}

type planResult struct {
	gen      uint64
	markdown string
	err      string
}

// New returns a Server with no snapshot yet (pages say so).
func New(opts Options) *Server {
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 20 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{opts: opts, log: log, tmpl: parseTemplates(), hub: newHub(), svgs: map[string][]byte{}}
}

// Publish makes snap the page's content and tells every open page.
func (s *Server) Publish(snap *Snapshot) {
	s.mu.Lock()
	s.gen++
	snap.Generation = s.gen
	if snap.Updated.IsZero() {
		snap.Updated = time.Now().UTC()
	}
	s.snap = snap
	gen := s.gen
	s.mu.Unlock()
	s.hub.publish(gen)
}

// Snapshot is the latest published snapshot (nil before the first).
func (s *Server) Snapshot() *Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap
}

// Close ends every open event stream (for server shutdown: a stream never
// goes idle on its own).
func (s *Server) Close() { s.hub.close() }

// Handler serves everything under Prefix.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "assets/static")
	mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /ui/{$}", s.extensionsPage)
	mux.HandleFunc("GET /ui/release/{namespace}/{name}", s.releasePage)
	mux.HandleFunc("GET /ui/platform", s.platformPage)
	mux.HandleFunc("GET /ui/workflows", s.workflowsPage)
	mux.HandleFunc("GET /ui/workflows/{name}", s.workflowPage)
	mux.HandleFunc("GET /ui/workflows/{name}/graph.svg", s.workflowSVG)
	mux.HandleFunc("GET /ui/events", s.events)
	mux.HandleFunc("GET /ui/api/snapshot", s.apiSnapshot)
	mux.HandleFunc("GET /ui/api/extensions", s.apiExtensions)
	mux.HandleFunc("GET /ui/api/release/{namespace}/{name}", s.apiRelease)
	mux.HandleFunc("GET /ui/api/plan", s.apiPlan)
	mux.HandleFunc("POST /ui/reconcile", s.reconcileNow)
	mux.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusNotFound, "No such page.")
	})
	return secure(mux)
}

// secure sets the headers every response carries: no script or style but
// the page's own, no framing, no content sniffing, no referrer, no caching
// of live data.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/ui/static/") {
			hd.Set("Cache-Control", "public, max-age=300")
		} else {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// TokenConfigured reports whether "reconcile now" is enabled.
func (s *Server) TokenConfigured() bool { return len(s.opts.Token) > 0 }

// Authorized checks a presented token against want in constant time; an
// empty want authorizes nothing.
func Authorized(presented string, want []byte) bool {
	return len(want) > 0 && subtle.ConstantTimeCompare([]byte(presented), want) == 1
}

// BearerToken is the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(auth, "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return ""
}
