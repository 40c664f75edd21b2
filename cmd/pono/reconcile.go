package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/internal/safefs"
	"github.com/pono-gitops/pono/internal/schedule"
)

// reconcileFlags are the flags `pono reconcile` and `pono bootstrap` share.
type reconcileFlags struct {
	opts       reconcile.Options
	mode       string
	windows    []string
	authDir    string
	authSecret string
	keyring    string
	allowed    string
	restrictNS []string
	apply      applyFlags
	logFormat  string
	logLevel   string
}

func (f *reconcileFlags) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.opts.RepoURL, "repo", "", "platform repository URL (https://, ssh:// or a local path)")
	fl.StringVar(&f.opts.Ref, "ref", "main", "branch, tag, semver range over tags (semver:>=1.2 <2) or commit to follow")
	fl.StringVar(&f.opts.Path, "path", ".", "platform directory inside the repository")
	fl.StringVarP(&f.opts.Env, "env", "e", "", "environment overlay to compile (environments/<env>)")
	fl.StringVar(&f.mode, "mode", "apply", "apply (converge and correct drift) or observe (plan and report only)")
	fl.StringArrayVar(&f.windows, "window", nil, `allow window "CRON +DURATION" (repeatable); outside every window changes are planned, not applied`)
	fl.StringVar(&f.authDir, "auth-dir", "", "directory of git credential files: username, password, token, identity, known_hosts")
	fl.StringVar(&f.authSecret, "auth-secret", "", "Secret in --namespace holding git credentials (same keys as --auth-dir)")
	fl.StringVar(&f.keyring, "verify-keyring", "", "armored OpenPGP keyring: refuse commits not signed by one of its keys")
	fl.StringVar(&f.allowed, "verify-allowed-signers", "", "SSH allowed_signers file: refuse commits not signed by one of its keys")
	fl.StringVar(&f.opts.Namespace, "namespace", defaultNamespace(), "namespace of pono's status ConfigMap, Events and leader Lease")
	fl.StringVar(&f.opts.CacheDir, "cache-dir", compiler.DefaultCacheDir(), "git and chart cache")
	fl.StringSliceVar(&f.restrictNS, "restrict-namespaces", nil, "only read and write releases in these namespaces (least-privilege RBAC)")
	f.apply.bind(cmd)
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
}

func defaultNamespace() string {
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	return ownership.SystemNamespace
}

// options turns the flags into reconcile.Options, reading credentials and
// verification keys from files (the Secret is read by secretAuth). It
// touches no cluster, so a usage error is reported as one even when the
// kubeconfig is broken. Nothing secret is logged.
func (f *reconcileFlags) options() (reconcile.Options, error) {
	o := f.opts
	if o.RepoURL == "" {
		return o, usageErr(errors.New("--repo is required"))
	}
	if u, err := url.Parse(o.RepoURL); err == nil && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			// A flag shows in ps, in the Deployment and in Helm's values.
			return o, usageErr(errors.New("--repo must not contain a password: put credentials in --auth-dir or --auth-secret"))
		}
	}
	switch f.mode {
	case "apply", "observe":
		o.Mode = reconcile.Mode(f.mode)
	default:
		return o, usageErr(fmt.Errorf("--mode: want apply or observe, got %q", f.mode))
	}
	ao, err := f.apply.options()
	if err != nil {
		return o, err
	}
	ao.Namespaces = f.restrictNS
	o.Apply = &ao
	ws, err := schedule.ParseWindows(f.windows)
	if err != nil {
		return o, usageErr(fmt.Errorf("--window: %w", err))
	}
	o.Windows = ws
	if _, err := gitrepo.ParseRef(o.Ref); err != nil {
		return o, usageErr(fmt.Errorf("--ref: %w", err))
	}
	switch {
	case f.authDir != "" && f.authSecret != "":
		return o, usageErr(errors.New("--auth-dir and --auth-secret exclude each other"))
	case f.authDir != "":
		if o.Auth, err = gitrepo.AuthFromDir(f.authDir); err != nil {
			return o, err
		}
	}
	if f.keyring != "" || f.allowed != "" {
		if o.Verifier, err = gitrepo.LoadVerifier(f.keyring, f.allowed); err != nil {
			return o, err
		}
	}
	return o, nil
}

// secretAuth reads the git credentials of --auth-secret into o.
func (f *reconcileFlags) secretAuth(ctx context.Context, cfg *kube.Config, o *reconcile.Options) error {
	if f.authSecret == "" {
		return nil
	}
	cs, err := cfg.Clientset()
	if err != nil {
		return err
	}
	if o.Auth, err = reconcile.ReadAuthSecret(ctx, cs, o.Namespace, f.authSecret); err != nil {
		return fmt.Errorf("--auth-secret: %w", err)
	}
	return nil
}

