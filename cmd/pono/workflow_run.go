package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/internal/safefs"
	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/pono-gitops/pono/run/workflowrun"
)

// workflowRunCmds are `pono workflow run|status|logs`: a whole workflow
// on this machine (run/workflowrun, see docs/workflows.md).
func workflowRunCmds(s streams) []*cobra.Command {
	return []*cobra.Command{newWorkflowRunCmd(s), newWorkflowStatusCmd(s), newWorkflowLogsCmd(s)}
}

type workflowRunFlags struct {
	compile  compileFlags
	conn     taskConnFlags
	runDir   string
	parallel int
	sets     []string
	inputs   []string
	conf     string
}

// kaapanaNamespace and kaapanaPullSecret are what KaapanaTaskOperator
// runs a task pod with when the conf names no project.
const (
	kaapanaNamespace  = "project-admin"
	kaapanaPullSecret = "registry-secret"
)

func newWorkflowRunCmd(s streams) *cobra.Command {
	var f workflowRunFlags
	cmd := &cobra.Command{
		Use:   "run DIR NAME",
		Short: "Run a whole workflow locally (Docker) or as pods (k8s), task by task in dependency order",
		Long: "run compiles the platform's workflow NAME and runs every task through the Task API runner, as\n" +
			"KaapanaTaskOperator does: dependency order, independent tasks in parallel (--parallel), each\n" +
			"output channel at <run dir>/<task>/<channel> mounted as the input channels bound to it, stale\n" +
			"output directories removed before a task starts. --conf takes Kaapana's dag-run conf\n" +
			"({\"task_form\": {\"<task>\": {\"env\": [{\"name\": ..., \"value\": ...}]}}}), --set TASK.VAR=value\n" +
			"overrides it, --input TASK.CHANNEL=DIR feeds a channel nothing upstream feeds. Exit 126 skips a\n" +
			"task and what depends on it; any other failure fails it and skips its dependents; pono exits 1\n" +
			"when a task failed. The run record is <run dir>/workflow_run.json (pono workflow status, logs).",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.parallel < 1 {
				return usageErr(fmt.Errorf("--parallel must be at least 1, not %d", f.parallel))
			}
			info, err := findWorkflow(cmd, s, &f.compile, args[0], args[1])
			if err != nil {
				return err
			}
			pcs := map[string]string{}
			for _, c := range info.Containers {
				if c.ProcessingContainer != "" {
					pcs[c.Name] = filepath.Join(args[0], filepath.FromSlash(c.ProcessingContainer))
				}
			}
			w, err := workflowrun.FromCompiled(info.Graph, info.Files, func(c string) string { return pcs[c] })
			if err != nil {
				return err
			}
			var in workflowrun.Input
			var conf workflowrun.Conf
			if f.conf != "" {
				b, err := safefs.ReadRegularFile(f.conf, 0)
				if err != nil {
					return err
				}
				if conf, err = in.AddConf(w, f.conf, b); err != nil {
					return err
				}
				for _, warn := range conf.Warnings {
					fmt.Fprintf(s.err, "pono: warning: %s\n", warn)
				}
			}
			for _, a := range f.sets {
				if err := in.AddSet(w, a); err != nil {
					return usageErr(err)
				}
			}
			for _, a := range f.inputs {
				if err := in.AddInputDir(w, a); err != nil {
					return usageErr(err)
				}
			}
			opts := workflowrun.Options{RunDir: f.runDir, Parallel: f.parallel, Input: in}
			if opts.RunDir == "" {
				opts.RunDir = filepath.Join("workflow-runs", w.Name+"-"+time.Now().UTC().Format("20060102T150405Z"))
			}
			if f.conn.mode == string(taskrun.ModeK8s) {
				opts.Namespace = firstNonEmpty(f.conn.namespace, conf.Namespace, kaapanaNamespace)
				opts.PullSecrets = f.conn.pullSecrets
				if len(opts.PullSecrets) == 0 {
					opts.PullSecrets = []string{kaapanaPullSecret}
				}
			}
			r, err := f.conn.runner(s)
			if err != nil {
				return err
			}
			defer r.Close()
			opts.Mode = taskrun.Mode(f.conn.mode)
			live := terminal(s.out)
			opts.Progress = progressPrinter(s.out, live)
			// Stopping the running containers takes their grace period.
			grace := f.conn.grace
			if grace == 0 {
				grace = 10 * time.Second
			}
			setGrace(cmd.Context(), grace+5*time.Second)
			fmt.Fprintf(s.out, "run directory: %s\n", opts.RunDir)
			rec, err := workflowrun.Run(cmd.Context(), r, w, opts)
			if rec == nil {
				return err
			}
			if live {
				fmt.Fprintln(s.out)
				printRunTable(s.out, rec)
			}
			fmt.Fprintf(s.out, "workflow %s %s: %s\n", rec.Workflow, rec.State, runSummary(rec))
			if err != nil {
				return err
			}
			if rec.State == workflowrun.RunFailed {
				return &exitError{code: 1, err: fmt.Errorf("workflow %s failed: %s", rec.Workflow, failedTasks(rec))}
			}
			return nil
		},
	}
	f.compile.bind(cmd)
	f.conn.bind(cmd, flagMode|flagNetwork|flagNamespace|flagStartupTimeout|flagPullSecrets|flagGrace)
	fs := cmd.Flags()
	// Here the pull secrets are the task pods' too, as KaapanaTaskOperator's
	// registry-secret is.
	fs.Lookup("image-pull-secret").Usage = "k8s: pull secret of every task pod, after the task's own registry secret (default registry-secret)"
	fs.Lookup("namespace").Usage = "k8s: namespace of the task pods (default: the conf's project_form.kubernetes_namespace, then project-admin)"
	fs.StringVar(&f.runDir, "run-dir", "", "run directory: channels, task files and records (default workflow-runs/NAME-<UTC time>); rerunning into it is idempotent")
	fs.IntVar(&f.parallel, "parallel", workflowrun.DefaultParallel, "how many tasks run at once")
	fs.StringArrayVar(&f.sets, "set", nil, "TASK.VAR=value: an env value for a task (wins over --conf, the platform and the template)")
	fs.StringVar(&f.conf, "conf", "", "Kaapana's dag-run conf object (JSON): task_form.<task>.env, project_form.kubernetes_namespace")
	fs.StringArrayVar(&f.inputs, "input", nil, "TASK.CHANNEL=HOSTDIR: data for an input channel nothing upstream feeds")
	return cmd
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// progressPrinter prints a line per state change on a terminal, and only
// each task's end otherwise.
func progressPrinter(w io.Writer, live bool) func(workflowrun.Event) {
	return func(e workflowrun.Event) {
		if !live && !e.State.Final() {
			return
		}
		line := fmt.Sprintf("task %s %s", e.Task, e.State)
		if d := e.Duration(); d > 0 {
			line += " in " + d.Round(time.Millisecond).String()
		}
		if e.ExitCode != nil && *e.ExitCode != 0 {
			line += fmt.Sprintf(" (exit %d)", *e.ExitCode)
		}
		// A failed task's reason only repeats its exit code.
		if e.Reason != "" && (e.ExitCode == nil || e.State != workflowrun.StateFailed) {
			line += ": " + e.Reason
		}
		if live {
			line = time.Now().Format("15:04:05") + " " + line
		}
		fmt.Fprintln(w, line)
	}
}

