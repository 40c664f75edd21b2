package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/cluster/ui"
	"github.com/pono-gitops/pono/compiler"
)

// The workflow commands read only the platform files (a schema-only
// compile): a workflow needs its processing-container.json files, never
// a chart.

func newWorkflowCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "workflow", Short: "Inspect a platform's Kaapana workflows"}
	cmd.AddCommand(newWorkflowListCmd(s), newWorkflowShowCmd(s), newWorkflowGraphCmd(s))
	cmd.AddCommand(workflowRunCmds(s)...)
	cmd.AddCommand(kaapanaWorkflowCmds(s)...)
	return cmd
}

func newWorkflowListCmd(s streams) *cobra.Command {
	var f compileFlags
	var format *outputFormat
	cmd := &cobra.Command{
		Use:   "list DIR",
		Short: "List the platform's workflows: title, chart version, tasks, containers, parameters",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := compileWorkflows(cmd, s, &f, args[0])
			if err != nil {
				return err
			}
			return printWorkflows(s.out, format.value, res.Workflows)
		},
	}
	f.bind(cmd)
	format = bindOutput(cmd, "output format", "table", "json", "yaml")
	return cmd
}

func newWorkflowShowCmd(s streams) *cobra.Command {
	var f compileFlags
	var format *outputFormat
	cmd := &cobra.Command{
		Use:   "show DIR NAME",
		Short: "Show a workflow: its task graph, the generated workflow.json and Airflow DAG",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := findWorkflow(cmd, s, &f, args[0], args[1])
			if err != nil {
				return err
			}
			return printWorkflow(s.out, format.value, w)
		},
	}
	f.bind(cmd)
	format = bindOutput(cmd, "output format", "table", "json", "yaml")
	return cmd
}

func newWorkflowGraphCmd(s streams) *cobra.Command {
	var f compileFlags
	var format *outputFormat
	cmd := &cobra.Command{
		Use:   "graph DIR NAME",
		Short: "Print a workflow's task graph as a mermaid flowchart, in Graphviz dot, or laid out as SVG",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := findWorkflow(cmd, s, &f, args[0], args[1])
			if err != nil {
				return err
			}
			var out []byte
			switch format.value {
			case "dot":
				out = w.Graph.Dot()
			case "svg":
				if out, err = ui.GraphSVG(cmd.Context(), w.Graph); err != nil {
					return err
				}
			default:
				out = w.Graph.Mermaid()
			}
			_, err = s.out.Write(out)
			return err
		},
	}
	f.bind(cmd)
	format = bindOutput(cmd, "output format", "mermaid", "dot", "svg")
	return cmd
}

func compileWorkflows(cmd *cobra.Command, s streams, f *compileFlags, dir string) (*compiler.Result, error) {
	c := f.action(s)
	c.SchemaOnly = true
	res, err := c.Run(cmd.Context(), dir)
	if err != nil {
		return nil, err
	}
	printWarnings(s.err, res)
	return res, nil
}

func findWorkflow(cmd *cobra.Command, s streams, f *compileFlags, dir, name string) (compiler.WorkflowInfo, error) {
	res, err := compileWorkflows(cmd, s, f, dir)
	if err != nil {
		return compiler.WorkflowInfo{}, err
	}
	if w, ok := res.Workflow(name); ok {
		return w, nil
	}
	names := make([]string, len(res.Workflows))
	for i, w := range res.Workflows {
		names[i] = w.Name
	}
	known := "it has none"
	if len(names) > 0 {
		known = "workflows: " + strings.Join(names, ", ")
	}
	return compiler.WorkflowInfo{}, fmt.Errorf("platform %s has no workflow %q (%s)", res.Platform.Name, name, known)
}

func printWorkflows(w io.Writer, format string, ws []compiler.WorkflowInfo) error {
	if ws == nil {
		ws = []compiler.WorkflowInfo{}
	}
	if done, err := writeStructured(w, format, ws); done {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTITLE\tVERSION\tTASKS\tCONTAINERS\tPARAMETERS")
	for _, x := range ws {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\n", x.Name, x.Title, x.ChartVersion, len(x.Tasks), len(x.Containers), len(x.Parameters))
	}
	return tw.Flush()
}

// workflowDoc is `pono workflow show -o json|yaml`: the workflow and its
// generated files as text.
type workflowDoc struct {
	compiler.WorkflowInfo
	Files map[string]string `json:"files"`
}

func printWorkflow(w io.Writer, format string, x compiler.WorkflowInfo) error {
	if format != "table" {
		doc := workflowDoc{WorkflowInfo: x, Files: map[string]string{}}
		for name, b := range x.Files {
			doc.Files[name] = string(b)
		}
		_, err := writeStructured(w, format, doc)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "workflow %s: title %s, chart %s %s, release %s\n", x.Name, x.Title, x.Name, x.ChartVersion, x.Release)
	fmt.Fprintf(&b, "pod names stay distinct for Airflow run ids of up to %d characters\n", x.MaxRunIDLength)
	b.WriteString("\ntasks, in dependency order:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	inputs := map[string][]string{}
	for _, e := range x.Graph.Edges {
		if e.Output == "" {
			inputs[e.To] = append(inputs[e.To], "after "+e.From)
			continue
		}
		inputs[e.To] = append(inputs[e.To], e.Input+" <- "+e.From+"."+e.Output)
	}
	for _, n := range x.Graph.Nodes {
		in := "-"
		if len(inputs[n.ID]) > 0 {
			in = strings.Join(inputs[n.ID], ", ")
		}
		fmt.Fprintf(tw, "  %s\t%s / %s\t%s\t%s\n", n.ID, n.Container, n.Template, n.Image, in)
	}
	tw.Flush()
	if len(x.Parameters) > 0 {
		b.WriteString("\nparameters:\n")
		for _, p := range x.Parameters {
			fmt.Fprintf(&b, "  %s: %s\n", p.Name, p.Type)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(x.Files)) {
		if name != "workflow.json" && name != x.Definition {
			continue // the task files are in the compile output
		}
		fmt.Fprintf(&b, "\n--- %s\n%s", name, x.Files[name])
		if !strings.HasSuffix(string(x.Files[name]), "\n") {
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printWorkflowShapes lists, under pono status's table, the tasks and
// containers of each workflow release.
func printWorkflowShapes(w io.Writer, rows []status.ReleaseStatus) {
	first := true
	for _, r := range rows {
		if len(r.Tasks) == 0 {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nworkflows:")
			first = false
		}
		fmt.Fprintf(w, "  %s: %d tasks (%s); containers %s\n", r.Release, len(r.Tasks), strings.Join(r.Tasks, ", "), strings.Join(r.Containers, ", "))
	}
}
