package workflow

import (
	"fmt"
	"strings"
)

// Graph is a workflow's tasks and how data flows between them.
type Graph struct {
	Workflow string `json:"workflow"`
	Title    string `json:"title"`
	// Nodes are in dependency order (every task after those it waits for).
	Nodes []Node `json:"nodes"`
	// Edges are sorted by downstream task, then input channel.
	Edges []Edge `json:"edges"`
}

// Node is a task.
type Node struct {
	ID        string `json:"id"`
	Container string `json:"container"`
	Template  string `json:"template"`
	Image     string `json:"image"`
}

// Edge is a dependency: an output channel mounted as an input channel, or,
// with both channels empty, an ordering-only `after`.
type Edge struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Output string `json:"output,omitempty"`
	Input  string `json:"input,omitempty"`
}

func buildGraph(rw *resolvedWorkflow) *Graph {
	g := &Graph{Workflow: rw.name, Title: rw.w.title(rw.name)}
	for _, id := range rw.order {
		rt := rw.tasks[id]
		g.Nodes = append(g.Nodes, Node{ID: id, Container: rt.t.Container, Template: rt.t.Template, Image: rt.container.image})
		data := map[string]bool{}
		for _, b := range rt.inputs {
			g.Edges = append(g.Edges, Edge{From: b.task, To: id, Output: b.output, Input: b.channel})
			data[b.task] = true
		}
		for _, up := range rt.upstream {
			if !data[up] {
				g.Edges = append(g.Edges, Edge{From: up, To: id})
			}
		}
	}
	return g
}

func (e Edge) label() string {
	if e.Output == "" {
		return ""
	}
	if e.Output == e.Input {
		return e.Output
	}
	return e.Output + " → " + e.Input
}

// Mermaid renders the graph as a mermaid flowchart: one box per task
// (id, container/template), one labelled arrow per channel binding, a
// dotted arrow per ordering-only dependency.
func (g *Graph) Mermaid() []byte {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("t%d", i)
		fmt.Fprintf(&b, "  %s[\"%s<br/>%s / %s\"]\n", ids[n.ID], mermaidText(n.ID), mermaidText(n.Container), mermaidText(n.Template))
	}
	for _, e := range g.Edges {
		if e.Output == "" {
			fmt.Fprintf(&b, "  %s -.-> %s\n", ids[e.From], ids[e.To])
			continue
		}
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[e.From], mermaidText(e.label()), ids[e.To])
	}
	return []byte(b.String())
}

// mermaidText escapes what would end a quoted mermaid label or start
// markup.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ").Replace(s)
}

// Dot renders the graph in Graphviz's language, with the same content as
// Mermaid.
func (g *Graph) Dot() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", dotQuote(g.Workflow))
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "  %s [label=%s];\n", dotQuote(n.ID), dotQuote(n.ID+"\n"+n.Container+" / "+n.Template))
	}
	for _, e := range g.Edges {
		if e.Output == "" {
			fmt.Fprintf(&b, "  %s -> %s [style=dashed];\n", dotQuote(e.From), dotQuote(e.To))
			continue
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotQuote(e.From), dotQuote(e.To), dotQuote(e.label()))
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