func (f *reconcileFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return nil, usageErr(fmt.Errorf("--log-level: %w", err))
	}
	ho := &slog.HandlerOptions{Level: level}
	switch f.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, ho)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, ho)), nil
	}
	return nil, usageErr(fmt.Errorf("--log-format: want text or json, got %q", f.logFormat))
}

func newReconcileCmd(s streams) *cobra.Command {
	var f reconcileFlags
	var k kubeFlags
	var once bool
	var scheduleExpr, webhookFile string
	var format *outputFormat
	ro := reconcile.RunOptions{}
	var interval time.Duration
	var heartbeat time.Duration
	cmd := &cobra.Command{
		Use:   "reconcile --repo URL [--ref REF] [--path DIR]",
		Short: "Keep the cluster equal to a platform repository: pull on a schedule, compile, apply",
		Long: "reconcile follows a ref of a git repository and converges the cluster to the platform at its\n" +
			"commit through the same engine as `pono apply`. Each cycle asks the remote where the ref\n" +
			"points (no fetch when it has not moved), fetches, verifies the signature when keys are given,\n" +
			"compiles, checks the live objects for drift and applies (mode apply) or only reports (mode\n" +
			"observe). A commit that fails to compile, violates policy or is not signed changes nothing:\n" +
			"the last good commit stays in place and the error is reported in the status ConfigMap\n" +
			"pono-status, as an Event and in the metrics. Outside every --window, changes are planned\n" +
			"and reported but not applied.\n\n" +
			"It serves /healthz, /readyz, /metrics, POST /reconcile and POST /webhook (GitHub\n" +
			"X-Hub-Signature-256, GitLab X-Gitlab-Token or a bearer token with the shared secret).\n" +
			"Replicas elect a leader with the Lease pono-leader; only the leader applies. On SIGTERM the\n" +
			"running cycle gets --grace-period to finish its Helm operations.\n\n" +
			"--once runs one cycle and exits: 0 when applied, unchanged or only planned, 1 when it failed,\n" +
			"the commit is invalid or its signature was refused.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if once && !cmd.Flags().Changed("log-level") {
				f.logLevel = "warn" // the report says what info logs would
			}
			log, err := f.logger(s.err)
			if err != nil {
				return err
			}
			if scheduleExpr != "" && cmd.Flags().Changed("interval") {
				return usageErr(errors.New("--schedule and --interval exclude each other"))
			}
			if scheduleExpr != "" {
				ro.Schedule, err = schedule.Parse(scheduleExpr)
			} else {
				ro.Schedule, err = schedule.Every(interval)
			}
			if err != nil {
				return usageErr(err)
			}
			opts, err := f.options()
			if err != nil {
				return err
			}
			cfg, err := k.config(log)
			if err != nil {
				return err
			}
			if err := f.secretAuth(cmd.Context(), cfg, &opts); err != nil {
				return err
			}
			opts.StatusHeartbeat = heartbeat
			if webhookFile != "" {
				b, err := safefs.ReadRegularFile(webhookFile, 0)
				if err != nil {
					return fmt.Errorf("--webhook-secret-file: %w", err)
				}
				ro.WebhookSecret = []byte(strings.TrimSpace(string(b)))
			}
			r, err := reconcile.New(cfg, opts)
			if err != nil {
				return err
			}
			if once {
				rep := r.Cycle(cmd.Context(), "once")
				if err := printCycle(s.out, format.value, rep); err != nil {
					return err
				}
				if rep.Err != nil {
					return &exitError{code: 1, err: rep.Err}
				}
				return nil
			}
			// The running cycle gets --grace-period after SIGTERM; pono
			// exits on its own only after that (a second signal: at once).
			grace := ro.GracePeriod
			if grace <= 0 {
				grace = 2 * time.Minute // reconcile.Run's default
			}
			setGrace(cmd.Context(), grace+10*time.Second)
			log.Info("reconciling", "repo", opts.RepoURL, "ref", opts.Ref, "path", opts.Path, "mode", opts.Mode,
				"schedule", ro.Schedule.String(), "windows", len(opts.Windows), "leader-election", ro.LeaderElection)
			return r.Run(cmd.Context(), ro)
		},
	}
	f.bind(cmd)
	k.bind(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&once, "once", false, "run one cycle and exit with its result")
	format = bindOutput(cmd, "--once report format", "table", "json", "yaml")
	fl.StringVar(&scheduleExpr, "schedule", "", `cron schedule of cycles ("*/5 * * * *", "@hourly", "@every 2m")`)
	fl.DurationVar(&interval, "interval", 5*time.Minute, "time between cycles (when --schedule is not given)")
	fl.DurationVar(&ro.Jitter, "jitter", 0, "delay each scheduled cycle by a random time up to this")
	fl.StringVar(&ro.Listen, "listen", ":8080", `address of the health, metrics and trigger endpoints ("" disables them)`)
	fl.StringVar(&webhookFile, "webhook-secret-file", "", "file holding the shared secret that protects POST /webhook")
	fl.BoolVar(&ro.LeaderElection, "leader-elect", true, "elect a leader among replicas with the Lease pono-leader")
	fl.DurationVar(&ro.GracePeriod, "grace-period", 2*time.Minute, "on SIGTERM, time the running cycle gets to finish")
	fl.DurationVar(&heartbeat, "status-heartbeat", 10*time.Minute, "rewrite the status ConfigMap at least this often even when nothing changed (0: only on change)")
	return cmd
}

