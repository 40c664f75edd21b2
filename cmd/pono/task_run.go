package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/spf13/cobra"
)

type taskRunFlags struct {
	conn    taskConnFlags
	watch   bool
	noWatch bool
	wait    bool
	monitor bool
	// noMonitor is Kaapana's --no-monitor-memory, the default.
	noMonitor bool
	output    string
	pcFile    string
	// fromRegistry reads the image's processing-container.json from its
	// registry, no container started.
	fromRegistry bool
	strict       bool
	// timeout bounds waiting for the task (--watch, --wait).
	timeout time.Duration
}

// monitorInterval is how often --monitor-memory samples the container.
const monitorInterval = 100 * time.Millisecond

func newTaskRunCmd(s streams) *cobra.Command {
	var f taskRunFlags
	cmd := &cobra.Command{
		Use:   "run TASK",
		Short: "Run a task in Docker or on Kubernetes",
		Long: "run validates TASK, takes its template (inline, --processing-container, or the image's\n" +
			"/processing-container.json), applies scale rules and starts it, and writes the run record\n" +
			"(./task_run-<id>.json, or --output). With --watch it streams the logs and waits; with --wait it\n" +
			"only waits. When waiting, pono exits with the task's exit code: 137 when it was OOM-killed,\n" +
			"126 when it asked to be skipped. --monitor-memory (docker) waits and reports the container's\n" +
			"peak memory against its limit, live with --watch.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.watch && f.noWatch {
				return usageErr(fmt.Errorf("--watch and --no-watch contradict each other"))
			}
			if f.monitor && f.noMonitor {
				return usageErr(fmt.Errorf("--monitor-memory and --no-monitor-memory contradict each other"))
			}
			if f.monitor && f.conn.mode != string(taskrun.ModeDocker) {
				return usageErr(taskrun.ErrMonitorMode)
			}
			r, err := f.conn.runner(s)
			if err != nil {
				return err
			}
			defer r.Close()
			ctx := cmd.Context()
			plan, err := r.Prepare(ctx, args[0], taskrun.PrepareOptions{ProcessingContainerFile: f.pcFile, FromRegistry: f.fromRegistry, Strict: f.strict})
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
			if rec != nil && rec.ID != "" {
				out := f.output
				if out == "" {
					out = taskrun.DefaultRecordPath(rec)
				}
				if werr := taskrun.WriteRecord(out, rec); werr != nil && err == nil {
					err = werr
				} else if werr == nil {
					fmt.Fprintf(s.out, "run record: %s\n", out)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(s.out, "started %s %s\n", rec.Mode, rec.ID)
			watch := f.watch && !f.noWatch
			if !watch && !f.wait && !f.monitor {
				return nil
			}
			if f.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeoutCause(ctx, f.timeout, fmt.Errorf("task %s did not end within %s (it keeps running; see pono task stop)", rec.ID, f.timeout))
				defer cancel()
			}
			var mon *memoryMonitor
			if f.monitor {
				mon = startMemoryMonitor(ctx, s, r, rec, watch)
			}
			if watch {
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
			if mon != nil {
				mon.report(rec)
			}
			return statusError(st)
		},
	}
	f.conn.bind(cmd, flagMode|flagNetwork|flagNamespace|flagStartupTimeout|flagPullSecrets)
	fs := cmd.Flags()
	fs.BoolVar(&f.watch, "watch", false, "stream the logs and wait for the task to end")
	fs.BoolVar(&f.noWatch, "no-watch", false, "do not stream the logs (the default, as in Kaapana)")
	fs.BoolVar(&f.wait, "wait", false, "wait for the task to end")
	fs.BoolVar(&f.monitor, "monitor-memory", false, "docker: wait and report the container's peak memory against its limit (live with --watch)")
	fs.BoolVar(&f.noMonitor, "no-monitor-memory", false, "do not monitor memory (the default)")
	fs.StringVarP(&f.output, "output", "o", "", "write the run record (JSON) to this file (default ./task_run-<id>.json)")
	fs.StringVar(&f.pcFile, "processing-container", "", "take the template from this processing-container.json instead of the image")
	fs.BoolVar(&f.fromRegistry, "from-registry", false, "read the image's /processing-container.json from its registry (with the task's registry credentials) instead of starting a container")
	fs.BoolVar(&f.strict, "strict", false, "unknown and duplicate keys in the task are errors")
	fs.DurationVar(&f.timeout, "timeout", 0, "with --watch, --wait or --monitor-memory: give up waiting after this long (0: no limit)")
	return cmd
}

// memoryMonitor samples a running container's memory in the background.
type memoryMonitor struct {
	s    streams
	done chan struct{}
	mu   sync.Mutex
	peak taskrun.MemorySample
	err  error
}

// startMemoryMonitor samples until the container stops; live, it prints
// a line to stderr whenever the peak has grown by a MiB since the last.
func startMemoryMonitor(ctx context.Context, s streams, r *taskrun.Runner, rec *taskrun.Record, live bool) *memoryMonitor {
	m := &memoryMonitor{s: s, done: make(chan struct{})}
	var printed int64
	go func() {
		defer close(m.done)
		last, err := r.MonitorMemory(ctx, rec, monitorInterval, func(ms taskrun.MemorySample) {
			if live && ms.PeakBytes >= printed+mebibyte {
				printed = ms.PeakBytes
				fmt.Fprintf(s.err, "memory: %s now, peak %s%s\n", mib(ms.CurrentBytes), mib(ms.PeakBytes), ofLimit(ms.LimitBytes))
			}
		})
		m.mu.Lock()
		m.peak, m.err = last, err
		m.mu.Unlock()
	}()
	return m
}

const mebibyte = 1 << 20

// report prints the peak against the limit and, as Kaapana does, warns
// when a scale rule required no more than the task used.
func (m *memoryMonitor) report(rec *taskrun.Record) {
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil && m.peak.PeakBytes == 0 {
		fmt.Fprintf(m.s.err, "pono: warning: memory not monitored: %v\n", m.err)
		return
	}
	limit := m.peak.LimitBytes
	if limit == 0 {
		limit = rec.Computed.MemoryLimitBytes
	}
	fmt.Fprintf(m.s.out, "memory peak: %d bytes (%s)%s, from %s\n", m.peak.PeakBytes, mib(m.peak.PeakBytes), ofLimit(limit), m.peak.Source)
	for _, rr := range rec.Computed.Rules {
		if rr.RequiredBytes > 0 && rr.RequiredBytes <= m.peak.PeakBytes {
			fmt.Fprintf(m.s.err, "pono: warning: the scale rule of input %s requires %s, no more than the peak %s: raise its scale_factor\n", rr.Channel, rr.Required, mib(m.peak.PeakBytes))
		}
	}
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/mebibyte) }

func ofLimit(limit int64) string {
	if limit <= 0 {
		return " (no limit)"
	}
	return fmt.Sprintf(" of the %s limit", mib(limit))
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
