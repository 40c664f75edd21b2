package reconcile

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/pono-gitops/pono/cluster/ui"
)

// handler serves the probes, metrics, the on-demand triggers and the web
// page (page nil: none).
func (r *Reconciler) handler(webhookSecret, token []byte, page *ui.Server) http.Handler {
	mux := http.NewServeMux()
	if page != nil {
		mux.Handle(ui.Prefix, page.Handler())
		mux.Handle("GET /{$}", http.RedirectHandler(ui.Prefix, http.StatusFound))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "leader": r.leader.Load(), "cycleRunning": r.running.Load()})
	})
	mux.Handle("GET /metrics", r.metric.handler())
	mux.HandleFunc("POST /reconcile", func(w http.ResponseWriter, req *http.Request) {
		if len(token) == 0 {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": "POST /reconcile is disabled: no trigger token configured (--trigger-token-file)"})
			return
		}
		if !ui.Authorized(ui.BearerToken(req), token) {
			r.log.Warn("reconcile trigger refused: bad or missing token", "remote", req.RemoteAddr)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad or missing trigger token: send Authorization: Bearer <token>"})
			return
		}
		r.accept(w, "api")
	})
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, req *http.Request) {
		if len(webhookSecret) == 0 {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "the webhook is disabled: no webhook secret configured"})
			return
		}
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "read body: " + err.Error()})
			return
		}
		if !webhookAuthorized(req, body, webhookSecret) {
			r.log.Warn("webhook refused: bad or missing secret", "remote", req.RemoteAddr)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad or missing webhook secret"})
			return
		}
		r.accept(w, "webhook")
	})
	return mux
}

// accept queues a cycle. Windows still apply: a cycle outside them plans
// and reports only.
func (r *Reconciler) accept(w http.ResponseWriter, why string) {
	if !r.Trigger(why) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "not the leader: only the leader runs cycles; retry, or let the schedule pick the change up"})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": true, "trigger": why})
}

// webhookAuthorized accepts GitHub's HMAC signature (X-Hub-Signature-256),
// GitLab's token header (X-Gitlab-Token) or a bearer token, each compared
// in constant time.
func webhookAuthorized(req *http.Request, body, secret []byte) bool {
	if sig := req.Header.Get("X-Hub-Signature-256"); sig != "" {
		got, err := hex.DecodeString(strings.TrimPrefix(sig, "sha256="))
		if err != nil {
			return false
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(body)
		return hmac.Equal(got, mac.Sum(nil))
	}
	if tok := req.Header.Get("X-Gitlab-Token"); tok != "" {
		return subtle.ConstantTimeCompare([]byte(tok), secret) == 1
	}
	if auth := req.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		return subtle.ConstantTimeCompare([]byte(strings.TrimPrefix(auth, "Bearer ")), secret) == 1
	}
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
