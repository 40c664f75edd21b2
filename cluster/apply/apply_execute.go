package apply

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/mask"
	"github.com/pono-gitops/pono/plan"
)

// executor runs a plan.
type executor struct {
	a      *Apply
	rel    releaser
	res    *compiler.Result
	lease  *leaser
	redact *mask.Set
	log    *slog.Logger
	// failed are releases lacking a required value from the cluster.
	failed map[string]*compiler.ValuesFromError

	mu               sync.Mutex
	done, running, n int
}

func (e *executor) emit(ev Event) {
	if e.a.Progress == nil {
		return
	}
	ev.Done, ev.Running, ev.Total = e.done, e.running, e.n
	e.a.Progress(ev)
}

// run executes the uninstalls of moved releases, then the apply steps, then
// the deletions (in reverse dependency order), each set as a DAG.
func (e *executor) run(ctx context.Context, p *plan.Plan) []ReleaseResult {
	results := make([]ReleaseResult, len(p.Steps))
	var moved, applies, deletes []int
	for i, s := range p.Steps {
		if s.Changes() {
			e.n++
		}
		switch {
		case s.Desired != nil:
			applies = append(applies, i)
		case s.Moved:
			moved = append(moved, i)
		default:
			deletes = append(deletes, i)
		}
	}
	e.runSet(ctx, p, moved, results)
	e.runSet(ctx, p, applies, results)
	e.runSet(ctx, p, deletes, results)
	return results
}

// runSet runs the steps idx of p as a DAG, event-driven: a step is released
// when the last step it waits for (After, within the set) finished; a
// released step that writes runs in its own goroutine, at most Concurrency
// at once, in plan order; one that writes nothing, or whose need failed,
// finishes at once and releases its dependents in turn. Steps left waiting
// when nothing runs any more (a cycle) are blocked.
func (e *executor) runSet(ctx context.Context, p *plan.Plan, idx []int, results []ReleaseResult) {
	byName := map[string][]int{}
	for _, i := range idx {
		byName[p.Steps[i].Name] = append(byName[p.Steps[i].Name], i)
	}
	waiting := map[int]int{}      // step -> needs not finished yet
	dependents := map[int][]int{} // step -> steps waiting for it
	for _, i := range idx {
		for _, dep := range p.Steps[i].After {
			for _, j := range byName[dep] {
				waiting[i]++
				dependents[j] = append(dependents[j], i)
			}
		}
	}

	var runnable []int // released steps that write, not started yet
	var release func(i int)
	finish := func(i int) {
		for _, d := range dependents[i] {
			if waiting[d]--; waiting[d] == 0 {
				release(d)
			}
		}
	}
	release = func(i int) {
		s := &p.Steps[i]
		switch need := failedNeed(s, byName, results); {
		case need != "":
			results[i] = resultOf(s)
			results[i].Outcome, results[i].Error = OutcomeBlocked, fmt.Sprintf("not attempted: it needs %s, which failed", need)
			e.finished(s, &results[i])
		case !s.Changes():
			results[i] = unexecuted(s)
		default:
			runnable = append(runnable, i)
			return
		}
		finish(i)
	}
	var roots []int // collected first: releasing one can release others
	for _, i := range idx {
		if waiting[i] == 0 {
			roots = append(roots, i)
		}
	}
	for _, i := range roots {
		release(i)
	}

	completed := make(chan int)
	limit, inflight := max(e.a.Concurrency, 1), 0
	for {
		slices.Sort(runnable)
		for ; inflight < limit && len(runnable) > 0; inflight++ {
			i := runnable[0]
			runnable = runnable[1:]
			go func() {
				results[i] = e.step(ctx, &p.Steps[i])
				completed <- i
			}()
		}
		if inflight == 0 {
			break
		}
		i := <-completed
		inflight--
		finish(i)
	}

	for _, i := range idx {
		if waiting[i] > 0 {
			results[i] = resultOf(&p.Steps[i])
			results[i].Outcome, results[i].Error = OutcomeBlocked, "not attempted: unresolved dependencies"
		}
	}
}

// failedNeed names a step s waits for that failed or was blocked, or "".
func failedNeed(s *plan.Step, byName map[string][]int, results []ReleaseResult) string {
	for _, dep := range s.After {
		for _, j := range byName[dep] {
			if o := results[j].Outcome; o == OutcomeFailed || o == OutcomeBlocked {
				return dep
			}
		}
	}
	return ""
}

// finished counts a blocked step that would have written as done.
func (e *executor) finished(s *plan.Step, r *ReleaseResult) {
	if !s.Changes() {
		return
	}
	e.mu.Lock()
	e.done++
	e.emit(Event{Type: EventFinish, Step: s, Result: r})
	e.mu.Unlock()
}
