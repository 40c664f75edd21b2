package reconcile

import (
	"context"
	"fmt"
)

// record publishes a cycle: metrics always, the status ConfigMap when it
// changed (or the heartbeat is due), and a Warning event on failure.
// Failing to record is logged, not fatal: the next cycle tries again.
func (r *Reconciler) record(ctx context.Context, rep *CycleReport) {
	st := r.last
	st.CheckedAt = rep.Started.Add(rep.Duration).UTC()
	if rep.Result == CycleApplied || rep.Result == CycleUnchanged {
		target := rep.Target
		if target.Commit == "" {
			target = rep.Commit
		}
		if st.LastApplied == nil || st.LastApplied.Commit != target.Commit || rep.Result == CycleApplied {
			t := target
			st.LastApplied = &t
		}
	}
	a := &Attempt{
		CommitRef: rep.Commit, Trigger: rep.Trigger, Time: rep.Started.UTC(), Duration: rep.Duration,
		Result: rep.Result, Releases: rep.Releases, Drift: rep.Drift,
	}
	if rep.Err != nil {
		a.Error = rep.Err.Error()
	}
	if len(r.opts.Windows) > 0 {
		a.Window = "open"
		if !rep.WindowOpen {
			a.Window = "closed until " + rep.NextWindow.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	st.LastAttempt = a
	applied := ""
	if st.LastApplied != nil {
		applied = st.LastApplied.Commit
	}
	r.metric.record(rep, r.opts.Ref, applied)
	wrote, err := r.status.save(ctx, &st)
	if err != nil {
		r.log.Error("status not recorded", "err", err)
	}
	rep.StatusWritten = wrote
	r.last = st

	log := r.log.With("commit", rep.Commit.Short(), "result", rep.Result, "duration", rep.Duration.Round(1e6).String(), "trigger", rep.Trigger)
	if rep.Err == nil {
		r.events.clear()
		if rep.Result == CycleUnchanged && !rep.Moved {
			log.Debug("cycle")
		} else {
			log.Info("cycle", "drifted", len(rep.Drift), "releases", len(rep.Releases))
		}
		return
	}
	log.Error("cycle failed", "err", rep.Err)
	reason := map[CycleResult]string{CycleInvalid: "InvalidCommit", CycleRefused: "CommitRefused", CycleFailed: "ReconcileFailed"}[rep.Result]
	if reason == "" {
		reason = "ReconcileFailed"
	}
	msg := fmt.Sprintf("commit %s: %v", rep.Commit.Short(), rep.Err)
	if err := r.events.warn(ctx, reason, msg); err != nil {
		r.log.Error("event not recorded", "err", err)
	}
}

// Status returns the status as of the last cycle.
func (r *Reconciler) Status() ReconcilerStatus { return r.last }
