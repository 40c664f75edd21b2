package ui

import (
	"strings"
	"testing"

	"github.com/pono-gitops/pono/cluster/statusdoc"
)

// TestFollowerNote: a follower's snapshot (the leader's status, no
// compiled platform) shows the leader's attempt with a note on every
// page; the leader's and pono ui's pages have no note.
func TestFollowerNote(t *testing.T) {
	// The leader records its status redacted, as its page shows it.
	follower := Platform{ReconcilerStatus: Build(fixture(t, 2, false)).Platform.ReconcilerStatus}
	for _, c := range []struct {
		name string
		in   Input
		note bool
	}{
		{"follower", Input{Platform: follower}, true},
		{"leader", fixture(t, 2, false), false},
		{"pono ui", Input{Platform: Platform{Local: true, Dir: "/p", ReconcilerStatus: statusdoc.ReconcilerStatus{Mode: "apply"}}}, false},
	} {
		s := New(Options{})
		s.Publish(Build(c.in))
		for _, page := range []string{"/ui/", "/ui/?partial=1", "/ui/platform", "/ui/workflows"} {
			_, body := get(t, s.Handler(), page)
			if got := strings.Contains(body, `id="follower"`); got != c.note {
				t.Errorf("%s %s: follower note shown = %v, want %v", c.name, page, got, c.note)
			}
			if c.note && !strings.Contains(body, "the leader <code>pono-0</code> runs the cycles") {
				t.Errorf("%s %s: the note does not name the leader:\n%s", c.name, page, body)
			}
		}
	}
	s := New(Options{})
	s.Publish(Build(Input{Platform: follower}))
	_, body := get(t, s.Handler(), "/ui/platform")
	for _, want := range []string{"abababababab", "cdcdcdcdcdcd", "pono-0 (the leader: this replica follows)", "error: commit abababababab"} {
		if !strings.Contains(body, want) {
			t.Errorf("follower's platform page lacks %q", want)
		}
	}
}
