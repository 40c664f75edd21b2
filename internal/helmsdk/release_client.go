package helmsdk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/kube"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ClientOptions tune a release Client.
type ClientOptions struct {
	// Logger receives Helm's debug log; nil discards it.
	Logger *slog.Logger
	// PollInterval is how often readiness is checked while waiting
	// (default 250ms; Helm's own wait polls every 2s).
	PollInterval time.Duration
}

// Client performs Helm release actions against one cluster, storing
// releases in Secrets as the helm CLI does. It shares discovery, the REST
// mapper and one Kubernetes client per namespace between actions, and is
// safe for concurrent use.
type Client struct {
	rest   *rest.Config
	opts   ClientOptions
	log    *slog.Logger
	cs     kubernetes.Interface
	meta   metadata.Interface
	dyn    dynamic.Interface
	disc   discovery.CachedDiscoveryInterface
	mapper *restmapper.DeferredDiscoveryRESTMapper

	mu    sync.Mutex
	kube  map[string]*kube.Client
	caps  *chartutil.Capabilities
	dirty bool // discovery must be refreshed before the next capabilities read
}

// NewClient returns a Client for the cluster rc points at. It does not
// contact the cluster.
func NewClient(rc *rest.Config, opts ClientOptions) (*Client, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 250 * time.Millisecond
	}
	rc = rest.CopyConfig(rc)
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	mc, err := metadata.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("metadata client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("dynamic client: %w", err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("discovery client: %w", err)
	}
	disc := memory.NewMemCacheClient(dc)
	return &Client{
		rest: rc, opts: opts, log: opts.Logger, cs: cs, meta: mc, dyn: dyn, disc: disc,
		mapper: restmapper.NewDeferredDiscoveryRESTMapper(disc),
		kube:   map[string]*kube.Client{},
	}, nil
}

// Kubernetes returns the client's Kubernetes clientset.
func (c *Client) Kubernetes() kubernetes.Interface { return c.cs }

// Dynamic returns the client's dynamic client.
func (c *Client) Dynamic() dynamic.Interface { return c.dyn }

// Metadata returns the client's metadata-only client.
func (c *Client) Metadata() metadata.Interface { return c.meta }

// RESTMapper returns the REST mapper Helm's actions use; RefreshDiscovery
// resets it before the next action.
func (c *Client) RESTMapper() meta.RESTMapper { return c.mapper }

// RefreshDiscovery forgets cached API discovery, so kinds added since (for
// example by a release that installed CRDs) become known.
func (c *Client) RefreshDiscovery() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirty = true
}

// capabilities are computed once per discovery generation instead of per
// action (Helm invalidates discovery on every action otherwise).
func (c *Client) capabilities() (*chartutil.Capabilities, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.caps != nil && !c.dirty {
		return c.caps, nil
	}
	if c.dirty {
		c.mapper.Reset()
		c.dirty = false
	}
	v, err := c.disc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("kubernetes server version: %w", err)
	}
	apis, err := action.GetVersionSet(c.disc)
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("kubernetes api versions: %w", err)
	}
	c.caps = &chartutil.Capabilities{
		APIVersions: apis,
		KubeVersion: chartutil.KubeVersion{Version: v.GitVersion, Major: v.Major, Minor: v.Minor},
		HelmVersion: chartutil.DefaultCapabilities.HelmVersion,
	}
	return c.caps, nil
}

func (c *Client) kubeClient(ns string) (*kube.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if kc, ok := c.kube[ns]; ok {
		return kc, nil
	}
	kc := kube.New(&getter{c: c, ns: ns})
	kc.Namespace = ns
	kc.Log = c.helmLog
	// Initialise the lazily created clientset now: kube.Client creates it
	// without locking on first use.
	if err := kc.IsReachable(); err != nil {
		return nil, err
	}
	c.kube[ns] = kc
	return kc, nil
}

func (c *Client) helmLog(format string, args ...any) {
	if c.log.Enabled(context.Background(), slog.LevelDebug) {
		c.log.Debug("helm", "msg", fmt.Sprintf(format, args...))
	}
}

// op is the state of one release action: its Helm configuration, with a
// kube client whose waits follow ctx and pono's readiness rules.
type op struct {
	cfg *action.Configuration
}

// newOp prepares an action in namespace ns; maxHistory caps the revisions
// stored (0: unlimited).
func (c *Client) newOp(ctx context.Context, ns string, maxHistory int) (*op, error) {
	kc, err := c.kubeClient(ns)
	if err != nil {
		return nil, err
	}
	caps, err := c.capabilities()
	if err != nil {
		return nil, err
	}
	store := storage.Init(driver.NewSecrets(c.cs.CoreV1().Secrets(ns)))
	store.MaxHistory = maxHistory
	store.Log = c.helmLog
	cfg := &action.Configuration{
		RESTClientGetter: &getter{c: c, ns: ns},
		KubeClient:       &waitingClient{Client: kc, ctx: ctx, c: c},
		Releases:         store,
		Capabilities:     caps,
		Log:              c.helmLog,
	}
	return &op{cfg: cfg}, nil
}

// getter hands Helm the shared config, discovery and mapper.
type getter struct {
	c  *Client
	ns string
}

func (g *getter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.c.rest), nil }
func (g *getter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	return g.c.disc, nil
}
func (g *getter) ToRESTMapper() (meta.RESTMapper, error) { return g.c.mapper, nil }
func (g *getter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	return clientcmd.NewDefaultClientConfig(*clientcmdapi.NewConfig(), &clientcmd.ConfigOverrides{Context: clientcmdapi.Context{Namespace: g.ns}})
}
