package diff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/internal/values"
)

// WorkflowChange is what changed in a workflow, in its own terms: tasks,
// channel bindings, env, parameters. It comes before the object-level diff
// of the workflow's chart, which says the same thing in ConfigMap lines.
type WorkflowChange struct {
	Name         string        `json:"name"`
	TasksAdded   []string      `json:"tasksAdded,omitempty"`
	TasksRemoved []string      `json:"tasksRemoved,omitempty"`
	Tasks        []TaskChange  `json:"tasks,omitempty"`
	Channels     []ChannelDiff `json:"channels,omitempty"`
	Env          []EnvChange   `json:"env,omitempty"`
	Parameters   []ParamChange `json:"parameters,omitempty"`
	Other        []string      `json:"other,omitempty"`
	// Mermaid is the task graph after the change (before it, for a
	// removed workflow), for the pull-request comment.
	Mermaid string `json:"mermaid,omitempty"`
}

// TaskChange is a task whose container, template or image changed.
type TaskChange struct {
	Task  string `json:"task"`
	Field string `json:"field"` // container, template, image
	From  string `json:"from"`
	To    string `json:"to"`
}

// ChannelDiff is an input channel bound, unbound or rewired: From and To
// are "<upstream task>.<output channel>" ("after <task>" for an
// ordering-only dependency), empty where there is none.
type ChannelDiff struct {
	Task   string `json:"task"`
	Input  string `json:"input"`
	Change string `json:"change"` // added, removed, rewired
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// EnvChange is an env variable a task passes to its container.
type EnvChange struct {
	Task   string `json:"task"`
	Name   string `json:"name"`
	Change string `json:"change"` // added, removed, changed
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// ParamChange is a form field of the workflow (a workflow_parameters entry).
type ParamChange struct {
	Task   string `json:"task"`
	Env    string `json:"env"`
	Change string `json:"change"` // added, removed, changed
	Type   string `json:"type"`
	// Fields are the ui_form fields that changed.
	Fields []string `json:"fields,omitempty"`
}

// Empty says whether nothing in the workflow itself changed.
func (w *WorkflowChange) Empty() bool {
	return len(w.TasksAdded)+len(w.TasksRemoved)+len(w.Tasks)+len(w.Channels)+len(w.Env)+len(w.Parameters)+len(w.Other) == 0
}

// Summary is the change in a few words: "1 task added, 1 channel rewired".
func (w *WorkflowChange) Summary() string {
	var parts []string
	count := func(n int, what, how string) {
		switch {
		case n == 1:
			parts = append(parts, fmt.Sprintf("1 %s %s", what, how))
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss %s", n, what, how))
		}
	}
	count(len(w.TasksAdded), "task", "added")
	count(len(w.TasksRemoved), "task", "removed")
	count(len(w.Tasks), "task field", "changed")
	by := map[string]int{}
	for _, c := range w.Channels {
		by[c.Change]++
	}
	count(by["rewired"], "channel", "rewired")
	count(by["added"], "channel", "bound")
	count(by["removed"], "channel", "unbound")
	count(len(w.Env), "env variable", "changed")
	count(len(w.Parameters), "parameter", "changed")
	parts = append(parts, w.Other...)
	if len(parts) == 0 {
		return "no change to the workflow itself"
	}
	return strings.Join(parts, ", ")
}

// workflowChange compares the workflow the release name stands for on
// both sides; nil when neither side has such a workflow.
func workflowChange(base, head *compiler.Result, release string, m *masker) *WorkflowChange {
	a, inA := workflowOf(base, release)
	b, inB := workflowOf(head, release)
	if !inA && !inB {
		return nil
	}
	w := &WorkflowChange{Name: release}
	ga, gb := graphOf(a, inA), graphOf(b, inB)
	na, nb := nodes(ga), nodes(gb)
	for _, n := range gb.Nodes {
		if _, ok := na[n.ID]; !ok {
			w.TasksAdded = append(w.TasksAdded, n.ID)
		}
	}
	for _, n := range ga.Nodes {
		if _, ok := nb[n.ID]; !ok {
			w.TasksRemoved = append(w.TasksRemoved, n.ID)
		}
	}
	for _, n := range gb.Nodes {
		o, ok := na[n.ID]
		if !ok {
			continue
		}
		for _, f := range [][3]string{{"container", o.Container, n.Container}, {"template", o.Template, n.Template}, {"image", o.Image, n.Image}} {
			if f[1] != f[2] {
				w.Tasks = append(w.Tasks, TaskChange{Task: n.ID, Field: f[0], From: f[1], To: f[2]})
			}
		}
	}
	w.Channels = channelChanges(ga, gb, na, nb)
	w.Env = envChanges(a, b, nb, m)
	w.Parameters = paramChanges(a, b)
	if inA && inB {
		if a.Title != b.Title {
			w.Other = append(w.Other, fmt.Sprintf("title %s -> %s", a.Title, b.Title))
		}
		if w.Empty() && string(a.Files["workflow.json"]) != string(b.Files["workflow.json"]) {
			w.Other = append(w.Other, "workflow.json changed")
		}
		if w.Empty() && string(a.Files[a.Definition]) != string(b.Files[b.Definition]) {
			w.Other = append(w.Other, "the DAG changed")
		}
	}
	if inB {
		w.Mermaid = string(gb.Mermaid())
	} else {
		w.Mermaid = string(ga.Mermaid())
	}
	return w
}

func workflowOf(r *compiler.Result, release string) (compiler.WorkflowInfo, bool) {
	if r == nil {
		return compiler.WorkflowInfo{}, false
	}
	for _, w := range r.Workflows {
		if w.Release == release {
			return w, true
		}
	}
	return compiler.WorkflowInfo{}, false
}

func graphOf(w compiler.WorkflowInfo, ok bool) *workflow.Graph {
	if !ok || w.Graph == nil {
		return &workflow.Graph{}
	}
	return w.Graph
}

func nodes(g *workflow.Graph) map[string]workflow.Node {
	out := map[string]workflow.Node{}
	for _, n := range g.Nodes {
		out[n.ID] = n
	}
	return out
}

// channelChanges compares the bindings of tasks both sides have (an added
// or removed task's bindings come and go with it).
func channelChanges(ga, gb *workflow.Graph, na, nb map[string]workflow.Node) []ChannelDiff {
	bindings := func(g *workflow.Graph) map[[2]string]string {
		out := map[[2]string]string{}
		for _, e := range g.Edges {
			if e.Output == "" {
				out[[2]string{e.To, "after " + e.From}] = "after " + e.From
				continue
			}
			out[[2]string{e.To, e.Input}] = e.From + "." + e.Output
		}
		return out
	}
	a, b := bindings(ga), bindings(gb)
	keys := map[string][2]string{}
	for k := range a {
		keys[k[0]+"\x00"+k[1]] = k
	}
	for k := range b {
		keys[k[0]+"\x00"+k[1]] = k
	}
	var out []ChannelDiff
	for _, sk := range slices.Sorted(maps.Keys(keys)) {
		k := keys[sk]
		if _, ok := na[k[0]]; !ok {
			continue
		}
		if _, ok := nb[k[0]]; !ok {
			continue
		}
		from, inA := a[k]
		to, inB := b[k]
		switch {
		case inA && inB && from != to:
			out = append(out, ChannelDiff{Task: k[0], Input: k[1], Change: "rewired", From: from, To: to})
		case inA && !inB:
			out = append(out, ChannelDiff{Task: k[0], Input: k[1], Change: "removed", From: from})
		case !inA && inB:
			out = append(out, ChannelDiff{Task: k[0], Input: k[1], Change: "added", To: to})
		}
	}
	return out
}

// envChanges compares the env each task passes to its container, as its
// generated task file has it (template values, overrides and parameter
// defaults merged), for tasks both sides have.
func envChanges(a, b compiler.WorkflowInfo, nb map[string]workflow.Node, m *masker) []EnvChange {
	var out []EnvChange
	for _, id := range slices.Sorted(maps.Keys(nb)) {
		ea, okA := taskEnv(a, id)
		eb, okB := taskEnv(b, id)
		if !okA || !okB {
			continue
		}
		for _, name := range values.Keys(ea, eb) {
			va, inA := ea[name]
			vb, inB := eb[name]
			c := EnvChange{Task: id, Name: name, From: m.Scrub(va), To: m.Scrub(vb)}
			switch {
			case inA && inB && va == vb:
				continue
			case !inA:
				c.Change, c.From = "added", ""
			case !inB:
				c.Change, c.To = "removed", ""
			default:
				c.Change = "changed"
			}
			out = append(out, c)
		}
	}
	return out
}

func taskEnv(w compiler.WorkflowInfo, task string) (map[string]string, bool) {
	raw, ok := w.Files["tasks/"+task+".json"]
	if !ok {
		return nil, false
	}
	var doc struct {
		Env []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"env"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return nil, false
	}
	out := map[string]string{}
	for _, e := range doc.Env {
		out[e.Name] = e.Value
	}
	return out, true
}

// paramChanges compares workflow.json's workflow_parameters by task and
// env variable.
func paramChanges(a, b compiler.WorkflowInfo) []ParamChange {
	pa, pb := params(a), params(b)
	var out []ParamChange
	for _, k := range values.Keys(pa, pb) {
		task, env, _ := strings.Cut(k, "\x00")
		fa, inA := pa[k]
		fb, inB := pb[k]
		c := ParamChange{Task: task, Env: env}
		switch {
		case !inA:
			c.Change, c.Type = "added", formType(fb)
		case !inB:
			c.Change, c.Type = "removed", formType(fa)
		default:
			c.Change, c.Type = "changed", formType(fb)
			for _, f := range values.Keys(fa, fb) {
				if fa[f] != fb[f] {
					c.Fields = append(c.Fields, f)
				}
			}
			if len(c.Fields) == 0 {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// params are a workflow's form fields: "task\x00env" → ui_form field →
// its JSON.
func params(w compiler.WorkflowInfo) map[string]map[string]string {
	out := map[string]map[string]string{}
	var doc struct {
		Params []struct {
			Task   string                     `json:"task_title"`
			Env    string                     `json:"env_variable_name"`
			UIForm map[string]json.RawMessage `json:"ui_form"`
		} `json:"workflow_parameters"`
	}
	if json.Unmarshal(w.Files["workflow.json"], &doc) != nil {
		return out
	}
	for _, p := range doc.Params {
		f := map[string]string{}
		for k, v := range p.UIForm {
			f[k] = string(v)
		}
		out[p.Task+"\x00"+p.Env] = f
	}
	return out
}

func formType(f map[string]string) string {
	var t string
	if json.Unmarshal([]byte(f["type"]), &t) != nil {
		return ""
	}
	return t
}
