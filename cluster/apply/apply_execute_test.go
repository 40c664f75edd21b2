package apply

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pono-gitops/pono/plan"
)

func TestSchedulerOrder(t *testing.T) {
	tests := []struct {
		name        string
		concurrency int
		rels        []rel
		// before lists event pairs that must happen in this order.
		before [][2]string
		calls  []string // exact order, when deterministic
	}{
		{
			name: "one at a time: plan order (wave, then name)", concurrency: 1,
			rels:  []rel{{name: "b", needs: []string{"a"}}, {name: "a"}, {name: "c"}},
			calls: []string{"install ns/a", "install ns/c", "install ns/b"},
		},
		{
			name: "parallel: a dependent starts when its need ended", concurrency: 4,
			rels:   []rel{{name: "b", needs: []string{"a"}}, {name: "a"}, {name: "c"}, {name: "d", needs: []string{"b", "c"}}},
			before: [][2]string{{"end a", "start b"}, {"end b", "start d"}, {"end c", "start d"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeReleaser()
			f.gate = func(string) { time.Sleep(5 * time.Millisecond) }
			a, _ := testApply(f)
			a.Concurrency = tt.concurrency
			rep := run(t, a, testPlatform(tt.rels...))
			if n := rep.Counts()[OutcomeChanged]; n != len(tt.rels) {
				t.Fatalf("changed %d, want %d: %+v", n, len(tt.rels), rep.Results)
			}
			if tt.calls != nil && callsOf(f) != strings.Join(tt.calls, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", callsOf(f), strings.Join(tt.calls, "\n"))
			}
			for _, p := range tt.before {
				if !before(f.events, p[0], p[1]) {
					t.Errorf("%q not before %q: %v", p[0], p[1], f.events)
				}
			}
		})
	}
}

func TestSchedulerConcurrencyBound(t *testing.T) {
	for _, limit := range []int{1, 2, 5} {
		f := newFakeReleaser()
		// Each operation waits until limit run at once (or a moment went
		// by: the last ones have fewer peers), so the maximum seen is the
		// bound, not an accident of timing.
		f.gate = func(string) {
			for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				f.mu.Lock()
				n := f.running
				f.mu.Unlock()
				if n >= limit {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
		a, _ := testApply(f)
		a.Concurrency = limit
		rels := []rel{{name: "r1"}, {name: "r2"}, {name: "r3"}, {name: "r4"}, {name: "r5"}, {name: "r6"}, {name: "r7"}}
		rep := run(t, a, testPlatform(rels...))
		if n := rep.Counts()[OutcomeChanged]; n != len(rels) {
			t.Fatalf("limit %d: changed %d of %d", limit, n, len(rels))
		}
		if f.maxRunning != limit {
			t.Errorf("limit %d: at most %d operations ran at once", limit, f.maxRunning)
		}
	}
}

func TestSchedulerBlocksDependentsOfAFailure(t *testing.T) {
	f := newFakeReleaser()
	f.fail = func(call, name string, _ int) (bool, error) {
		if name == "a" {
			return false, apierrors.NewInvalid(schema.GroupKind{Kind: "ConfigMap"}, "a", nil)
		}
		return false, nil
	}
	a, _ := testApply(f)
	rep, err := a.Run(context.Background(), testPlatform(
		rel{name: "a"}, rel{name: "b", needs: []string{"a"}}, rel{name: "c"}, rel{name: "d", needs: []string{"b"}}))
	var fe *FailedError
	if !errors.As(err, &fe) || len(fe.Releases) != 3 {
		t.Fatalf("err = %v, want a FailedError naming a, b and d", err)
	}
	want := map[string]string{
		"a": "failed", "c": "ok",
		"b": "blocked: not attempted: it needs a, which failed",
		"d": "blocked: not attempted: it needs b, which failed",
	}
	for name, w := range want {
		r := resultNamed(t, rep, name)
		got := string(r.Outcome)
		if r.Outcome == OutcomeBlocked {
			got += ": " + r.Error
		}
		if got != w {
			t.Errorf("%s: %s, want %s", name, got, w)
		}
	}
	if got := callsOf(f); strings.Contains(got, "ns/b") || strings.Contains(got, "ns/d") {
		t.Errorf("blocked releases were operated on:\n%s", got)
	}
}

func TestSchedulerBlocksACycle(t *testing.T) {
	f := newFakeReleaser()
	a, _ := testApply(f)
	res := testPlatform(rel{name: "a"}, rel{name: "b"}, rel{name: "c"})
	p, err := a.Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	// The planner never makes a cycle; the scheduler must still end.
	for i := range p.Steps {
		switch p.Steps[i].Name {
		case "a":
			p.Steps[i].After = []string{"b"}
		case "b":
			p.Steps[i].After = []string{"a"}
		}
	}
	rep, _ := a.Execute(context.Background(), res, p)
	for name, want := range map[string]plan.Outcome{"a": OutcomeBlocked, "b": OutcomeBlocked, "c": OutcomeChanged} {
		if r := resultNamed(t, rep, name); r.Outcome != want {
			t.Errorf("%s: %s (%s), want %s", name, r.Outcome, r.Error, want)
		}
	}
}

func TestSchedulerSkipsUpToDateAndReportsProgress(t *testing.T) {
	f := newFakeReleaser()
	f.seed("ns", "a", owned(testDigest), plan.StatusDeployed)
	a, _ := testApply(f)
	var mu sync.Mutex
	var events []string
	a.Progress = func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, string(ev.Type)+" "+ev.Step.Name)
		if ev.Total != 1 {
			t.Errorf("event total %d, want 1 (the skip does not count)", ev.Total)
		}
	}
	rep := run(t, a, testPlatform(rel{name: "a"}, rel{name: "b", needs: []string{"a"}}))
	if r := resultNamed(t, rep, "a"); r.Outcome != OutcomeUnchanged {
		t.Errorf("a: %s, want unchanged", r.Outcome)
	}
	if got := callsOf(f); got != "install ns/b" {
		t.Errorf("calls:\n%s\nwant only the install of b", got)
	}
	if strings.Join(events, ",") != "start b,finish b" {
		t.Errorf("events %v", events)
	}
}
