package apply

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/plan"
)

// step runs one step that writes, reporting its start and end.
func (e *executor) step(ctx context.Context, s *plan.Step) ReleaseResult {
	began := time.Now()
	e.mu.Lock()
	e.running++
	e.emit(Event{Type: EventStart, Step: s})
	e.mu.Unlock()
	r := resultOf(s)
	detail, attempts, err := e.operate(ctx, s)
	r.Attempts = attempts
	r.Detail = e.redact.Scrub(detail)
	if err != nil {
		r.Outcome, r.Error = OutcomeFailed, e.redact.Scrub(err.Error())
	} else {
		r.Outcome = OutcomeChanged
	}
	r.Duration = time.Since(began)
	e.mu.Lock()
	e.running--
	e.done++
	e.emit(Event{Type: EventFinish, Step: s, Result: &r})
	e.mu.Unlock()
	return r
}

// operate carries out s under the release's lease: a prune's uninstall, or
// the recovery of a pending release and the removal of a failed first
// install (apply_remediate.go) before the install or upgrade. It returns
// what it did (for the report), the attempts made and the error.
func (e *executor) operate(ctx context.Context, s *plan.Step) (string, int, error) {
	if err := e.valuesFailure(s); err != nil {
		return "", 0, err
	}
	held, release, err := e.lease.acquire(ctx, s.Namespace, s.Name, e.a.Timeout)
	if err != nil {
		return "", 0, err
	}
	defer release()
	var n notes
	if held.Waited > time.Second {
		n.add("waited %s for the release's lease", held.Waited.Round(time.Second))
	}
	op := s.Op()
	if op == plan.OpUninstall {
		err := e.rel.Uninstall(ctx, s.Namespace, s.Name, e.a.Timeout, false)
		return n.String(), 1, err
	}
	if s.Action == plan.Recover {
		if op, err = e.recoverPending(ctx, s, held, &n); err != nil {
			return n.String(), 0, err
		}
	}
	if err := e.removeFailedInstall(ctx, s, op, &n); err != nil {
		return n.String(), 0, err
	}
	return e.converge(ctx, s, op, &n)
}

// converge installs or upgrades the release, remediating each failure and
// retrying those another attempt may fix, with a doubling backoff.
func (e *executor) converge(ctx context.Context, s *plan.Step, op plan.Op, n *notes) (string, int, error) {
	a := e.a
	rel, _ := e.res.Release(s.Name)
	var oldLabels map[string]string
	if s.Observed != nil {
		oldLabels = s.Observed.Labels
	}
	req := helmsdk.ReleaseRequest{
		Name: s.Name, Namespace: s.Namespace, Chart: e.res.Chart(s.Name), Values: rel.Values,
		Labels: plan.ReleaseLabels(rel.Labels, *s.Desired, oldLabels),
		Wait:   a.Wait, Timeout: a.Timeout, Description: a.description(s.Action), MaxHistory: a.MaxHistory,
	}
	good := lastGood(s.Observed)
	backoff := a.Backoff
	for attempt := 1; ; attempt++ {
		var rev *helmsdk.Revision
		var err error
		if op == plan.OpInstall {
			req.Labels = plan.ReleaseLabels(rel.Labels, *s.Desired, nil)
			rev, err = e.rel.Install(ctx, req)
		} else {
			rev, err = e.rel.Upgrade(ctx, req)
		}
		if err == nil {
			n.add("revision %d", rev.Revision)
			if attempt > 1 {
				n.add("succeeded on attempt %d", attempt)
			}
			if len(s.Desired.Resources.CRDs) > 0 {
				e.rel.RefreshDiscovery()
			}
			return n.String(), attempt, nil
		}
		if ctx.Err() != nil {
			return n.String(), attempt, err
		}
		e.log.Debug("release operation failed", "release", s.Name, "attempt", attempt, "err", e.redact.Scrub(err.Error()))
		created := rev != nil && rev.Revision > 0
		e.remediate(ctx, s, op, created, good, n)
		f := classify(err)
		if attempt > a.Retries || !f.retry {
			return n.String(), attempt, n.wrap(err)
		}
		if f.refresh {
			e.rel.RefreshDiscovery()
		}
		if op == plan.OpInstall && created && !a.UninstallOnFailure {
			// The failed install stays: the next attempt upgrades it.
			op = plan.OpUpgrade
		}
		select {
		case <-ctx.Done():
			return n.String(), attempt, ctx.Err()
		case <-time.After(backoff):
		}
		backoff *= 2
	}
}

// notes collect what an operation did besides its main action.
type notes []string

func (n *notes) add(format string, args ...any) { *n = append(*n, fmt.Sprintf(format, args...)) }

func (n notes) String() string { return strings.Join(n, "; ") }

// wrap adds the notes to a final error.
func (n notes) wrap(err error) error {
	if len(n) == 0 {
		return err
	}
	return fmt.Errorf("%w (%s)", err, n)
}
