package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/workflow/kaapanadir"
)

// kaapanaWorkflowCmds are `pono workflow validate|import PATH` for a
// workflow directory laid out as Kaapana's (docs/workflows.md).
func kaapanaWorkflowCmds(s streams) []*cobra.Command {
	return []*cobra.Command{newWorkflowValidateCmd(s), newWorkflowImportCmd(s)}
}

func newWorkflowValidateCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "validate PATH",
		Short: "Check a Kaapana workflow directory (workflow-chart/ + processing-containers/) without running it",
		Long: "validate checks a Kaapana v2 workflow directory: everything Kaapana's workflow CLI checks,\n" +
			"then the DAG (read, never run) against workflow.json and each image's processing-container.json.\n" +
			"Warnings and errors go to stderr; exit status 1 when there is an error.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := kaapanadir.Validate(kaapanadir.Options{Dir: args[0]})
			if err != nil {
				return err
			}
			if err := printFindings(s, res.Diagnostics); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "%s: Kaapana workflow %s: %s\n", args[0], res.Name, countWarnings(res.Diagnostics))
			return nil
		},
	}
}

func newWorkflowImportCmd(s streams) *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "import PATH",
		Short: "Print a Kaapana workflow directory in pono's workflow format (YAML, to stdout)",
		Long: "import reads a Kaapana v2 workflow directory as validate does and prints it as a platform\n" +
			"file's `workflows` entry. It refuses when the DAG is too dynamic to read completely.\n" +
			"processing-container.json paths are written relative to the platform directory under --prefix.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, res, err := kaapanadir.Import(kaapanadir.ImportOptions{Options: kaapanadir.Options{Dir: args[0]}, Prefix: prefix})
			var de *diag.Err
			if errors.As(err, &de) {
				return fmt.Errorf("cannot import %s:\n%w", args[0], err)
			}
			if err != nil {
				return err
			}
			for _, d := range res.Diagnostics {
				fmt.Fprintln(s.err, d.String())
			}
			_, err = s.out.Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&prefix, "prefix", "", "directory (in the platform) the workflow's processing-containers/ is copied to")
	return cmd
}

// printFindings prints warnings to stderr and returns the errors, which
// the edge prints.
func printFindings(s streams, l diag.List) error {
	var errs diag.List
	for _, d := range l {
		if d.Severity == diag.Warning {
			fmt.Fprintln(s.err, d.String())
			continue
		}
		errs = append(errs, d)
	}
	if len(errs) > 0 {
		return &diag.Err{List: errs}
	}
	return nil
}

func countWarnings(l diag.List) string {
	switch len(l) {
	case 0:
		return "valid"
	case 1:
		return "valid, 1 warning"
	}
	return fmt.Sprintf("valid, %d warnings", len(l))
}
