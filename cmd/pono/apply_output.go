package main

import (
	"time"

	"github.com/pono-gitops/pono/cluster/apply"
)

// applyReportVersion is the version of apply's -o json|yaml shape: a
// field's meaning never changes within a version, fields may be added.
const applyReportVersion = 1

// applyJSON is what apply -o json|yaml prints (docs/apply.md, Output).
type applyJSON struct {
	Kind     string         `json:"kind"`
	Version  int            `json:"version"`
	Platform string         `json:"platform"`
	DryRun   bool           `json:"dryRun"`
	Duration string         `json:"duration"`
	Counts   map[string]int `json:"counts"`
	Releases []applyRelease `json:"releases"`
}

type applyRelease struct {
	Name      string   `json:"name"`
	Namespace string   `json:"namespace"`
	Action    string   `json:"action"`
	Reason    string   `json:"reason,omitempty"`
	Outcome   string   `json:"outcome"`
	Detail    string   `json:"detail,omitempty"`
	Error     string   `json:"error,omitempty"`
	Attempts  int      `json:"attempts,omitempty"`
	Duration  string   `json:"duration"`
	Wave      int      `json:"wave"`
	Removal   bool     `json:"removal,omitempty"`
	After     []string `json:"after,omitempty"`
}

func applyView(rep *apply.Report) applyJSON {
	v := applyJSON{Kind: "ApplyReport", Version: applyReportVersion, Platform: rep.Platform, DryRun: rep.DryRun,
		Duration: rep.Duration.Round(10 * time.Millisecond).String(), Counts: map[string]int{}, Releases: []applyRelease{}}
	for o, n := range rep.Counts() {
		v.Counts[string(o)] = n
	}
	for i, r := range rep.Results {
		x := applyRelease{Name: r.Name, Namespace: r.Namespace, Action: string(r.Action), Reason: r.Reason,
			Outcome: string(r.Outcome), Detail: r.Detail, Error: r.Error, Attempts: r.Attempts,
			Duration: r.Duration.Round(10 * time.Millisecond).String(), Wave: r.Wave}
		// A dry run's results are the plan's steps in order (as its
		// table reads them); a real run's finish in any order.
		if rep.DryRun && rep.Plan != nil && i < len(rep.Plan.Steps) {
			st := rep.Plan.Steps[i]
			x.Removal, x.After = st.Desired == nil, st.After
		}
		v.Releases = append(v.Releases, x)
	}
	return v
}
