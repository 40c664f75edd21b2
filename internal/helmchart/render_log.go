package helmchart

import (
	"bytes"
	"log"
	"strings"
	"sync"
)

// Helm logs some warnings while rendering (a dependency condition that is
// not a boolean, a value that is not a table) with the standard logger,
// which is process-wide: without a capture they reach stderr raw. Renders
// run in parallel, so the capture is shared: each render gets the lines
// logged while it ran, and knows whether another render ran beside it.
// Only then (rare: a chart that warns) is it rendered again alone, under
// the exclusive lock, to attribute its warnings exactly.
var renderSink struct {
	mu     sync.Mutex
	active map[*renderScope]bool
	buf    bytes.Buffer
	lines  []string
	// saved is the logger's configuration while the sink is installed.
	saved  savedLog
	scopes int
}

type savedLog struct {
	w      interface{ Write([]byte) (int, error) }
	flags  int
	prefix string
}

type renderScope struct {
	start  int
	shared bool
}

// beginRenderLog starts capturing for one render; the caller holds
// helmLog for reading.
func beginRenderLog() *renderScope {
	s := &renderSink
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active == nil {
		s.active = map[*renderScope]bool{}
	}
	if len(s.active) == 0 {
		s.saved = savedLog{log.Writer(), log.Flags(), log.Prefix()}
		log.SetOutput(sinkWriter{})
		log.SetFlags(0)
		log.SetPrefix("")
		s.lines = s.lines[:0]
	}
	sc := &renderScope{start: len(s.lines)}
	for o := range s.active {
		o.shared, sc.shared = true, true
	}
	s.active[sc] = true
	return sc
}

// endRenderLog returns what was logged while sc ran, and whether another
// render ran at the same time (so the lines may be another chart's).
func endRenderLog(sc *renderScope) ([]string, bool) {
	s := &renderSink
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := append([]string(nil), s.lines[sc.start:]...)
	delete(s.active, sc)
	if len(s.active) == 0 {
		log.SetOutput(s.saved.w)
		log.SetFlags(s.saved.flags)
		log.SetPrefix(s.saved.prefix)
	}
	return lines, sc.shared
}

type sinkWriter struct{}

func (sinkWriter) Write(p []byte) (int, error) {
	s := &renderSink
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		if l = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(l, "Warning: "), "warning: ")); l != "" {
			s.lines = append(s.lines, l)
		}
	}
	return len(p), nil
}
