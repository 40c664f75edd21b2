package reconcile

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var updateStatusGolden = flag.Bool("update-status-golden", false, "rewrite testdata/status.json")

// TestStatusJSONUnchanged pins the status ConfigMap's JSON: replicas of
// another version and `pono status` of another version read it, so every
// field keeps its name, order and encoding.
func TestStatusJSONUnchanged(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC)
	st := &ReconcilerStatus{
		Repo: "https://git.example.org/platform.git", Ref: "main", Path: "platform", Env: "prod", Mode: ModeApply, Reconciler: "pono-0",
		LastAttempt: &Attempt{
			// No commit time: the attempt's own "time" hides the embedded
			// commit's (so it has never been recorded for attempts).
			CommitRef: CommitRef{Commit: "0123456789abcdef0123456789abcdef01234567", Subject: "bump web", Author: "Ada <ada@example.org>"},
			Trigger:   "webhook", Time: at, Duration: 1500 * time.Millisecond, Result: CycleFailed, Error: "release admin/web: boom",
			Window:   "closed until 22:00",
			Releases: []ReleaseRecord{{Name: "web", Namespace: "admin", Action: "upgrade", Reason: "chart 1.0.1", Outcome: "failed", Error: "boom"}},
			Drift:    []DriftedRelease{{Release: "admin/web", Objects: []string{"Deployment/admin/web: spec.replicas"}, Corrected: true}},
		},
		LastApplied: &CommitRef{Commit: "fedcba9876543210fedcba9876543210fedcba98"},
		CheckedAt:   at,
	}
	// As statusStore.save writes it.
	got, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "status.json")
	if *updateStatusGolden {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("status JSON changed (-golden +now):\n%s", d)
	}
	var back ReconcilerStatus
	if err := json.Unmarshal(want, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(st, &back); d != "" {
		t.Errorf("golden does not read back (-want +got):\n%s", d)
	}
}
