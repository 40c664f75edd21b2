package main

import (
	"fmt"
	"os"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/safefs"
	"github.com/spf13/cobra"
)

func newTaskValidateCmd(s streams) *cobra.Command {
	var schema, pcFile string
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Validate a task or processing-container.json file",
		Long: "validate checks FILE against pono's Task API schemas and reports every problem with its\n" +
			"JSON path and position. The schema is guessed from the content unless --schema is given.\n" +
			"Task files may use {{ env.NAME }} placeholders, resolved from the environment.\n" +
			"Exit status 1 when the file is invalid.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := taskapi.ValidateOptions{Strict: strict, Lookup: os.LookupEnv}
			if schema != "" {
				k, err := taskapi.ParseKind(schema)
				if err != nil {
					return usageErr(err)
				}
				opts.Kind = k
			}
			if pcFile != "" {
				src, err := safefs.ReadRegularFile(pcFile, 0)
				if err != nil {
					return err
				}
				pc, _, err := taskapi.LoadProcessingContainer(pcFile, src, taskapi.ValidateOptions{})
				if err != nil {
					return err
				}
				opts.ProcessingContainer = pc
			}
			r, err := taskapi.ValidateFile(args[0], opts)
			if err != nil {
				return err
			}
			for _, d := range r.Diagnostics {
				fmt.Fprintln(s.err, d.String())
			}
			if !r.Valid() {
				return errSilent
			}
			what := "task"
			if r.Kind == taskapi.KindProcessingContainer {
				what = "processing-container"
			}
			fmt.Fprintf(s.out, "%s: valid %s\n", args[0], what)
			return nil
		},
	}
	cmd.Flags().StringVar(&schema, "schema", "", "pc or task (default: guessed from the content)")
	cmd.Flags().BoolVar(&strict, "strict", false, "unknown and duplicate keys are errors (default: warnings; Kaapana ignores them); warn about scale rules matching no input file")
	cmd.Flags().StringVar(&pcFile, "processing-container", "", "processing-container.json to check a task's taskTemplate and channels against")
	return cmd
}
