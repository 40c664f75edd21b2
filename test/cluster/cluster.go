package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Cluster is a running local control plane.
type Cluster struct {
	// Dir holds the cluster's state; see Options.Dir.
	Dir string
	// Kubeconfig is the path of a kubeconfig with admin rights.
	Kubeconfig string
	// Nodes are the names of the kwok nodes Start created.
	Nodes []string

	base      *rest.Config
	procs     []*process
	log       *slog.Logger
	removeDir bool // Dir is a temporary directory Start created

	stopOnce sync.Once
	stopErr  error
}

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 500 * time.Millisecond

// ErrNotRunning is returned by Attach when a state directory has no live
// cluster.
var ErrNotRunning = errors.New("no cluster running")

// Layout of a state directory.
const (
	logsDir   = "logs"
	runDir    = "run"
	etcdDir   = "etcd"
	certsDir  = "certs"
	kubecfgFn = "kubeconfig"
	// kubeconfigsDir holds one kubeconfig per component, each with its
	// own user.
	kubeconfigsDir = "kubeconfigs"
)

// Start starts a control plane and returns once it is usable: the API server
// is ready, the kwok nodes are Ready and the default ServiceAccount exists.
// On error everything started is stopped again and the error names the
// directory where the logs were kept.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	opts = opts.withDefaults()
	began := time.Now()
	tl, err := findTools(opts.ToolsDir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	c := &Cluster{Dir: opts.Dir, log: opts.Logger}
	if c.Dir == "" {
		if c.Dir, err = os.MkdirTemp("", "pono-cluster-"); err != nil {
			return nil, fmt.Errorf("create cluster dir: %w", err)
		}
		c.removeDir = true
	}
	if c.Dir, err = filepath.Abs(c.Dir); err != nil {
		return nil, fmt.Errorf("cluster dir: %w", err)
	}
	for _, sub := range []string{logsDir, runDir, etcdDir, certsDir, kubeconfigsDir} {
		if err := os.MkdirAll(filepath.Join(c.Dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("create cluster dir: %w", err)
		}
	}
	c.Kubeconfig = filepath.Join(c.Dir, kubecfgFn)
	defer func() {
		if err != nil {
			stopErr := stopProcesses(c.procs, stopGrace)
			err = fmt.Errorf("start local cluster (logs kept in %s): %w", c.LogDir(), errors.Join(err, stopErr))
		}
	}()

	// Ports are free when picked but not reserved, so a cluster starting in
	// a parallel test package can take one first. Start over on new ports.
	for attempt := 1; ; attempt++ {
		err = c.boot(ctx, tl, opts)
		if err == nil {
			break
		}
		if attempt == maxBootAttempts || !strings.Contains(err.Error(), "address already in use") {
			return nil, err
		}
		c.log.Info("port taken, starting over", "attempt", attempt, "err", err)
		if err := c.reset(); err != nil {
			return nil, err
		}
	}
	c.log.Info("local cluster ready", "kubeconfig", c.Kubeconfig, "nodes", len(c.Nodes), "took", time.Since(began).Round(time.Millisecond))
	return c, nil
}

// maxBootAttempts bounds retries after a port conflict.
const maxBootAttempts = 3

// reset stops what a failed boot started and clears etcd's data, so boot
// can run again in the same directory.
func (c *Cluster) reset() error {
	if err := stopProcesses(c.procs, stopGrace); err != nil {
		return err
	}
	c.procs, c.Nodes, c.base = nil, nil, nil
	etcd := filepath.Join(c.Dir, etcdDir)
	if err := os.RemoveAll(etcd); err != nil {
		return fmt.Errorf("clear etcd data: %w", err)
	}
	return os.MkdirAll(etcd, 0o755)
}

// Attach finds a cluster started earlier in dir, typically by another
// process (clusterctl up), through its pid files and kubeconfig. It returns
// ErrNotRunning when none of its processes is alive. Check Healthy before
// using it; Stop works either way.
func Attach(dir string) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cluster dir: %w", err)
	}
	c := &Cluster{Dir: dir, Kubeconfig: filepath.Join(dir, kubecfgFn), log: slog.New(slog.DiscardHandler)}
	for _, name := range binaryOrder {
		p, err := readProcess(name, filepath.Join(dir, runDir), c.LogDir())
		if err != nil {
			return nil, err
		}
		if p != nil {
			c.procs = append(c.procs, p)
		}
	}
	if len(c.procs) == 0 {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotRunning)
	}
	if c.base, err = restConfigFrom(c.Kubeconfig); err != nil {
		// Still return c: Stop must work on a half-started cluster.
		return c, err
	}
	return c, nil
}

// RESTConfig returns a fresh config for the admin user, with client-side
// rate limits raised: the defaults (5 QPS) make tests slow for no benefit.
func (c *Cluster) RESTConfig() *rest.Config {
	cfg := rest.CopyConfig(c.base)
	cfg.QPS = 100
	cfg.Burst = 200
	return cfg
}

// Client returns a clientset for the admin user.
func (c *Cluster) Client() kubernetes.Interface {
	cs, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		// Only an invalid config fails here, and ours is built by Start.
		panic(fmt.Sprintf("cluster: clientset: %v", err))
	}
	return cs
}

// LogDir is where every component writes its log.
func (c *Cluster) LogDir() string { return filepath.Join(c.Dir, logsDir) }

// Pids returns the pid of each running component, by binary name.
func (c *Cluster) Pids() map[string]int {
	pids := make(map[string]int, len(c.procs))
	for _, p := range c.procs {
		pids[p.name] = p.pid
	}
	return pids
}

// Healthy reports an error unless every component runs and the API server
// answers /readyz.
func (c *Cluster) Healthy(ctx context.Context) error {
	if c.base == nil {
		return fmt.Errorf("%s: no kubeconfig", c.Dir)
	}
	running := map[string]bool{}
	for _, p := range c.procs {
		if !p.alive() {
			return fmt.Errorf("%s is not running (log: %s)", p.name, p.logFile)
		}
		running[p.name] = true
	}
	for _, name := range binaryOrder {
		if !running[name] {
			return fmt.Errorf("%s is not running (log: %s)", name, filepath.Join(c.LogDir(), name+".log"))
		}
	}
	return c.readyz(ctx)
}

// Stop stops every component and waits until they are gone. A temporary
// Dir is removed; a Dir given in Options is kept, minus the pid files. It
// is safe to call more than once.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.stop(false) })
	return c.stopErr
}

// stop stops the processes. keepLogs keeps the log directory of a temporary
// Dir, for a failed test run.
func (c *Cluster) stop(keepLogs bool) error {
	began := time.Now()
	if err := stopProcesses(c.procs, stopGrace); err != nil {
		return fmt.Errorf("stop local cluster (logs kept in %s): %w", c.LogDir(), err)
	}
	c.log.Info("local cluster stopped", "dir", c.Dir, "took", time.Since(began).Round(time.Millisecond))
	if !c.removeDir {
		return nil
	}
	if !keepLogs {
		return os.RemoveAll(c.Dir)
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return fmt.Errorf("clean cluster dir: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if e.Name() != logsDir {
			errs = append(errs, os.RemoveAll(filepath.Join(c.Dir, e.Name())))
		}
	}
	return errors.Join(errs...)
}
