package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/cluster/statusdoc"
)

func newStatusCmd(s streams) *cobra.Command {
	var f compileFlags
	var k kubeFlags
	var kind, stability string
	var format *outputFormat
	var experimental, stable bool
	var namespace string
	cmd := &cobra.Command{
		Use:   "status [DIR]",
		Short: "Show each extension as Kaapana's Extensions page does, from the cluster",
		Long: "status compiles the platform in DIR and reads its releases from the cluster: kind, desired\n" +
			"and deployed chart version, stable or experimental, Helm status, the statuses of its pods\n" +
			"(Running, Completed, Pending, Failed, Error, CrashLoopBackOff, ...) and whether it is ready.\n" +
			"Releases found in the platform's namespaces that the platform does not have are listed after.\n\n" +
			"Without DIR, status shows what the in-cluster reconciler (pono reconcile) last did: the commit\n" +
			"attempted and applied, the result, errors, drift and each release's outcome, read from the\n" +
			"ConfigMap pono-status in --namespace.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr(fmt.Errorf("%s: accepts at most 1 argument, received %d\nusage: %s", cmd.CommandPath(), len(args), cmd.UseLine()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				cfg, err := k.config(nil)
				if err != nil {
					return err
				}
				cs, err := cfg.Clientset()
				if err != nil {
					return err
				}
				st, err := reconcile.ReadStatus(cmd.Context(), cs, namespace)
				if err != nil {
					return err
				}
				return printReconcilerStatus(s.out, format.value, st)
			}
			switch {
			case experimental && stable:
				return usageErr(fmt.Errorf("--experimental and --stable exclude each other"))
			case experimental:
				stability = "experimental"
			case stable:
				stability = "stable"
			}
			cfg, err := k.config(nil)
			if err != nil {
				return err
			}
			res, err := f.action(s).Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			st := status.NewStatus(cfg)
			st.Kind, st.Stability = kind, stability
			rep, err := st.Run(cmd.Context(), res)
			if err != nil {
				return err
			}
			return printPlatformStatus(s.out, format.value, rep)
		},
	}
	f.bind(cmd)
	k.bind(cmd)
	format = bindOutput(cmd, "output format", "table", "json", "yaml")
	cmd.Flags().StringVar(&namespace, "namespace", defaultNamespace(), "namespace of the reconciler (without DIR)")
	cmd.Flags().StringVar(&kind, "kind", "", "show only this kind (application, workflow, workflow-v2, platform, other)")
	cmd.Flags().BoolVar(&experimental, "experimental", false, "show only experimental extensions")
	cmd.Flags().BoolVar(&stable, "stable", false, "show only stable extensions")
	return cmd
}

func printPlatformStatus(w io.Writer, format string, rep *status.StatusReport) error {
	if rep.Releases == nil {
		rep.Releases = []status.ReleaseStatus{}
	}
	if rep.Other == nil {
		rep.Other = []status.ReleaseStatus{}
	}
	if done, err := writeStructured(w, format, rep); done {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EXTENSION\tRELEASE\tKIND\tVERSION\tSTABILITY\tHELM STATUS\tKUBERNETES STATUS\tREADY")
	for _, r := range rep.Releases {
		name := r.Extension
		if r.Instance != "" {
			name += "/" + r.Instance
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, r.Release, dash(r.Kind), statusVersion(r), r.Stability,
			statusHelm(r), kubeSummary(r.KubeStatus), yesNo(r.Ready))
	}
	tw.Flush()
	printWorkflowShapes(w, rep.Releases)
	if len(rep.Other) > 0 {
		fmt.Fprintf(w, "\nreleases in the cluster that platform %s does not have:\n", rep.Platform)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RELEASE\tNAMESPACE\tCHART\tVERSION\tHELM STATUS\tKUBERNETES STATUS\tREADY\tOWNER")
		for _, r := range rep.Other {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Release, r.Namespace, dash(r.Chart), dash(r.DeployedVersion),
				r.HelmStatus, kubeSummary(r.KubeStatus), yesNo(r.Ready), r.Owner)
		}
		tw.Flush()
	}
	return nil
}

func statusVersion(r status.ReleaseStatus) string {
	switch {
	case r.DeployedVersion == "":
		return r.DesiredVersion + " (not deployed)"
	case r.DeployedVersion != r.DesiredVersion:
		return r.DeployedVersion + " -> " + r.DesiredVersion
	}
	return r.DesiredVersion
}

func statusHelm(r status.ReleaseStatus) string {
	s := r.HelmStatus
	if r.InPlatform && r.HelmStatus == "deployed" && !r.UpToDate {
		s += " (out of date)"
	}
	if r.Owner != "" && r.Owner != "this platform" {
		s += " (" + r.Owner + ")"
	}
	return s
}

// kubeSummary counts pod statuses: "Running x2, Completed".
func kubeSummary(st []string) string {
	if len(st) == 0 {
		return "-"
	}
	var order []string
	n := map[string]int{}
	for _, s := range st {
		if n[s] == 0 {
			order = append(order, s)
		}
		n[s]++
	}
	parts := make([]string, 0, len(order))
	for _, s := range order {
		if n[s] > 1 {
			parts = append(parts, fmt.Sprintf("%s x%d", s, n[s]))
		} else {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func printReconcilerStatus(w io.Writer, format string, st *statusdoc.ReconcilerStatus) error {
	if done, err := writeStructured(w, format, st); done {
		return err
	}
	fmt.Fprintf(w, "repository:   %s (ref %s, path %s", st.Repo, st.Ref, st.Path)
	if st.Env != "" {
		fmt.Fprintf(w, ", env %s", st.Env)
	}
	fmt.Fprintf(w, ")\nmode:         %s\n", st.Mode)
	if st.Reconciler != "" {
		fmt.Fprintf(w, "reconciler:   %s\n", st.Reconciler)
	}
	fmt.Fprintf(w, "checked at:   %s\n", st.CheckedAt.Format("2006-01-02 15:04:05Z07:00"))
	if la := st.LastApplied; la != nil {
		fmt.Fprintf(w, "last applied: %s %q\n", la.Short(), la.Subject)
	}
	a := st.LastAttempt
	if a == nil {
		return nil
	}
	fmt.Fprintf(w, "last attempt: %s %q: %s at %s (%s, %s)\n", a.Short(), a.Subject, a.Result,
		a.Time.Format("2006-01-02 15:04:05Z07:00"), a.Duration.Round(time.Millisecond), a.Trigger)
	if a.Window != "" {
		fmt.Fprintf(w, "window:       %s\n", a.Window)
	}
	if a.Error != "" {
		fmt.Fprintf(w, "error:        %s\n", a.Error)
	}
	for _, d := range a.Drift {
		fmt.Fprintf(w, "drift:        %s (%s): %s\n", d.Release, driftState(d), strings.Join(d.Objects, "; "))
	}
	if len(a.Releases) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return printReleaseResults(w, a.Releases)
}
