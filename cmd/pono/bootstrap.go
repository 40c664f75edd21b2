package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/bootstrap"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/internal/safefs"
)

func newBootstrapCmd(s streams) *cobra.Command {
	var f reconcileFlags
	var k kubeFlags
	var release, image, interval, scheduleExpr, webhookFile, ageKeyFile string
	var format *outputFormat
	var waitPono bool
	var installTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "bootstrap --repo URL [--ref REF] [--path DIR]",
		Short: "Install pono into a cluster, run the first reconcile and wait until the platform is ready",
		Long: "bootstrap reproduces a platform on a new server: it installs pono itself (the chart\n" +
			"charts/pono, embedded in this binary) as a Helm release with the git credentials and\n" +
			"verification keys as Secrets, then runs the first reconcile from this machine, with the same\n" +
			"engine the in-cluster loop uses, and waits until every release is ready. From then on the\n" +
			"in-cluster reconciler keeps the platform equal to the repository.\n\n" +
			"Re-running bootstrap is safe: unchanged Secrets and an unchanged pono release are not\n" +
			"written again, and a platform already in place is left alone.\n\n" +
			"Credentials come from files (--auth-dir), never from flags: username, password, token,\n" +
			"identity (an SSH private key), identity.passphrase and known_hosts.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if !cmd.Flags().Changed("log-level") {
				f.logLevel = "warn" // the progress lines say what info logs would
			}
			log, err := f.logger(s.err)
			if err != nil {
				return err
			}
			if f.authSecret != "" {
				return usageErr(errors.New("bootstrap reads credentials from --auth-dir; --auth-secret is for pono reconcile"))
			}
			opts, err := f.options()
			if err != nil {
				return err
			}
			cfg, err := k.config(log)
			if err != nil {
				return err
			}
			in := bootstrap.Options{Namespace: opts.Namespace, ReleaseName: release, Wait: waitPono, Timeout: installTimeout}
			if in.GitAuth, err = readFiles(f.authDir, bootstrap.GitAuthKeys()); err != nil {
				return err
			}
			in.Verify = map[string][]byte{}
			for key, path := range map[string]string{bootstrap.KeyKeyring: f.keyring, bootstrap.KeyAllowedSigners: f.allowed} {
				if path == "" {
					continue
				}
				b, err := safefs.ReadRegularFile(path, 0)
				if err != nil {
					return err
				}
				in.Verify[key] = b
			}
			if webhookFile != "" {
				if in.WebhookSecret, err = safefs.ReadRegularFile(webhookFile, 0); err != nil {
					return fmt.Errorf("--webhook-secret-file: %w", err)
				}
			}
			if ageKeyFile != "" {
				if in.AgeKey, err = safefs.ReadRegularFile(ageKeyFile, 0); err != nil {
					return fmt.Errorf("--age-key-file: %w", err)
				}
				// The first reconcile runs here and decrypts with it too.
				os.Setenv("SOPS_AGE_KEY_FILE", ageKeyFile)
			}
			in.Values = bootstrap.ReconcilerValues(bootstrap.Reconciler{RepoURL: opts.RepoURL, Ref: opts.Ref, Path: opts.Path, Env: opts.Env,
				Mode: string(opts.Mode), Interval: interval, Schedule: scheduleExpr, Windows: f.windows, Image: image})

			fmt.Fprintf(s.err, "installing pono into namespace %s\n", opts.Namespace)
			irep, err := bootstrap.NewInstall(cfg).Run(ctx, in)
			if irep != nil {
				for _, o := range irep.Objects {
					name := o.Name
					if o.Namespace != "" {
						name = o.Namespace + "/" + o.Name
					}
					fmt.Fprintf(s.err, "  %s %s: %s\n", o.Kind, name, o.Action)
				}
				r := irep.Release
				fmt.Fprintf(s.err, "  release %s/%s: %s (revision %d, chart %s)\n", r.Namespace, r.Name, r.Action, r.Revision, r.ChartVersion)
			}
			if err != nil {
				return err
			}

			fmt.Fprintf(s.err, "first reconcile of %s (ref %s, path %s)\n", opts.RepoURL, opts.Ref, opts.Path)
			opts.Identity = "pono-bootstrap"
			pr := newProgress(s.err)
			opts.Progress = pr.event
			// A Config of its own: discovery after pono's own install.
			rcfg, err := k.config(log)
			if err != nil {
				return err
			}
			r, err := reconcile.New(rcfg, opts)
			if err != nil {
				return err
			}
			rep := r.Cycle(ctx, "bootstrap")
			pr.finish()
			if err := printCycle(s.out, format.value, rep); err != nil {
				return err
			}
			if rep.Err != nil {
				return &exitError{code: 1, err: rep.Err}
			}
			if rep.Result == reconcile.CyclePlanned {
				return &exitError{code: 1, err: errors.New("the platform was only planned (observe mode or outside the allow windows): it is not in place yet")}
			}
			fmt.Fprintf(s.err, "platform ready at commit %s; pono keeps it in sync from now on\n", rep.Commit.Short())
			return nil
		},
	}
	f.bind(cmd)
	k.bind(cmd)
	fl := cmd.Flags()
	fl.StringVar(&release, "release", "pono", "Helm release name of pono itself")
	fl.StringVar(&image, "image", "", "pono image for the in-cluster reconciler (repository:tag; default: the chart's)")
	fl.StringVar(&interval, "interval", "5m", "time between the in-cluster reconciler's cycles")
	fl.StringVar(&scheduleExpr, "schedule", "", "cron schedule of the in-cluster reconciler (instead of --interval)")
	fl.StringVar(&webhookFile, "webhook-secret-file", "", "shared secret for POST /webhook (default: keep the current one, or generate one)")
	bindAgeKeyFile(cmd, &ageKeyFile)
	fl.BoolVar(&waitPono, "wait-pono", true, "wait until pono's own Deployment is ready")
	fl.DurationVar(&installTimeout, "install-timeout", 5*time.Minute, "time limit for installing pono itself")
	format = bindOutput(cmd, "report format", "table", "json", "yaml")
	return cmd
}

// readFiles reads the named files of dir that exist; dir "" reads nothing.
func readFiles(dir string, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if dir == "" {
		return out, nil
	}
	for _, n := range names {
		b, err := safefs.ReadRegularFile(filepath.Join(dir, n), 0)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("--auth-dir: %w", err)
		}
		out[n] = b
	}
	return out, nil
}
