package plan

// Outcome is how a release ended up in an apply, or, for a step that is not
// carried out (a dry run, a cycle that only reports, a step that writes
// nothing), how it stands.
type Outcome string

const (
	// OutcomeChanged: the action succeeded.
	OutcomeChanged Outcome = "ok"
	// OutcomeUnchanged: nothing to do.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeKept: not in the platform, left in place (prune off).
	OutcomeKept Outcome = "kept"
	// OutcomePlanned: the action would write; it was not carried out.
	OutcomePlanned Outcome = "planned"
	// OutcomeFailed: the action failed (or, for a conflict, cannot be
	// carried out).
	OutcomeFailed Outcome = "failed"
	// OutcomeBlocked: not attempted because a release it needs failed.
	OutcomeBlocked Outcome = "blocked"
)

// Change is how a diff files a step: what the change does to the release.
type Change string

const (
	// ChangeNone: the release stays as it is (not listed by diff).
	ChangeNone         Change = ""
	ChangeAdded        Change = "added"
	ChangeRemoved      Change = "removed"
	ChangeUpgraded     Change = "upgraded"
	ChangeReconfigured Change = "reconfigured"
	// ChangeDrifted: the release's state differs from what it should be
	// for the same inputs: it failed, is stuck pending, or its objects were
	// changed out of band.
	ChangeDrifted  Change = "drifted"
	ChangeConflict Change = "conflict"
)

// Outcome is the outcome of an action that is not carried out: final for
// the actions that write nothing (skip: unchanged, keep: kept, conflict:
// failed), planned for the others.
func (a Action) Outcome() Outcome {
	switch a {
	case Skip:
		return OutcomeUnchanged
	case Keep:
		return OutcomeKept
	case Conflict:
		return OutcomeFailed
	}
	return OutcomePlanned
}

// Change is how diff files the action.
func (a Action) Change() Change {
	switch a {
	case Install:
		return ChangeAdded
	case Uninstall, Keep:
		return ChangeRemoved
	case Upgrade:
		return ChangeUpgraded
	case Reconfigure:
		return ChangeReconfigured
	case Repair, Recover, Correct:
		return ChangeDrifted
	case Conflict:
		return ChangeConflict
	}
	return ChangeNone
}

// Unexecuted is the step's outcome when it is not carried out (see
// Action.Outcome), with the error a conflict reports.
func (s *Step) Unexecuted() (Outcome, string) {
	o := s.Action.Outcome()
	if s.Action == Conflict {
		return o, s.Reason + "; pono never changes it (rename the extension or remove that release)"
	}
	return o, ""
}

// Correct turns the up-to-date steps named in drift (namespace/name ->
// reason) into Correct steps: their live objects changed out of band, and
// an upgrade to the same inputs makes Helm restore them. Other steps are
// left alone: one that writes restores the objects anyway.
func (p *Plan) Correct(drift map[string]string) {
	for i := range p.Steps {
		s := &p.Steps[i]
		if why, ok := drift[s.Key()]; ok && s.Action == Skip {
			s.Action, s.Reason = Correct, why
		}
	}
}
