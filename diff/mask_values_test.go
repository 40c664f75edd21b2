package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
)

func TestMaskerValues(t *testing.T) {
	res := &compiler.Result{Releases: []compiler.Release{{
		Name:      "app",
		Values:    map[string]any{"global": map[string]any{"password": "hunter2-long", "user": "bob"}},
		Sensitive: []string{"global.password"},
	}}}
	m := NewMasker(res)
	got := m.Values(map[string]any{
		"global": map[string]any{"password": "hunter2-long", "user": "bob"},
		"env":    []any{"PASS=hunter2-long", 3},
	})
	want := map[string]any{
		"global": map[string]any{"password": Hidden, "user": "bob"},
		"env":    []any{"PASS=" + Hidden, 3},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("masked values (-want +got):\n%s", d)
	}
	if s := m.Scrub("login failed for hunter2-long"); s != "login failed for "+Hidden {
		t.Errorf("Scrub = %q", s)
	}
}
