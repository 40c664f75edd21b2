package main

import (
	"encoding/json"
	"fmt"

	"github.com/pono-gitops/pono/reconcile/taskrun"
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
	conn.bind(cmd, false)
	cmd.Flags().BoolVar(&watch, "watch", false, "follow the logs until the task ends")
	return cmd
}

func newTaskStatusCmd(s streams) *cobra.Command {
	var conn taskConnFlags
	var output string
	var exitCode bool
	cmd := &cobra.Command{
		Use:   "status RUN.json",
		Short: "Print a run's status",
		Long:  "status prints the run's phase and, once it has ended, its exit code. With --exit-code pono\nexits with the task's exit code once it has ended.",
		Args:  exactArgs(1),
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
			switch output {
			case "json":
				b, err := json.MarshalIndent(st, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintln(s.out, string(b))
			case "text", "":
				printStatus(s, st)
			default:
				return usageErr(fmt.Errorf("unknown output format %q (want text or json)", output))
			}
			if exitCode && st.Done() {
				return statusError(st)
			}
			return nil
		},
	}
	conn.bind(cmd, false)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text or json")
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit with the task's exit code once it has ended")
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
	conn.bind(cmd, false)
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
	conn.bind(cmd, true)
	return cmd
}
