package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/pono-gitops/pono/reconcile/taskrun"
	"github.com/spf13/cobra"
)

// newTaskCmd is `pono task`: Kaapana's Task API (validate, run, logs,
// status, stop, processing-container).
func newTaskCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "task",
		Short: "Validate and run Kaapana Task API processing-containers",
		Long: "task validates processing-container.json and task files and runs tasks in a Docker engine or\n" +
			"as Kubernetes pods, compatible with Kaapana's Task API (see docs/taskapi.md).",
	}
	cmd.AddCommand(
		newTaskValidateCmd(s),
		newTaskRunCmd(s),
		newTaskLogsCmd(s),
		newTaskStatusCmd(s),
		newTaskStopCmd(s),
		newTaskPCCmd(s),
	)
	return cmd
}

// taskConnFlags select the Docker engine or the cluster.
type taskConnFlags struct {
	mode           string
	dockerHost     string
	network        string
	kubeconfig     string
	context        string
	namespace      string
	startupTimeout time.Duration
	pullSecrets    []string
	grace          time.Duration
}

func (f *taskConnFlags) bind(cmd *cobra.Command, withMode bool) {
	fs := cmd.Flags()
	if withMode {
		fs.StringVar(&f.mode, "mode", "docker", "runner: docker or k8s")
	}
	fs.StringVar(&f.dockerHost, "docker-host", "", "Docker engine address (default: $DOCKER_HOST, then the local socket)")
	fs.StringVar(&f.network, "network", "", "docker network mode for the task container, e.g. none (default: the engine's)")
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&f.context, "context", "", "kubeconfig context (default: the current context)")
	fs.StringVar(&f.namespace, "namespace", "", "namespace when the task's config.namespace is empty (default: the context's)")
	fs.DurationVar(&f.startupTimeout, "startup-timeout", 60*time.Second, "how long to wait for a pod to start")
	fs.DurationVar(&f.grace, "grace", 0, "stop: time between SIGTERM and SIGKILL (docker, default 10s) or the pod's deletion grace period (k8s)")
	fs.StringSliceVar(&f.pullSecrets, "image-pull-secret", nil, "pull secret for the pod that reads an image's processing-container.json (k8s)")
}

func (f *taskConnFlags) runner(s streams) (*taskrun.Runner, error) {
	cfg := taskrun.Config{
		DockerHost:         f.dockerHost,
		Network:            f.network,
		Kubeconfig:         f.kubeconfig,
		Context:            f.context,
		Namespace:          f.namespace,
		StartupTimeout:     f.startupTimeout,
		ExtractPullSecrets: f.pullSecrets,
		StopGrace:          f.grace,
		Logger:             slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if f.mode != "" {
		m, err := taskrun.ParseMode(f.mode)
		if err != nil {
			return nil, usageErr(err)
		}
		cfg.Mode = m
	}
	return taskrun.New(cfg), nil
}

// statusError turns a finished run into pono's exit: the task's exit code,
// 137 for an OOM kill, 126 for a skipped task.
func statusError(st *taskrun.Status) error {
	switch st.Phase {
	case taskrun.PhaseSucceeded:
		return nil
	case taskrun.PhaseSkipped:
		return &exitError{code: st.ExitCode, err: fmt.Errorf("task skipped (exit %d)", st.ExitCode)}
	case taskrun.PhaseOOMKilled:
		return &exitError{code: st.ExitCode, err: fmt.Errorf("task OOM-killed: it exceeded its memory limit (exit %d)", st.ExitCode)}
	}
	code := st.ExitCode
	if code == 0 {
		code = 1
	}
	msg := st.Message
	if msg == "" {
		msg = fmt.Sprintf("task %s", st.Phase)
	}
	return &exitError{code: code, err: fmt.Errorf("task failed: %s", msg)}
}
