package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/cluster/livediff"
	"github.com/pono-gitops/pono/diff"
)

func newDiffCmd(s streams) *cobra.Command {
	var (
		f        compileFlags
		base     string
		head     string
		format   *outputFormat
		color    string
		exitCode bool
		live     bool
		kube     kubeFlags
	)
	cmd := &cobra.Command{
		Use:   "diff DIR (--base REF [--head REF] | --live)",
		Short: "Show exactly what a platform change will do",
		Long: "diff compiles the platform in DIR at two git revisions of the repository holding it\n" +
			"(--head defaults to the working tree, which is never modified) and prints the plan pono\n" +
			"apply would carry out: releases added, removed, upgraded and reconfigured, the values that\n" +
			"changed, and each changed object as a unified diff. Secret contents and sensitive values\n" +
			"are never shown.\n\n" +
			"With --live, diff compares the platform with the cluster instead: desired (git) vs the\n" +
			"release Helm stored vs the live objects, saying which layer differs: git (a change to\n" +
			"apply), cluster (an out-of-band edit: drift) or release (missing, failed or pending).\n\n" +
			"Exit codes with --exit-code: 0 no changes, 2 changes, 1 error.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case live && (base != "" || head != ""):
				return usageErr(fmt.Errorf("diff: --live compares with the cluster; it takes no --base or --head"))
			case !live && base == "":
				return usageErr(fmt.Errorf("diff: --base REF is required (or --live)"))
			}
			useColor, err := wantColor(color, s.out)
			if err != nil {
				return err
			}
			var r *diff.Report
			if live {
				cfg, err := kube.config(nil)
				if err != nil {
					return err
				}
				d := livediff.NewLiveDiff(f.config(), cfg.RESTConfig)
				d.Env, d.Offline, d.Locked = f.env, f.offline, f.locked
				if r, err = d.Run(cmd.Context(), args[0]); err != nil {
					return err
				}
			} else {
				d := diff.NewGitDiff(f.config())
				d.Base, d.Head, d.Env, d.Offline, d.Locked = base, head, f.env, f.offline, f.locked
				if r, err = d.Run(cmd.Context(), args[0]); err != nil {
					return err
				}
			}
			switch format.value {
			case "json":
				err = diff.WriteJSON(s.out, r)
			case "yaml":
				err = writeDiffYAML(s.out, r)
			case "markdown":
				err = diff.WriteMarkdown(s.out, r, diff.MarkdownOptions{})
			default:
				err = diff.WriteText(s.out, r, diff.TextOptions{Color: useColor})
			}
			if err != nil {
				return err
			}
			if exitCode && r.HasChanges() {
				return &exitError{code: 2}
			}
			return nil
		},
	}
	f.bind(cmd) // --env and --offline apply to both sides, --locked to the head
	cmd.Flags().StringVar(&base, "base", "", "git revision to compare from (branch, tag, commit)")
	cmd.Flags().StringVar(&head, "head", "", "git revision to compare to (default: the working tree)")
	format = bindOutput(cmd, "output format (markdown: a pull-request comment)", "table", "markdown", "json", "yaml")
	cmd.Flags().StringVar(&color, "color", "auto", "color the text output: auto (on a terminal), always or never")
	cmd.Flags().BoolVar(&live, "live", false, "compare with the cluster (current kubeconfig) instead of a git revision")
	kube.bind(cmd)
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit 2 when there are changes, 0 when there are none")
	return cmd
}

// writeDiffYAML prints the JSON report as YAML, so both have one shape.
func writeDiffYAML(w io.Writer, r *diff.Report) error {
	var b bytes.Buffer
	if err := diff.WriteJSON(&b, r); err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(b.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}
