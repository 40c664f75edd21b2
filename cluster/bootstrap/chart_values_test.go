package bootstrap

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitImage(t *testing.T) {
	for _, tc := range []struct{ in, repo, tag string }{
		{"pono", "pono", ""},
		{"pono:1.2", "pono", "1.2"},
		{"registry:5000/pono", "registry:5000/pono", ""},
		{"registry:5000/team/pono:v1", "registry:5000/team/pono", "v1"},
		{":x", ":x", ""},
	} {
		repo, tag := SplitImage(tc.in)
		if repo != tc.repo || tag != tc.tag {
			t.Errorf("SplitImage(%q) = %q, %q; want %q, %q", tc.in, repo, tag, tc.repo, tc.tag)
		}
	}
}

func TestReconcilerValues(t *testing.T) {
	got := ReconcilerValues(Reconciler{RepoURL: "https://git.example/p.git", Ref: "main", Path: "platform", Env: "prod",
		Mode: "observe", Interval: "5m", Schedule: "@hourly", Windows: []string{"0 2 * * * +1h"}, Image: "registry:5000/pono:v1"})
	want := map[string]any{
		"git":      map[string]any{"url": "https://git.example/p.git", "ref": "main", "path": "platform", "env": "prod"},
		"mode":     "observe",
		"interval": "5m",
		"schedule": "@hourly",
		"windows":  []any{"0 2 * * * +1h"},
		"image":    map[string]any{"repository": "registry:5000/pono", "tag": "v1"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("values (-want +got):\n%s", d)
	}
	got = ReconcilerValues(Reconciler{RepoURL: "/repo", Ref: "main", Path: ".", Mode: "apply", Interval: "5m"})
	want = map[string]any{"git": map[string]any{"url": "/repo", "ref": "main", "path": "."}, "mode": "apply", "interval": "5m"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("minimal values (-want +got):\n%s", d)
	}
}
