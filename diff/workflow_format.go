package diff

import (
	"fmt"
	"strings"
)

// workflowLines are a workflow change as lines with a leading sign
// (+ added, - removed, ~ changed), for text and markdown alike.
func workflowLines(w *WorkflowChange) []string {
	var out []string
	for _, t := range w.TasksAdded {
		out = append(out, "+ task "+t)
	}
	for _, t := range w.TasksRemoved {
		out = append(out, "- task "+t)
	}
	for _, t := range w.Tasks {
		out = append(out, fmt.Sprintf("~ task %s %s: %s -> %s", t.Task, t.Field, t.From, t.To))
	}
	for _, c := range w.Channels {
		switch c.Change {
		case "rewired":
			out = append(out, fmt.Sprintf("~ channel %s.%s rewired: %s -> %s", c.Task, c.Input, c.From, c.To))
		case "added":
			out = append(out, fmt.Sprintf("+ channel %s.%s <- %s", c.Task, c.Input, c.To))
		default:
			out = append(out, fmt.Sprintf("- channel %s.%s <- %s", c.Task, c.Input, c.From))
		}
	}
	for _, e := range w.Env {
		switch e.Change {
		case "added":
			out = append(out, fmt.Sprintf("+ env %s.%s: %s", e.Task, e.Name, e.To))
		case "removed":
			out = append(out, fmt.Sprintf("- env %s.%s: %s", e.Task, e.Name, e.From))
		default:
			out = append(out, fmt.Sprintf("~ env %s.%s: %s -> %s", e.Task, e.Name, e.From, e.To))
		}
	}
	for _, p := range w.Parameters {
		switch p.Change {
		case "added":
			out = append(out, fmt.Sprintf("+ parameter %s.%s (%s)", p.Task, p.Env, p.Type))
		case "removed":
			out = append(out, fmt.Sprintf("- parameter %s.%s (%s)", p.Task, p.Env, p.Type))
		default:
			out = append(out, fmt.Sprintf("~ parameter %s.%s (%s): %s changed", p.Task, p.Env, p.Type, strings.Join(p.Fields, ", ")))
		}
	}
	for _, o := range w.Other {
		out = append(out, "~ "+o)
	}
	return out
}

func writeWorkflowText(b *strings.Builder, w *WorkflowChange, c func(string, string) string) {
	if w == nil || w.Empty() {
		return
	}
	fmt.Fprintf(b, "workflow %s: %s\n", w.Name, w.Summary())
	for _, l := range workflowLines(w) {
		color := yellow
		switch l[0] {
		case '+':
			color = green
		case '-':
			color = red
		}
		fmt.Fprintf(b, "  %s\n", c(color, l))
	}
}

// writeWorkflowMarkdown writes the workflow change and its task graph as
// a mermaid block, which GitHub draws.
func writeWorkflowMarkdown(b *strings.Builder, w *WorkflowChange) {
	if w == nil || w.Empty() {
		return
	}
	fmt.Fprintf(b, "Workflow `%s`: %s\n\n", w.Name, mdEscape(w.Summary()))
	b.WriteString("```diff\n")
	for _, l := range workflowLines(w) {
		b.WriteString(strings.ReplaceAll(l, "```", "ʼʼʼ") + "\n")
	}
	b.WriteString("```\n\n")
	if w.Mermaid != "" {
		fmt.Fprintf(b, "```mermaid\n%s```\n\n", strings.ReplaceAll(w.Mermaid, "```", "ʼʼʼ"))
	}
}
