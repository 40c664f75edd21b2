package apply

import (
	"fmt"
	"strings"
	"time"

	"github.com/pono-gitops/pono/plan"
)

// Outcome is how a release ended up (plan.Outcome: one vocabulary for
// apply, diff and the GitOps loop).
type Outcome = plan.Outcome

const (
	// OutcomeChanged: the action succeeded.
	OutcomeChanged = plan.OutcomeChanged
	// OutcomeUnchanged: nothing to do.
	OutcomeUnchanged = plan.OutcomeUnchanged
	// OutcomeKept: not in the platform, left in place (prune off).
	OutcomeKept = plan.OutcomeKept
	// OutcomePlanned: dry run.
	OutcomePlanned = plan.OutcomePlanned
	// OutcomeFailed: the action failed.
	OutcomeFailed = plan.OutcomeFailed
	// OutcomeBlocked: not attempted because a release it needs failed.
	OutcomeBlocked = plan.OutcomeBlocked
)

// ReleaseResult is one release's outcome.
type ReleaseResult struct {
	Name      string        `json:"name"`
	Namespace string        `json:"namespace"`
	Action    plan.Action   `json:"action"`
	Reason    string        `json:"reason,omitempty"`
	Outcome   Outcome       `json:"outcome"`
	Detail    string        `json:"detail,omitempty"`
	Error     string        `json:"error,omitempty"`
	Attempts  int           `json:"attempts,omitempty"`
	Duration  time.Duration `json:"duration"`
	Wave      int           `json:"wave"`
}

// resultOf starts the result of step s.
func resultOf(s *plan.Step) ReleaseResult {
	return ReleaseResult{Name: s.Name, Namespace: s.Namespace, Action: s.Action, Reason: s.Reason, Wave: s.Wave}
}

// unexecuted is the result of a step that is not carried out (a dry run,
// or a step that writes nothing).
func unexecuted(s *plan.Step) ReleaseResult {
	r := resultOf(s)
	r.Outcome, r.Error = s.Unexecuted()
	return r
}

// Report is the outcome of an apply.
type Report struct {
	Platform string          `json:"platform"`
	DryRun   bool            `json:"dryRun,omitempty"`
	Plan     *plan.Plan      `json:"-"`
	Results  []ReleaseResult `json:"results"`
	Duration time.Duration   `json:"duration"`
}

// Failed returns the failed and blocked releases.
func (r *Report) Failed() []ReleaseResult {
	var out []ReleaseResult
	for _, x := range r.Results {
		if x.Outcome == OutcomeFailed || x.Outcome == OutcomeBlocked {
			out = append(out, x)
		}
	}
	return out
}

// Counts counts results by outcome.
func (r *Report) Counts() map[Outcome]int {
	m := map[Outcome]int{}
	for _, x := range r.Results {
		m[x.Outcome]++
	}
	return m
}

// FailedError is returned by Run when releases failed; the report is
// returned too.
type FailedError struct{ Releases []ReleaseResult }

func (e *FailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d release(s) failed:", len(e.Releases))
	for _, r := range e.Releases {
		fmt.Fprintf(&b, "\n  %s (%s): %s", r.Name, r.Action, r.Error)
	}
	return b.String()
}

func failures(rep *Report) error {
	if f := rep.Failed(); len(f) > 0 {
		return &FailedError{Releases: f}
	}
	return nil
}

// EventType tells a start from an end.
type EventType string

const (
	EventStart  EventType = "start"
	EventFinish EventType = "finish"
)

// Event reports progress.
type Event struct {
	Type EventType
	Step *plan.Step
	// Result is set on EventFinish.
	Result *ReleaseResult
	// Done, Running and Total count releases that act (skips excluded).
	Done, Running, Total int
}
