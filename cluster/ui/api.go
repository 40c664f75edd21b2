package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// The data endpoints serve what the pages show, as JSON, with the same
// masking and bounds.

func (s *Server) writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		http.Error(w, "internal error encoding the response", http.StatusInternalServerError)
		return
	}
	if buf.Len() > maxPage {
		http.Error(w, "response too large; narrow the filter", http.StatusInsufficientStorage)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

type apiError struct {
	Error string `json:"error"`
}

// apiSnapshot is the platform and the counts of rows by state; the rows
// themselves page through /ui/api/extensions.
func (s *Server) apiSnapshot(w http.ResponseWriter, _ *http.Request) {
	snap := s.Snapshot()
	if snap == nil {
		s.writeJSON(w, http.StatusServiceUnavailable, apiError{"no cycle has finished yet"})
		return
	}
	states := map[string]int{}
	for i := range snap.Extensions {
		states[snap.Extensions[i].State]++
	}
	s.writeJSON(w, http.StatusOK, map[string]any{
		"generation": snap.Generation, "updated": snap.Updated, "platform": snap.Platform,
		"releases": len(snap.Extensions), "states": states, "workflows": snap.Workflows,
	})
}

func (s *Server) apiExtensions(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	if snap == nil {
		s.writeJSON(w, http.StatusServiceUnavailable, apiError{"no cycle has finished yet"})
		return
	}
	f := ParseFilter(r.URL.Query())
	p := f.Apply(snap.Extensions)
	s.writeJSON(w, http.StatusOK, map[string]any{
		"generation": snap.Generation, "total": p.Total, "all": p.All, "page": p.Page, "pages": p.Pages, "perPage": f.PerPage, "rows": p.Rows,
	})
}

func (s *Server) apiRelease(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	row := findRow(snap, r.PathValue("namespace"), r.PathValue("name"))
	if row == nil {
		s.writeJSON(w, http.StatusNotFound, apiError{"no such release"})
		return
	}
	outcome, det, detErr, values := s.releaseData(r.Context(), snap, row)
	var vals json.RawMessage
	if values != "" && json.Valid([]byte(values)) {
		vals = json.RawMessage(values)
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"row": row, "lastCycle": outcome, "detail": det, "detailError": detErr, "values": vals})
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) {
	snap := s.Snapshot()
	if snap == nil {
		s.writeJSON(w, http.StatusServiceUnavailable, apiError{"no cycle has finished yet"})
		return
	}
	md, err := s.pendingPlan(r.Context(), snap)
	s.writeJSON(w, http.StatusOK, map[string]any{"generation": snap.Generation, "markdown": md, "error": err})
}
