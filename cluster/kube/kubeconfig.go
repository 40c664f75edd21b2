package kube

import (
	"fmt"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Kubeconfig selects the cluster, as kubectl and helm do.
type Kubeconfig struct {
	// Path is the kubeconfig file ("": $KUBECONFIG, else ~/.kube/config).
	Path string
	// Context is the context to use ("": the current one).
	Context string
}

// Loaded is a kubeconfig read for one context.
type Loaded struct {
	REST *rest.Config
	// Namespace is the context's namespace ("" when it names none).
	Namespace string
	// Context is the context's name.
	Context string
}

// RESTConfig reads the kubeconfig for k's context.
func (k Kubeconfig) RESTConfig() (*rest.Config, error) {
	l, err := k.Load()
	if err != nil {
		return nil, err
	}
	return l.REST, nil
}

// Load reads the kubeconfig for k's context, with pono's client tuning.
func (k Kubeconfig) Load() (*Loaded, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if k.Path != "" {
		rules.ExplicitPath = k.Path
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: k.Context})
	rc, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	// client-go's default of 5 requests per second would make pono wait on
	// itself; the API server's priority and fairness still protects it.
	rc.QPS, rc.Burst = 100, 200
	l := &Loaded{REST: rc, Context: k.Context}
	if ns, _, err := cc.Namespace(); err == nil {
		l.Namespace = ns
	}
	if l.Context == "" {
		if raw, err := cc.RawConfig(); err == nil {
			l.Context = raw.CurrentContext
		}
	}
	return l, nil
}
