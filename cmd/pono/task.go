package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/spf13/cobra"
)

// newTaskCmd is `pono task`: Kaapana's Task API (validate, run, logs,
// status, stop, check-task-run, processing-container).
func newTaskCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "task",
		Short: "Validate and run Kaapana Task API processing-containers",
		Long: "task validates processing-container.json and task files and runs tasks in a Docker engine or\n" +
			"as Kubernetes pods, compatible with Kaapana's Task API (see docs/taskapi.md). Like Kaapana's CLI\n" +
			"it first reads ./.env (variables already in the environment win).",
	}
	var env dotenvFlags
	cmd.PersistentFlags().StringVar(&env.file, "env-file", "", "read variables from this file instead of ./.env (python-dotenv format; the environment wins)")
	cmd.PersistentFlags().BoolVar(&env.noFile, "no-env-file", false, "do not read ./.env")
	cmd.PersistentPreRunE = func(*cobra.Command, []string) error {
		return env.load(func(w string) { fmt.Fprintf(s.err, "pono: warning: %s\n", w) })
	}
	cmd.AddCommand(
		newTaskValidateCmd(s),
		newTaskRunCmd(s),
		newTaskLogsCmd(s),
		newTaskStatusCmd(s),
		newTaskStopCmd(s),
		newTaskCheckCmd(s),
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

// taskFlag names a connection flag; each subcommand binds only the flags
// it uses, so that its --help lists nothing that does nothing there.
type taskFlag int

const (
	flagMode taskFlag = 1 << iota
	flagNetwork
	flagNamespace
	flagStartupTimeout
	flagPullSecrets
	flagGrace
)

// bind adds --docker-host, --kubeconfig and --kube-context (every subcommand
// that reaches an engine or a cluster uses them) and the flags in which.
func (f *taskConnFlags) bind(cmd *cobra.Command, which taskFlag) {
	fs := cmd.Flags()
	if which&flagMode != 0 {
		fs.StringVar(&f.mode, "mode", "docker", "runner: docker or k8s")
	}
	fs.StringVar(&f.dockerHost, "docker-host", "", "Docker engine address (default: $DOCKER_HOST, then the local socket)")
	if which&flagNetwork != 0 {
		fs.StringVar(&f.network, "network", "", "docker network mode for the task container, e.g. none (default: the engine's)")
	}
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&f.context, "kube-context", "", "kubeconfig context (default: the current context)")
	// --context was task's name for --kube-context before every command
	// spelled it one way; it still works, with a warning.
	fs.Var(&deprecatedAlias{cmd: cmd, name: "context", use: "kube-context", v: &f.context}, "context", "kubeconfig context")
	_ = fs.MarkHidden("context")
	if which&flagNamespace != 0 {
		fs.StringVar(&f.namespace, "namespace", "", "namespace when the task's config.namespace is empty (default: the context's)")
	}
	if which&flagStartupTimeout != 0 {
		fs.DurationVar(&f.startupTimeout, "startup-timeout", 60*time.Second, "how long to wait for a pod to start (k8s)")
	}
	if which&flagGrace != 0 {
		fs.DurationVar(&f.grace, "grace", 0, "time between SIGTERM and SIGKILL (docker, default 10s) or the pod's deletion grace period (k8s)")
	}
	if which&flagPullSecrets != 0 {
		fs.StringSliceVar(&f.pullSecrets, "image-pull-secret", nil, "pull secret for the pod that reads an image's processing-container.json (k8s)")
	}
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

// NotEndedExitCode is the exit status of `status --exit-code` and
// `check-task-run --no-watch` while the task has not ended (Pending,
// Running): EX_TEMPFAIL, "try again later".
const NotEndedExitCode = 75

// statusError turns a run's state into pono's exit: 0 when it succeeded,
// the task's exit code when it failed (1 if it ended without one), 137
// for an OOM kill, 126 for a skipped task, NotEndedExitCode while it has
// not ended, 1 when its state is unknown.
func statusError(st *taskrun.Status) error {
	switch st.Phase {
	case taskrun.PhaseSucceeded:
		return nil
	case taskrun.PhaseSkipped:
		return &exitError{code: st.ExitCode, err: fmt.Errorf("task skipped (exit %d)", st.ExitCode)}
	case taskrun.PhaseOOMKilled:
		return &exitError{code: st.ExitCode, err: fmt.Errorf("task OOM-killed: it exceeded its memory limit (exit %d)", st.ExitCode)}
	case taskrun.PhasePending, taskrun.PhaseRunning:
		return &exitError{code: NotEndedExitCode, err: fmt.Errorf("task has not ended yet (%s)", st.Phase)}
	case taskrun.PhaseUnknown:
		return fmt.Errorf("task state unknown (%s)", st.Reason)
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

// deprecatedAlias is an old flag name that sets the new one's variable and
// warns on stderr (cobra's MarkDeprecated prints to the command's stdout,
// where it would corrupt -o json).
type deprecatedAlias struct {
	cmd       *cobra.Command
	name, use string
	v         *string
}

func (a *deprecatedAlias) String() string { return *a.v }
func (a *deprecatedAlias) Type() string   { return "string" }

func (a *deprecatedAlias) Set(s string) error {
	fmt.Fprintf(a.cmd.ErrOrStderr(), "warning: --%s is deprecated, use --%s\n", a.name, a.use)
	*a.v = s
	return nil
}
