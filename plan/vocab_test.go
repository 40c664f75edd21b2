package plan

import (
	"strings"
	"testing"
)

func TestActionVocabulary(t *testing.T) {
	tests := []struct {
		action  Action
		outcome Outcome
		change  Change
	}{
		{Install, OutcomePlanned, ChangeAdded},
		{Upgrade, OutcomePlanned, ChangeUpgraded},
		{Reconfigure, OutcomePlanned, ChangeReconfigured},
		{Repair, OutcomePlanned, ChangeDrifted},
		{Recover, OutcomePlanned, ChangeDrifted},
		{Correct, OutcomePlanned, ChangeDrifted},
		{Skip, OutcomeUnchanged, ChangeNone},
		{Uninstall, OutcomePlanned, ChangeRemoved},
		{Keep, OutcomeKept, ChangeRemoved},
		{Conflict, OutcomeFailed, ChangeConflict},
	}
	for _, tt := range tests {
		if got := tt.action.Outcome(); got != tt.outcome {
			t.Errorf("%s.Outcome() = %q, want %q", tt.action, got, tt.outcome)
		}
		if got := tt.action.Change(); got != tt.change {
			t.Errorf("%s.Change() = %q, want %q", tt.action, got, tt.change)
		}
		// An action that writes is planned when not carried out; one that
		// does not has its final outcome.
		s := Step{Action: tt.action, Observed: &Observed{Revision: 1, Status: StatusFailed, LastGood: 1}}
		if writes := s.Changes(); writes != (tt.outcome == OutcomePlanned) {
			t.Errorf("%s: Changes() = %v but Outcome() = %q", tt.action, writes, tt.outcome)
		}
	}
}

func TestUnexecutedConflictNamesTheRelease(t *testing.T) {
	s := Step{Action: Conflict, Reason: "release a/b exists and is not managed by pono"}
	o, msg := s.Unexecuted()
	if o != OutcomeFailed || !strings.HasPrefix(msg, s.Reason+"; pono never changes it") {
		t.Errorf("Unexecuted() = %q, %q", o, msg)
	}
	if o, msg := (&Step{Action: Install}).Unexecuted(); o != OutcomePlanned || msg != "" {
		t.Errorf("install: Unexecuted() = %q, %q", o, msg)
	}
}

func TestCorrectOnlyTouchesUpToDateSteps(t *testing.T) {
	p := &Plan{Steps: []Step{
		{Name: "a", Namespace: "n", Action: Skip, Reason: "up to date"},
		{Name: "b", Namespace: "n", Action: Upgrade, Reason: "chart 1 -> 2"},
		{Name: "c", Namespace: "n", Action: Skip, Reason: "up to date"},
	}}
	p.Correct(map[string]string{"n/a": "drift: x", "n/b": "drift: y"})
	got := []string{}
	for _, s := range p.Steps {
		got = append(got, string(s.Action)+":"+s.Reason)
	}
	want := "correct:drift: x,upgrade:chart 1 -> 2,skip:up to date"
	if strings.Join(got, ",") != want {
		t.Errorf("after Correct: %s, want %s", strings.Join(got, ","), want)
	}
}