func printRunTable(w io.Writer, rec *workflowrun.Record) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tSTATE\tDURATION\tEXIT\tPEAK MEMORY\tREASON")
	for _, t := range rec.Tasks {
		dur, exit, peak, reason := "-", "-", "-", "-"
		if d := t.Duration(); d > 0 {
			dur = d.Round(time.Millisecond).String()
		}
		if t.ExitCode != nil {
			exit = fmt.Sprint(*t.ExitCode)
		}
		if t.PeakMemoryBytes > 0 {
			peak = mib(t.PeakMemoryBytes)
		}
		if t.Reason != "" {
			reason = t.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.State, dur, exit, peak, reason)
	}
	tw.Flush()
}

// runSummary counts the tasks by state, in a fixed order.
func runSummary(rec *workflowrun.Record) string {
	count := map[workflowrun.State]int{}
	for _, t := range rec.Tasks {
		count[t.State]++
	}
	var parts []string
	for _, st := range []workflowrun.State{workflowrun.StateSucceeded, workflowrun.StateSkipped, workflowrun.StateFailed,
		workflowrun.StateOOMKilled, workflowrun.StateCancelled, workflowrun.StateRunning, workflowrun.StatePending} {
		if count[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[st], st))
		}
	}
	return fmt.Sprintf("%d tasks: %s", len(rec.Tasks), strings.Join(parts, ", "))
}

func failedTasks(rec *workflowrun.Record) string {
	var out []string
	for _, t := range rec.Tasks {
		if t.State == workflowrun.StateFailed || t.State == workflowrun.StateOOMKilled {
			out = append(out, fmt.Sprintf("task %s %s (%s)", t.ID, t.State, t.Reason))
		}
	}
	return strings.Join(out, ", ")
}

func newWorkflowStatusCmd(s streams) *cobra.Command {
	var format *outputFormat
	cmd := &cobra.Command{
		Use:   "status RUN",
		Short: "Print a workflow run's tasks from its record (the run directory or its workflow_run.json)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, err := workflowrun.ReadRecord(args[0])
			if err != nil {
				return err
			}
			if done, err := writeStructured(s.out, format.value, rec); done {
				return err
			}
			fmt.Fprintf(s.out, "workflow %s, run %s (%s) in %s: %s\n", rec.Workflow, rec.RunID, rec.Mode, rec.RunDir, rec.State)
			printRunTable(s.out, rec)
			return nil
		},
	}
	format = bindOutput(cmd, "output format", "table", "json", "yaml")
	return cmd
}

func newWorkflowLogsCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	cmd := &cobra.Command{
		Use:   "logs RUN [TASK]",
		Short: "Print the logs of a workflow run's tasks (or of one), in dependency order",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, err := workflowrun.ReadRecord(args[0])
			if err != nil {
				return err
			}
			tasks := rec.Tasks
			if len(args) == 2 {
				t, ok := rec.Task(args[1])
				if !ok {
					ids := make([]string, len(rec.Tasks))
					for i, t := range rec.Tasks {
						ids[i] = t.ID
					}
					return fmt.Errorf("workflow run %s has no task %q (tasks: %s)", rec.RunID, args[1], strings.Join(ids, ", "))
				}
				if t.Run == nil {
					return fmt.Errorf("task %s never started (%s%s): it has no logs", t.ID, t.State, prefixed(": ", t.Reason))
				}
				tasks = []*workflowrun.TaskRecord{t}
			}
			r, err := conn.runner(s)
			if err != nil {
				return err
			}
			defer r.Close()
			for _, t := range tasks {
				if t.Run == nil {
					continue
				}
				if len(args) == 1 {
					fmt.Fprintf(s.out, "==> %s (%s) <==\n", t.ID, t.State)
				}
				if err := r.Logs(cmd.Context(), t.Run, false, s.out); err != nil {
					return fmt.Errorf("task %s: %w", t.ID, err)
				}
			}
			return nil
		},
	}
	conn.bind(cmd, 0)
	return cmd
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
