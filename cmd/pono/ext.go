package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/compiler"
)

func newExtCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "ext", Short: "Inspect a platform's extensions"}
	cmd.AddCommand(newExtListCmd(s))
	cmd.AddCommand(newExtCheckCmd(s))
	return cmd
}

func newExtListCmd(s streams) *cobra.Command {
	var f compileFlags
	var format *outputFormat
	cmd := &cobra.Command{
		Use:   "list DIR",
		Short: "List extensions as Kaapana's Extensions page shows them",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The page is the charts' metadata: it must show while a
			// release's parameters or policy are still wrong.
			c := f.action(s)
			c.MetadataOnly = true
			res, err := c.Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			return printExtensions(s.out, format.value, res.Extensions)
		},
	}
	f.bind(cmd)
	format = bindOutput(cmd, "output format", "table", "json", "yaml")
	return cmd
}

func printExtensions(w io.Writer, format string, exts []compiler.ExtensionInfo) error {
	if exts == nil {
		exts = []compiler.ExtensionInfo{}
	}
	if done, err := writeStructured(w, format, exts); done {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCHART\tKIND\tVERSION\tSTATUS\tMULTI\tINSTANCES\tPARAMETERS")
	for _, e := range exts {
		multi := "no"
		if e.Multi {
			multi = "yes"
		}
		inst := "-"
		if len(e.Instances) > 0 {
			inst = strings.Join(instanceCells(e), ",")
		}
		var params []string
		for _, p := range e.Parameters {
			if p.Settable() {
				params = append(params, p.Name+":"+p.Type)
			}
		}
		ps := "-"
		if len(params) > 0 {
			ps = strings.Join(params, " ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, e.Chart, e.Kind, e.Version, e.Stability, multi, inst, ps)
	}
	return tw.Flush()
}

// instanceCells name each instance, with @project for an instance outside
// Kaapana's default admin project (-o json and yaml give each project's
// namespace, bucket and index).
func instanceCells(e compiler.ExtensionInfo) []string {
	out := make([]string, len(e.Instances))
	for i, inst := range e.Instances {
		out[i] = inst
		if p, ok := e.Projects[inst]; ok && p.Name != compiler.DefaultProject {
			out[i] += "@" + p.Name
		}
	}
	return out
}
