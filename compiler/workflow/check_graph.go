package workflow

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// checkGraph orders the tasks dependencies first, or names a cycle.
func checkGraph(rw *resolvedWorkflow) {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var order, stack []string
	var cycle []string
	var visit func(id string) bool
	visit = func(id string) bool {
		switch state[id] {
		case done:
			return true
		case active:
			i := slices.Index(stack, id)
			cycle = append(slices.Clone(stack[i:]), id)
			return false
		}
		state[id] = active
		stack = append(stack, id)
		for _, up := range rw.tasks[id].upstream {
			if !visit(up) {
				return false
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		order = append(order, id)
		return true
	}
	for _, id := range rw.ids {
		if !visit(id) {
			break
		}
	}
	if cycle == nil {
		rw.order = order
		return
	}
	// cycle lists downstream → upstream; say it in the direction data
	// flows, and point at the edge that closes it.
	slices.Reverse(cycle)
	down, up := cycle[len(cycle)-1], cycle[len(cycle)-2]
	rw.c.errorf(edgePath(rw.tasks[down], up), "the tasks form a cycle: %s; a workflow is a DAG", strings.Join(cycle, " -> "))
}

// edgePath is where task t names upstream task up: an input binding or an
// after entry.
func edgePath(t *resolvedTask, up string) []string {
	for _, b := range t.inputs {
		if b.ok && b.task == up {
			return p("tasks", t.id, "inputs", b.channel)
		}
	}
	if i := slices.Index(t.t.After, up); i >= 0 {
		return p("tasks", t.id, "after", strconv.Itoa(i))
	}
	return p("tasks", t.id)
}

// TypicalRunIDLength is the length of the run id Airflow gives a run
// triggered through its REST API without one, as Kaapana's workflow-api
// does: manual__2025-12-18T10:20:30.123456+00:00.
const TypicalRunIDLength = len("manual__2025-12-18T10:20:30.123456+00:00")

// maxPodName is where Kaapana's generate_pod_name cuts a name.
const maxPodName = 62

// podNames derives, for one task, the pod name KaapanaTaskOperator gives
// it in a run whose id has runIDLen characters, as taskapi.PodName does for
// "<run id>-<task id>" (lower case, characters outside [a-z0-9.-] as "-",
// non-alphanumerics trimmed, cut to 62). Only the run id's length matters
// for a collision, and the run id is shared, so the returned name leaves
// the run id out; "" when there is none.
type podNames struct {
	atZero string // the name for an empty run id
	middle string // "-" + the task id as it appears after a run id
}

func newPodNames(taskID string) podNames {
	n, _ := taskapi.PodName(taskID)
	mid := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, taskID)
	return podNames{atZero: n, middle: "-" + mid}
}

func (pn podNames) name(runIDLen int) string {
	if runIDLen == 0 {
		return pn.atZero
	}
	s := pn.middle
	if room := maxPodName - runIDLen; len(s) > room {
		s = s[:max(room, 0)]
	}
	return strings.TrimRightFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
}

// checkPodNames finds, for each pair of tasks, the shortest run id for
// which they get the same pod name, and reports the pairs that collide for
// a typical run id. Every pair collides once the run id alone fills the
// 62 characters, so MaxRunIDLength is always below that.
func checkPodNames(rw *resolvedWorkflow) {
	rw.maxRunID = maxPodName
	if len(rw.ids) < 2 {
		return
	}
	names := make([]podNames, len(rw.ids))
	for i, id := range rw.ids {
		names[i] = newPodNames(id)
	}
	reported := map[[2]string]bool{}
	for l := 0; l <= maxPodName; l++ {
		seen := make(map[string]string, len(rw.ids))
		for i, id := range rw.ids {
			n := names[i].name(l)
			if l == 0 && n == "" {
				continue
			}
			other, clash := seen[n]
			if !clash {
				seen[n] = id
				continue
			}
			rw.maxRunID = min(rw.maxRunID, l-1)
			pair := [2]string{other, id}
			if l > TypicalRunIDLength || reported[pair] {
				continue
			}
			reported[pair] = true
			rw.c.errorf(p("tasks", id), "tasks %s and %s both get the pod name %q from run ids of %d characters on (KaapanaTaskOperator cuts <run id>-<task id> to %d characters; a run Kaapana starts has a run id of %d): make the task ids differ earlier",
				other, id, runIDPodName(n, l), l, maxPodName, TypicalRunIDLength)
		}
		if l > TypicalRunIDLength && rw.maxRunID < maxPodName {
			return
		}
	}
}

// runIDPodName shows a pod name from podNames with the run id written as
// <run id>.
func runIDPodName(n string, runIDLen int) string {
	if runIDLen == 0 {
		return n
	}
	return "<run id>" + n
}
