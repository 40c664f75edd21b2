package main

import (
	"fmt"

	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/spf13/cobra"
)

// The commands that work from a run record: logs, status, stop.

func newTaskLogsCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	var watch bool
	cmd := &cobra.Command{
		Use:   "logs RUN.json",
		Short: "Print a run's logs",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, r, err := openRecord(s, &conn, args[0])
			if err != nil {
				return err
			}
			defer r.Close()
			return r.Logs(cmd.Context(), rec, watch, s.out)
		},
	}
	conn.bind(cmd, flagStartupTimeout)
	cmd.Flags().BoolVar(&watch, "watch", false, "follow the logs until the task ends")
	return cmd
}

func newTaskStatusCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	var format *outputFormat
	var exitCode bool
	cmd := &cobra.Command{
		Use:   "status RUN.json",
		Short: "Print a run's status",
		Long: "status prints the run's phase and, once it has ended, its exit code. With --exit-code pono\n" +
			"exits with the task's outcome: 0 succeeded, the task's exit code when it failed, 126 skipped,\n" +
			"137 OOM-killed, 75 while it has not ended (Pending, Running), 1 when its state is unknown.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, r, err := openRecord(s, &conn, args[0])
			if err != nil {
				return err
			}
			defer r.Close()
			st, err := r.Status(cmd.Context(), rec)
			if err != nil {
				return err
			}
			done, err := writeStructured(s.out, format.value, st)
			if err != nil {
				return err
			}
			if !done {
				printStatus(s, st)
			}
			if exitCode {
				return statusError(st)
			}
			return nil
		},
	}
	conn.bind(cmd, 0)
	format = bindOutput(cmd, "output format", "table", "json", "yaml")
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit with the task's outcome (75 while it has not ended)")
	return cmd
}

func newTaskStopCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	cmd := &cobra.Command{
		Use:   "stop RUN.json",
		Short: "Stop a run (docker: stop the container; k8s: delete the pod)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, r, err := openRecord(s, &conn, args[0])
			if err != nil {
				return err
			}
			defer r.Close()
			if err := r.Stop(cmd.Context(), rec); err != nil {
				return err
			}
			fmt.Fprintf(s.out, "stopped %s %s\n", rec.Mode, rec.ID)
			return nil
		},
	}
	conn.bind(cmd, flagGrace)
	return cmd
}

// newTaskCheckCmd is Kaapana's `check-task-run`: wait for the run to end
// (unless --no-watch) and exit with its outcome.
func newTaskCheckCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	var watch, noWatch bool
	cmd := &cobra.Command{
		Use:   "check-task-run RUN.json",
		Short: "Wait for a run to end and exit with its outcome (Kaapana's check-task-run)",
		Long: "check-task-run waits until the run has ended, prints its status and exits with its outcome:\n" +
			"0 succeeded, the task's exit code when it failed, 126 skipped, 137 OOM-killed. With --no-watch\n" +
			"it looks once and exits 75 while the task has not ended.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if watch && noWatch {
				return usageErr(fmt.Errorf("--watch and --no-watch contradict each other"))
			}
			rec, r, err := openRecord(s, &conn, args[0])
			if err != nil {
				return err
			}
			defer r.Close()
			var st *taskrun.Status
			if noWatch {
				st, err = r.Status(cmd.Context(), rec)
			} else {
				st, err = r.Wait(cmd.Context(), rec)
			}
			if err != nil {
				return err
			}
			printStatus(s, st)
			return statusError(st)
		},
	}
	conn.bind(cmd, 0)
	cmd.Flags().BoolVar(&watch, "watch", false, "wait until the task ends (the default)")
	cmd.Flags().BoolVar(&noWatch, "no-watch", false, "look once instead of waiting")
	return cmd
}

func openRecord(s streams, conn *taskConnFlags, file string) (*taskrun.Record, *taskrun.Runner, error) {
	rec, err := taskrun.ReadRecord(file)
	if err != nil {
		return nil, nil, err
	}
	if rec.Kubernetes != nil && conn.context == "" {
		conn.context = rec.Kubernetes.Context
	}
	r, err := conn.runner(s)
	if err != nil {
		return nil, nil, err
	}
	return rec, r, nil
}

func newTaskPCCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	cmd := &cobra.Command{
		Use:   "processing-container IMAGE",
		Short: "Print an image's /processing-container.json",
		Long: "processing-container reads /processing-container.json from IMAGE: in docker mode from a\n" +
			"created (never started) container; in k8s mode, as Kaapana does, from a short-lived pod\n" +
			"that is deleted afterwards (the image needs sleep and tar).",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := conn.runner(s)
			if err != nil {
				return err
			}
			defer r.Close()
			b, err := r.ProcessingContainer(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			_, err = s.out.Write(b)
			if err == nil && (len(b) == 0 || b[len(b)-1] != '\n') {
				_, err = fmt.Fprintln(s.out)
			}
			return err
		},
	}
	conn.bind(cmd, flagMode|flagNamespace|flagStartupTimeout|flagPullSecrets)
	return cmd
}
