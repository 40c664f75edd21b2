package kube

import (
	"errors"
	"log/slog"

	"k8s.io/client-go/kubernetes"
)

// Config returns a Config for k's cluster that logs to log (nil: nowhere).
// Commands build their Config here, so none of them handles client-go's
// types itself.
func (k Kubeconfig) Config(log *slog.Logger) (*Config, error) {
	rc, err := k.RESTConfig()
	if err != nil {
		return nil, err
	}
	return &Config{RESTConfig: rc, Logger: log}, nil
}

// Clientset returns a plain clientset for c's cluster, without the Helm
// client's discovery and REST mapper: for a command that reads a few
// objects (a ConfigMap, a Secret) and nothing else.
func (c *Config) Clientset() (kubernetes.Interface, error) {
	if c.RESTConfig == nil {
		return nil, errors.New("kube: no cluster configured")
	}
	return kubernetes.NewForConfig(c.RESTConfig)
}
