package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pono-gitops/pono/reconcile/taskrun"
	"github.com/spf13/cobra"
)

type taskRunFlags struct {
	conn   taskConnFlags
	watch  bool
	wait   bool
	output string
	pcFile string
	strict bool
	// timeout bounds waiting for the task (--watch, --wait).
	timeout time.Duration
}

func newTaskRunCmd(s streams) *cobra.Command {
	var f taskRunFlags
	cmd := &cobra.Command{
		Use:   "run TASK",
		Short: "Run a task in Docker or on Kubernetes",
		Long: "run validates TASK, takes its template (inline, --processing-container, or the image's\n" +
			"/processing-container.json), applies scale rules and starts it. With --watch it streams the\n" +
			"logs and waits; with --wait it only waits. When waiting, pono exits with the task's exit code:\n" +
			"137 when it was OOM-killed, 126 when it asked to be skipped.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := f.conn.runner(s)
			if err != nil {
				return err
			}
			defer r.Close()
			ctx := cmd.Context()
			plan, err := r.Prepare(ctx, args[0], taskrun.PrepareOptions{ProcessingContainerFile: f.pcFile, Strict: f.strict})
			if err != nil {
				return err
			}
			for _, d := range plan.Warnings {
				fmt.Fprintln(s.err, d.String())
			}
			for _, n := range plan.Computed.Notes {
				fmt.Fprintf(s.err, "pono: %s\n", n)
			}
			for _, rr := range plan.Computed.Rules {
				fmt.Fprintf(s.err, "scale rule: input %s (%s, %s): %d bytes x %d + 10%% = %s\n", rr.Channel, rr.Type, rr.Mode, rr.SizeBytes, rr.ScaleFactor, rr.Required)
			}
			rec, err := r.Run(ctx, plan)
			if rec != nil && rec.ID != "" && f.output != "" {
				if werr := taskrun.WriteRecord(f.output, rec); werr != nil && err == nil {
					err = werr
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(s.out, "started %s %s\n", rec.Mode, rec.ID)
			if !f.watch && !f.wait {
				return nil
			}
			if f.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, f.timeout, fmt.Errorf("task %s did not end within %s (it keeps running; see pono task stop)", rec.ID, f.timeout))
				defer cancel()
			}
			if f.watch {
				if err := r.Logs(ctx, rec, true, s.out); err != nil {
					return err
				}
			}
			st, err := r.Wait(ctx, rec)
			if err != nil {
				if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
					return cause
				}
				return err
			}
			printStatus(s, st)
			return statusError(st)
		},
	}
	f.conn.bind(cmd, true)
	fs := cmd.Flags()
	fs.BoolVar(&f.watch, "watch", false, "stream the logs and wait for the task to end")
	fs.BoolVar(&f.wait, "wait", false, "wait for the task to end")
	fs.StringVarP(&f.output, "output", "o", "", "write the run record (JSON) to this file")
	fs.StringVar(&f.pcFile, "processing-container", "", "take the template from this processing-container.json instead of the image")
	fs.BoolVar(&f.strict, "strict", false, "unknown keys in the task are errors")
	fs.DurationVar(&f.timeout, "timeout", 0, "with --watch or --wait: give up waiting after this long (0: no limit)")
	return cmd
}

func printStatus(s streams, st *taskrun.Status) {
	fmt.Fprintf(s.out, "phase: %s\n", st.Phase)
	if st.Done() {
		fmt.Fprintf(s.out, "exit code: %d\n", st.ExitCode)
	}
	if st.Reason != "" {
		fmt.Fprintf(s.out, "reason: %s\n", st.Reason)
	}
	if st.Message != "" {
		fmt.Fprintf(s.out, "message: %s\n", st.Message)
	}
	if st.MemoryLimitBytes > 0 {
		fmt.Fprintf(s.out, "memory limit: %d bytes\n", st.MemoryLimitBytes)
	}
}
