package cluster

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// waitFor polls check until it succeeds. It gives up early when a
// component this process started has exited, with the end of its log, so
// a bad flag fails in a second instead of at the timeout.
func (c *Cluster) waitFor(ctx context.Context, what string, check func(context.Context) error) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		for _, p := range c.procs {
			if p.exited != nil && !p.alive() {
				return fmt.Errorf("wait for %s: %w", what, p.exitError())
			}
		}
		if last = check(ctx); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w (last error: %v)", what, ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// readyz asks the API server whether it is ready to serve.
func (c *Cluster) readyz(ctx context.Context) error {
	cs, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		return fmt.Errorf("clientset: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("/readyz: %w", err)
	}
	if string(body) != "ok" {
		return fmt.Errorf("/readyz: %s", body)
	}
	return nil
}

// waitServiceAccount waits for the controller-manager to create the default
// ServiceAccount of namespace ns.
func (c *Cluster) waitServiceAccount(ctx context.Context, ns string) error {
	cs := c.Client()
	return c.waitFor(ctx, "ServiceAccount "+ns+"/default", func(ctx context.Context) error {
		_, err := cs.CoreV1().ServiceAccounts(ns).Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("not created yet")
		}
		return err
	})
}
