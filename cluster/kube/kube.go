// Package kube is the one cluster connection the cluster-side commands
// share (apply, status, diff --live, reconcile, bootstrap) and the one
// place a kubeconfig becomes a *rest.Config.
package kube

import (
	"log/slog"
	"sync"
	"sync/atomic"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/internal/helmsdk"
)

// Config is one cluster connection: every action built on it uses the
// same Helm client (one discovery cache, one REST mapper, one connection
// pool).
type Config struct {
	// RESTConfig reaches the cluster. It is read when the client is first
	// needed.
	RESTConfig *rest.Config
	// Logger receives debug logs (Helm's included); nil discards them.
	Logger *slog.Logger

	once      sync.Once
	client    *helmsdk.Client
	clientErr error
	// redact hides sensitive values in Helm's debug log (log_redact.go).
	redact atomic.Pointer[redactorBox]
}

// Log is the Config's logger, with the current Redactor applied.
func (c *Config) Log() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(&redactingHandler{inner: c.Logger.Handler(), cur: &c.redact})
}

// Client returns the Helm release client of this Config, built on first
// use and shared by every later action.
func (c *Config) Client() (*helmsdk.Client, error) {
	c.once.Do(func() {
		c.client, c.clientErr = helmsdk.NewClient(c.RESTConfig, helmsdk.ClientOptions{Logger: c.Log()})
	})
	return c.client, c.clientErr
}

// Kubernetes returns the clientset of the Helm client.
func (c *Config) Kubernetes() (kubernetes.Interface, error) {
	h, err := c.Client()
	if err != nil {
		return nil, err
	}
	return h.Kubernetes(), nil
}
