package ui

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// maxStreams bounds open event streams: each holds a connection.
const maxStreams = 256

// hub fans snapshot generations out to the open event streams. A slow
// stream only ever misses intermediate generations: the page fetches the
// newest anyway.
type hub struct {
	mu     sync.Mutex
	subs   map[chan uint64]bool
	closed bool
}

func newHub() *hub { return &hub{subs: map[chan uint64]bool{}} }

func (h *hub) subscribe() (chan uint64, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || len(h.subs) >= maxStreams {
		return nil, false
	}
	c := make(chan uint64, 1)
	h.subs[c] = true
	return c, true
}

func (h *hub) unsubscribe(c chan uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[c] {
		delete(h.subs, c)
		close(c)
	}
}

func (h *hub) publish(gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case <-c: // drop the stale generation
		default:
		}
		c <- gen
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.subs {
		delete(h.subs, c)
		close(c)
	}
}

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// events streams "snapshot" events carrying the generation, the current
// one first.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c, ok := s.hub.subscribe()
	if !ok {
		http.Error(w, "too many open event streams", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(c)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	s.mu.RLock()
	gen := s.gen
	s.mu.RUnlock()
	fmt.Fprintf(w, "retry: 3000\nevent: snapshot\ndata: %d\n\n", gen)
	fl.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case g, ok := <-c:
			if !ok {
				return
			}
			fmt.Fprintf(w, "event: snapshot\ndata: %d\n\n", g)
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		}
		fl.Flush()
	}
}
