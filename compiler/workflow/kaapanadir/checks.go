package kaapanadir

import (
	"slices"
)

// checkContainers holds the DAG's images against values.yaml's
// processingContainers and processing-containers/ (Kaapana's
// _check_containers_usage, with names from the reader, not a regexp).
func (s *session) checkContainers(b *built) {
	declared := map[string]bool{}
	for _, c := range s.values {
		declared[c] = true
	}
	used := map[string]bool{}
	reported := map[string]bool{}
	for i, t := range b.dag.Tasks {
		pos := s.dagPos(t.Args["image"])
		name := b.names[i]
		if !t.Default {
			used[t.ImageName] = true
		} else {
			if !used[t.ImageName] && !declared[t.ImageName] {
				s.errorf(pos, "container %q is used in the DAG but not declared in processingContainers in values.yaml, so Kaapana's build does not push it", t.ImageName)
			}
			used[t.ImageName] = true
		}
		if !b.noPC[name] || reported[name] {
			continue
		}
		reported[name] = true
		switch id := s.images[t.ImageName]; {
		case id != nil && id.broken:
		case id != nil:
			s.errorf(pos, "task %s: image %s is built from %s, which has no processing-container.json, so pono cannot check the task's template and channels", t.ID, t.ImageName, id.dir)
		case t.Default:
			s.errorf(pos, "task %s: no directory of processing-containers/ builds image %s (no Dockerfile says LABEL IMAGE=%q), so pono cannot check the task's template and channels", t.ID, t.ImageName, t.ImageName)
		default:
			s.warnf(pos, "task %s: image %s is not built in this directory, so its template and channels are not checked", t.ID, t.Image)
		}
	}
	for i, c := range s.values {
		pos := s.valDoc.pos("processingContainers", i)
		if _, ok := s.images[c]; !ok {
			s.errorf(pos, "container %q is declared in processingContainers, but no processing-containers/*/Dockerfile has LABEL IMAGE=%q", c, c)
		}
		if !used[c] && b.dag.Readable() {
			s.warnf(pos, "container %q is declared in processingContainers but the DAG does not use it", c)
		}
	}
}

// checkDAG reports IOMappings whose upstream the task does not wait for:
// KaapanaTaskOperator mounts the upstream's output but adds no Airflow
// dependency, so without `up >> task` the task may start first and fail
// to find the upstream's run.
func (s *session) checkDAG(b *built) {
	ups := make([][]int, len(b.dag.Tasks))
	for _, e := range b.dag.Edges {
		ups[e.To] = append(ups[e.To], e.From)
	}
	for i, t := range b.dag.Tasks {
		anc := ancestors(ups, i)
		for _, in := range t.Inputs {
			if !anc[in.Upstream] {
				up := b.dag.Tasks[in.Upstream]
				s.errorf(s.dagPos(in.Pos), "task %s: the IOMapping reads %s's output %s, but nothing makes %s wait for %s (add `%s >> %s`): KaapanaTaskOperator does not add the dependency, so Airflow may start this task first", t.ID, up.ID, in.Output, t.ID, up.ID, up.Var, t.Var)
			}
		}
	}
}

func ancestors(ups [][]int, i int) map[int]bool {
	seen := map[int]bool{}
	stack := slices.Clone(ups[i])
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		stack = append(stack, ups[n]...)
	}
	return seen
}
