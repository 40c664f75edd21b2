// Package statusdoc is the reconciler's status document: what `pono
// reconcile` records in its status ConfigMap after each cycle, what `pono
// status` prints from it and what the web page shows. One definition for
// the three, since a replica, the CLI and the page of another version read
// the same JSON: field names and encodings never change (cluster/reconcile pins them
// with a golden).
//
// It is plain data (no client-go): the web page (cluster/ui) imports it
// and is itself imported by the reconciler (cluster/reconcile).
package statusdoc

import "time"

// Mode is what a cycle may do.
type Mode string

const (
	// ModeApply converges the cluster, correcting drift.
	ModeApply Mode = "apply"
	// ModeObserve compiles, plans and checks drift, and changes nothing.
	ModeObserve Mode = "observe"
)

// CycleResult is how a cycle ended.
type CycleResult string

const (
	// CycleApplied: changes were made and every release converged.
	CycleApplied CycleResult = "applied"
	// CycleUnchanged: nothing to do; the cluster matches the commit.
	CycleUnchanged CycleResult = "unchanged"
	// CyclePlanned: there are changes or drift, but the cycle may not apply
	// them (observe mode, or outside the allow windows).
	CyclePlanned CycleResult = "planned"
	// CycleInvalid: the commit does not compile or violates policy; nothing was
	// changed and the last good commit stays in place.
	CycleInvalid CycleResult = "invalid"
	// CycleRefused: the commit's signature is missing or untrusted; nothing
	// was changed.
	CycleRefused CycleResult = "refused"
	// CycleFailed: git, the cluster or a release operation failed.
	CycleFailed CycleResult = "failed"
)

// ReconcilerStatus is what the reconciler records after its cycles. Secrets never
// appear in it: errors are redacted the way apply redacts them.
type ReconcilerStatus struct {
	Repo       string `json:"repo"`
	Ref        string `json:"ref"`
	Path       string `json:"path"`
	Env        string `json:"env,omitempty"`
	Mode       Mode   `json:"mode"`
	Reconciler string `json:"reconciler,omitempty"`
	// LastAttempt is the newest cycle that found something to report: a
	// new commit, a change, drift, an error. Cycles where nothing moved
	// only refresh CheckedAt (see reconcile.Options.StatusHeartbeat).
	LastAttempt *Attempt `json:"lastAttempt,omitempty"`
	// LastApplied is the commit whose platform the cluster was last
	// converged to.
	LastApplied *CommitRef `json:"lastApplied,omitempty"`
	// CheckedAt is when a cycle last ran, refreshed at most once per
	// heartbeat when nothing else changes.
	CheckedAt time.Time `json:"checkedAt"`
}

// Attempt is one cycle's outcome. Error is the cycle's error exactly as
// `pono reconcile` prints it (positions included).
type Attempt struct {
	// CommitRef's own time is hidden by the attempt's "time" in JSON, so
	// it is not recorded for attempts.
	CommitRef
	Trigger  string        `json:"trigger,omitempty"`
	Time     time.Time     `json:"time"`
	Duration time.Duration `json:"duration"`
	Result   CycleResult   `json:"result"`
	Error    string        `json:"error,omitempty"`
	// Window says whether changes were allowed ("" when no windows are
	// configured).
	Window   string           `json:"window,omitempty"`
	Releases []ReleaseRecord  `json:"releases,omitempty"`
	Drift    []DriftedRelease `json:"drift,omitempty"`
}

// CommitRef names a commit.
type CommitRef struct {
	Commit  string    `json:"commit"`
	Subject string    `json:"subject,omitempty"`
	Author  string    `json:"author,omitempty"`
	Time    time.Time `json:"time,omitempty"`
}

// Short is the abbreviated commit hash.
func (c CommitRef) Short() string {
	if len(c.Commit) > 12 {
		return c.Commit[:12]
	}
	return c.Commit
}

// ReleaseRecord is what a cycle did to one release, as the status
// document records it (apply.ReleaseResult, in strings).
type ReleaseRecord struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Action    string `json:"action"`
	Reason    string `json:"reason,omitempty"`
	Outcome   string `json:"outcome"`
	Error     string `json:"error,omitempty"`
}

// DriftedRelease lists a release's objects changed out of band.
type DriftedRelease struct {
	Release   string   `json:"release"` // namespace/name
	Objects   []string `json:"objects"`
	Corrected bool     `json:"corrected"`
}
