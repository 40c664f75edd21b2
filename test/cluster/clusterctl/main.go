// Command clusterctl starts and stops the local cluster people use by hand
// (make cluster-up, make cluster-down, the demo). Unlike a test's cluster it
// outlives the command: the components run detached and are found again
// through the pid files in the state directory.
//
//	clusterctl [-dir DIR] [-tools DIR] [-nodes N] [-kcm-qps Q] up|down|status
//
// up prints the kubeconfig's path on stdout and everything else on stderr,
// so `export KUBECONFIG=$(clusterctl up)` works.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/pono-gitops/pono/test/cluster"
)

func main() {
	dir := flag.String("dir", defaultDir(), "state directory of the cluster")
	tools := flag.String("tools", cluster.DefaultToolsDir(), "directory `make tools` built the binaries into")
	nodes := flag.Int("nodes", 1, "kwok nodes to create")
	kcmQPS := flag.Int("kcm-qps", 0, "the controller-manager's client rate (--kube-api-qps, burst twice that); 0 keeps its default, 20")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: clusterctl [flags] up|down|status\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	var err error
	switch flag.Arg(0) {
	case "up":
		err = up(ctx, cluster.Options{Dir: *dir, ToolsDir: *tools, Nodes: *nodes, ControllerManagerQPS: *kcmQPS, Logger: log, Detach: true})
	case "down":
		err = down(*dir)
	case "status":
		err = status(ctx, *dir)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "clusterctl:", err)
		os.Exit(1)
	}
}

// defaultDir is ${PONO_CACHE:-$HOME/.cache/pono}/cluster, beside the tools.
func defaultDir() string {
	if c := os.Getenv("PONO_CACHE"); c != "" {
		return filepath.Join(c, "cluster")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".cache", "pono", "cluster")
	}
	return filepath.Join(os.TempDir(), "pono", "cluster")
}

// up starts a cluster in dir unless a healthy one already runs there. A
// broken one (a component died, the machine rebooted) is stopped and
// replaced by a fresh one: its state is only test data.
func up(ctx context.Context, opts cluster.Options) error {
	dir := opts.Dir
	c, err := cluster.Attach(dir)
	if err != nil && !errors.Is(err, cluster.ErrNotRunning) && c == nil {
		return err
	}
	if c != nil {
		herr := c.Healthy(ctx)
		if herr == nil {
			fmt.Fprintf(os.Stderr, "local cluster already up (%s)\n", dir)
			fmt.Println(c.Kubeconfig)
			return nil
		}
		opts.Logger.Info("replacing unhealthy local cluster", "reason", herr)
		if err := c.Stop(); err != nil {
			return err
		}
	}
	// Fresh state and fresh logs: the old logs were kept by down for a look
	// after the fact, and a new run makes them moot.
	if err := clean(dir, false); err != nil {
		return err
	}
	began := time.Now()
	c, err = cluster.Start(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "local cluster up in %s; stop it with 'make cluster-down'\n", time.Since(began).Round(100*time.Millisecond))
	fmt.Println(c.Kubeconfig)
	return nil
}

// down stops the cluster in dir and removes its state; only the logs of the
// last run are kept, for a look after the fact.
func down(dir string) error {
	c, err := cluster.Attach(dir)
	switch {
	case errors.Is(err, cluster.ErrNotRunning):
		fmt.Fprintln(os.Stderr, "local cluster is not running")
	case c == nil:
		return err
	default:
		if err := c.Stop(); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "local cluster stopped")
	}
	return clean(dir, true)
}

// status prints whether the cluster in dir is up, and fails when it is not.
func status(ctx context.Context, dir string) error {
	c, err := cluster.Attach(dir)
	if c == nil {
		return err
	}
	pids := c.Pids()
	for _, name := range slices.Sorted(maps.Keys(pids)) {
		fmt.Printf("%-24s pid %d\n", name, pids[name])
	}
	if err := c.Healthy(ctx); err != nil {
		return fmt.Errorf("local cluster unhealthy: %w", err)
	}
	fmt.Printf("local cluster up; kubeconfig %s\n", c.Kubeconfig)
	return nil
}

// clean empties dir, but for the logs directory when keepLogs is set.
func clean(dir string, keepLogs bool) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if keepLogs && e.Name() == "logs" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
