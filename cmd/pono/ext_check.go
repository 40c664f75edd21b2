package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newExtCheckCmd(s streams) *cobra.Command {
	var f compileFlags
	cmd := &cobra.Command{
		Use:   "check CHART.tgz [DIR]",
		Short: "Check a packaged chart as a platform would install it",
		Long: "check runs the compiler's checks on a packaged chart, for extension developers who still\n" +
			"upload charts: Kaapana's keywords and parameters, two renders, the policy, and the objects and\n" +
			"ports of the platform's other releases. With DIR the chart replaces the extension that installs\n" +
			"a chart of its name (keeping its parameters and values), or joins the platform as one more\n" +
			"extension, with the platform's globals; without DIR it is checked in an empty platform.\n" +
			"Nothing is written. Exit status 1 when the chart would be refused.",
		Args: rangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := ""
			if len(args) == 2 {
				dir = args[1]
			}
			res, err := f.action(s).CheckChart(cmd.Context(), dir, args[0])
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			for _, e := range res.Extensions {
				for _, r := range res.Releases {
					if r.Extension == e.Name && r.Chart.Location == args[0] {
						fmt.Fprintf(s.out, "%s: chart %s %s passes as extension %s (release %s in %s)\n", args[0], r.Chart.Name, r.Chart.Version, e.Name, r.Name, r.Namespace)
					}
				}
			}
			return nil
		},
	}
	f.bind(cmd)
	return cmd
}
