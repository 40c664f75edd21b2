package cluster

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"time"
)

// StopAPIServer kills the API server (SIGKILL: no drain, as a crash or a
// node loss would), leaving etcd and the other components running. Clients
// see connection errors until StartAPIServer.
func (c *Cluster) StopAPIServer() error {
	p := c.proc("kube-apiserver")
	if p == nil || p.bin == "" {
		return fmt.Errorf("kube-apiserver is not a child of this process; cannot stop and restart it")
	}
	p.signalGroup(syscall.SIGKILL)
	if !waitGone(p, 10*time.Second) {
		return fmt.Errorf("kube-apiserver (pid %d) survived SIGKILL", p.pid)
	}
	return nil
}

// StartAPIServer starts the API server again with the arguments it had
// (same port, same etcd), and waits until it is ready.
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	p := c.proc("kube-apiserver")
	if p == nil || p.bin == "" {
		return fmt.Errorf("kube-apiserver is not a child of this process; cannot restart it")
	}
	if p.alive() {
		return fmt.Errorf("kube-apiserver (pid %d) is still running", p.pid)
	}
	np, err := startProcess(p.name, p.bin, p.args, c.Dir, c.LogDir(), filepath.Join(c.Dir, runDir), false)
	if err != nil {
		return err
	}
	for i := range c.procs {
		if c.procs[i] == p {
			c.procs[i] = np
		}
	}
	return c.waitFor(ctx, "kube-apiserver /readyz after restart", c.readyz)
}

func (c *Cluster) proc(name string) *process {
	for _, p := range c.procs {
		if p.name == name {
			return p
		}
	}
	return nil
}
