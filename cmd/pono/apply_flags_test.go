package main

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/apply"
)

// TestApplyFlagsShared: apply, reconcile and bootstrap declare the engine's
// flags once, with apply.DefaultOptions, and parse to the same options.
func TestApplyFlagsShared(t *testing.T) {
	s := streams{out: io.Discard, err: io.Discard}
	names := []string{"prune", "wait", "timeout", "concurrency", "retries", "retry-backoff",
		"rollback-on-failure", "on-install-failure", "max-history", "lease-duration"}
	ac := newApplyCmd(s)
	for _, other := range []string{"reconcile", "bootstrap"} {
		cmd := newReconcileCmd(s)
		if other == "bootstrap" {
			cmd = newBootstrapCmd(s)
		}
		for _, n := range names {
			a, o := ac.Flags().Lookup(n), cmd.Flags().Lookup(n)
			if a == nil || o == nil {
				t.Fatalf("--%s: apply has %v, %s has %v", n, a != nil, other, o != nil)
			}
			if a.DefValue != o.DefValue || a.Usage != o.Usage {
				t.Errorf("--%s: apply default %q usage %q, %s default %q usage %q", n, a.DefValue, a.Usage, other, o.DefValue, o.Usage)
			}
		}
	}
}

// TestApplyFlagsDefaults: no flag gives apply.DefaultOptions; each flag
// reaches its option.
func TestApplyFlagsDefaults(t *testing.T) {
	parse := func(args ...string) (apply.Options, error) {
		var f applyFlags
		cmd := &cobra.Command{Use: "x"}
		f.bind(cmd)
		if err := cmd.Flags().Parse(args); err != nil {
			t.Fatal(err)
		}
		return f.options()
	}
	got, err := parse()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(apply.DefaultOptions(), got); d != "" {
		t.Errorf("no flags (-defaults +got):\n%s", d)
	}
	got, err = parse("--timeout", "1m", "--on-install-failure", "keep", "--concurrency", "2", "--prune=false")
	if err != nil {
		t.Fatal(err)
	}
	want := apply.DefaultOptions()
	want.Timeout, want.UninstallOnFailure, want.Concurrency, want.Prune = time.Minute, false, 2, false
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("flags (-want +got):\n%s", d)
	}
	if _, err := parse("--concurrency", "0"); err == nil || err.Error() != "--concurrency must be at least 1" {
		t.Errorf("--concurrency 0: err = %v", err)
	}
}
