package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/apply"
)

// applyFlags are the apply engine's options as flags: the one place that
// declares them for `pono apply`, `pono reconcile` and `pono bootstrap`,
// with the defaults of apply.DefaultOptions.
type applyFlags struct {
	opts             apply.Options
	onInstallFailure string
}

func (f *applyFlags) bind(cmd *cobra.Command) {
	f.opts = apply.DefaultOptions()
	o, fl := &f.opts, cmd.Flags()
	fl.BoolVar(&o.Prune, "prune", o.Prune, "uninstall this platform's releases that are no longer in it")
	fl.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "releases operated on at once")
	fl.BoolVar(&o.Wait, "wait", o.Wait, "wait for each release to be ready (workloads available, Jobs complete)")
	fl.DurationVar(&o.Timeout, "timeout", o.Timeout, "time limit per release, including its wait")
	fl.IntVar(&o.Retries, "retries", o.Retries, "retries of a release whose failure looks transient")
	fl.DurationVar(&o.Backoff, "retry-backoff", o.Backoff, "first retry delay (doubles each retry)")
	fl.BoolVar(&o.RollbackOnFailure, "rollback-on-failure", o.RollbackOnFailure, "roll a failed upgrade back to the last good revision")
	def := "keep"
	if o.UninstallOnFailure {
		def = "uninstall"
	}
	fl.StringVar(&f.onInstallFailure, "on-install-failure", def, "what to do with a failed first install: uninstall or keep")
	fl.IntVar(&o.MaxHistory, "max-history", o.MaxHistory, "revisions kept per release (0: unlimited)")
	fl.DurationVar(&o.LeaseDuration, "lease-duration", o.LeaseDuration, "validity of the per-release lease; a release left pending by a dead run is recovered once its lease expired")
}

// options checks the flags and returns the options they give.
func (f *applyFlags) options() (apply.Options, error) {
	o := f.opts
	switch f.onInstallFailure {
	case "uninstall":
		o.UninstallOnFailure = true
	case "keep":
		o.UninstallOnFailure = false
	default:
		return o, usageErr(fmt.Errorf("--on-install-failure: want uninstall or keep, got %q", f.onInstallFailure))
	}
	if o.Concurrency < 1 {
		return o, usageErr(errors.New("--concurrency must be at least 1"))
	}
	return o, nil
}