// printCycle prints a cycle report.
func printCycle(w io.Writer, format string, rep *reconcile.CycleReport) error {
	view := cycleView(rep)
	if done, err := writeStructured(w, format, view); done {
		return err
	}
	fmt.Fprintf(w, "commit %s", rep.Commit.Short())
	if rep.Commit.Subject != "" {
		fmt.Fprintf(w, " %q", rep.Commit.Subject)
	}
	fmt.Fprintf(w, ": %s in %s\n", rep.Result, rep.Duration.Round(time.Millisecond))
	if rep.Target.Commit != "" && rep.Target.Commit != rep.Commit.Commit {
		fmt.Fprintf(w, "cluster held at last good commit %s\n", rep.Target.Short())
	}
	if !rep.WindowOpen {
		fmt.Fprintf(w, "outside the allow windows: changes planned, not applied (next window %s)\n", rep.NextWindow.UTC().Format(time.RFC3339))
	}
	if rep.Err != nil {
		fmt.Fprintf(w, "error: %v\n", rep.Err)
	}
	for _, d := range rep.Drift {
		fmt.Fprintf(w, "drift in %s (%s):\n", d.Release, driftState(d))
		for _, o := range d.Objects {
			fmt.Fprintf(w, "  %s\n", o)
		}
	}
	return printReleaseResults(w, rep.Releases)
}

func driftState(d reconcile.DriftedRelease) string {
	if d.Corrected {
		return "corrected"
	}
	return "reported"
}

// printReleaseResults prints a cycle's per-release table (nothing when
// there are no releases).
func printReleaseResults(w io.Writer, rs []reconcile.ReleaseRecord) error {
	if len(rs) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RELEASE\tNAMESPACE\tACTION\tRESULT\tDETAIL")
	for _, r := range rs {
		detail := r.Reason
		if r.Error != "" {
			detail = errorSummary(r.Error)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Namespace, r.Action, r.Outcome, detail)
	}
	return tw.Flush()
}

// cycleJSON is the structured form of a cycle report.
// cycleReportVersion is the version of reconcile --once's -o json|yaml
// shape (docs/reconcile.md): meanings are stable within a version.
const cycleReportVersion = 1

type cycleJSON struct {
	Kind       string                     `json:"kind"`
	Version    int                        `json:"version"`
	Trigger    string                     `json:"trigger"`
	Commit     reconcile.CommitRef        `json:"commit"`
	Target     reconcile.CommitRef        `json:"target"`
	Moved      bool                       `json:"moved"`
	Result     reconcile.CycleResult      `json:"result"`
	Error      string                     `json:"error,omitempty"`
	Duration   string                     `json:"duration"`
	WindowOpen bool                       `json:"windowOpen"`
	NextWindow *time.Time                 `json:"nextWindow,omitempty"`
	Releases   []reconcile.ReleaseRecord  `json:"releases"`
	Drift      []reconcile.DriftedRelease `json:"drift"`
}

func cycleView(rep *reconcile.CycleReport) cycleJSON {
	v := cycleJSON{Kind: "CycleReport", Version: cycleReportVersion, Trigger: rep.Trigger, Commit: rep.Commit, Target: rep.Target, Moved: rep.Moved, Result: rep.Result,
		Duration: rep.Duration.Round(time.Millisecond).String(), WindowOpen: rep.WindowOpen,
		Releases: rep.Releases, Drift: rep.Drift}
	if rep.Err != nil {
		v.Error = rep.Err.Error()
	}
	if !rep.NextWindow.IsZero() {
		t := rep.NextWindow.UTC()
		v.NextWindow = &t
	}
	if v.Releases == nil {
		v.Releases = []reconcile.ReleaseRecord{}
	}
	if v.Drift == nil {
		v.Drift = []reconcile.DriftedRelease{}
	}
	return v
}
