package main

import (
	"fmt"

	"github.com/pono-gitops/pono/compiler"
	"github.com/spf13/cobra"
)

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print pono's version",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(s.out, "pono %s (render %s)\n", compiler.Version, compiler.RenderVersion)
			return err
		},
	}
}
