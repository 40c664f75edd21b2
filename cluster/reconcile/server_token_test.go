package reconcile

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestReconcileEndpointWantsToken: without a trigger token POST /reconcile
// is disabled; with one it wants exactly that bearer token, and triggers
// arriving while one is pending coalesce into it.
func TestReconcileEndpointWantsToken(t *testing.T) {
	post := func(h http.Handler, auth string) int {
		req := httptest.NewRequest(http.MethodPost, "/reconcile", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	r := &Reconciler{log: slog.New(slog.DiscardHandler), metric: newMetrics(), triggers: make(chan string, 1)}
	r.leader.Store(true)
	if code := post(r.handler(nil, nil, nil), "Bearer anything"); code != http.StatusForbidden {
		t.Errorf("no token configured: %d, want 403", code)
	}
	h := r.handler([]byte("webhook-secret"), []byte("the-token"), nil)
	for auth, want := range map[string]int{
		"":                      http.StatusUnauthorized,
		"Bearer wrong":          http.StatusUnauthorized,
		"Bearer webhook-secret": http.StatusUnauthorized,
		"Basic the-token":       http.StatusUnauthorized,
		"Bearer the-token":      http.StatusAccepted,
	} {
		if code := post(h, auth); code != want {
			t.Errorf("Authorization %q: %d, want %d", auth, code, want)
		}
	}
	// A second accepted trigger while the first is pending is merged.
	if code := post(h, "Bearer the-token"); code != http.StatusAccepted {
		t.Errorf("second trigger: %d, want 202", code)
	}
	if n := len(r.triggers); n != 1 {
		t.Errorf("pending triggers = %d, want 1 (coalesced)", n)
	}
}
