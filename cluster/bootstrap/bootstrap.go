// Package bootstrap installs pono into a cluster: the library step of
// `pono bootstrap`. It creates pono's namespace, keeps the Secrets pono
// reads (git credentials, verification keys, the webhook secret), and
// installs or upgrades the embedded chart charts/pono as a Helm release.
// Running it again with the same input changes nothing: no Secret write,
// no new Helm revision.
package bootstrap

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/pono-gitops/pono/charts"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/ownership"
)

// Options say what to install. Only Values is required (git.url).
type Options struct {
	// Namespace of pono's release, its Secrets and its status; default
	// "pono-system". It is created when missing.
	Namespace string
	// ReleaseName of the Helm release; default "pono".
	ReleaseName string
	// Values are chart values (git.url etc., see charts/pono/values.yaml),
	// merged by Helm over the chart's defaults.
	Values map[string]any
	// GitAuth holds git credentials under the keys pono reads (username,
	// password, token, identity, identity.passphrase, known_hosts). They
	// are stored in the Secret "<release>-git-auth" and the chart's
	// git.credentialsSecret points at it. Empty: no credentials.
	GitAuth map[string][]byte
	// Verify holds the keys commits must be signed with (keyring.asc,
	// allowed_signers), stored in the Secret "<release>-verify"; the
	// chart's verify values point at it. Empty: no verification.
	Verify map[string][]byte
	// WebhookSecret protects pono's push webhook, stored in the Secret
	// "<release>-webhook". Nil keeps the value that Secret already has,
	// or generates a random one the first time.
	WebhookSecret []byte
	// AgeKey holds the age identities that decrypt the platform's
	// SOPS-encrypted files, stored in the Secret "<release>-age-key" (key
	// keys.txt); the chart's sops.ageKeySecret points at it. Empty: none.
	AgeKey []byte
	// Wait waits until pono's Deployment is ready, within Timeout
	// (default 5m), which also bounds the Helm operation.
	Wait    bool
	Timeout time.Duration
}

// Defaults of Options.
const (
	DefaultNamespace   = ownership.SystemNamespace
	DefaultReleaseName = "pono"
	DefaultTimeout     = 5 * time.Minute
)

func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.ReleaseName == "" {
		o.ReleaseName = DefaultReleaseName
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// Install installs pono into a cluster. Its fields are options; NewInstall
// sets the defaults.
type Install struct {
	// Chart is the chart to install; NewInstall loads the embedded
	// charts/pono. Tests may substitute another.
	Chart *helmsdk.Chart

	cfg     *kube.Config
	loadErr error
}

// NewInstall returns an Install of the chart embedded in this binary. cfg's
// Progress is not used: bootstrap is three steps, reported in its Report.
func NewInstall(cfg *kube.Config) *Install {
	ch, err := helmsdk.LoadFS(charts.Pono())
	if err != nil {
		err = fmt.Errorf("embedded pono chart: %w", err)
	}
	return &Install{Chart: ch, cfg: cfg, loadErr: err}
}

func (i *Install) logger() *slog.Logger {
	if i.cfg.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return i.cfg.Logger
}

// Run makes the cluster hold pono as opts describe. Bad options and values
// the chart rejects fail before anything in the cluster is changed.
func (i *Install) Run(ctx context.Context, opts Options) (*Report, error) {
	if i.loadErr != nil {
		return nil, i.loadErr
	}
	opts = opts.withDefaults()
	if err := helmsdk.ValidReleaseName(opts.ReleaseName); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	secrets, err := planSecrets(opts)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	hc, err := i.cfg.Client()
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	cs := hc.Kubernetes()
	if err := resolveSecrets(ctx, cs, opts.Namespace, secrets); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	values, err := desiredValues(opts, secrets)
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	if err := i.render(ctx, cs, opts, values); err != nil {
		return nil, err
	}

	rep := &Report{}
	for _, ns := range namespacesFor(opts.Namespace, values, i.Chart.Values()) {
		act, err := ensureNamespace(ctx, cs, ns)
		if err != nil {
			return rep, fmt.Errorf("bootstrap: %w", err)
		}
		rep.add(i.logger(), Object{Kind: "Namespace", Name: ns, Action: act})
	}
	for _, s := range secrets {
		act, err := ensureSecret(ctx, cs, opts.Namespace, s)
		if err != nil {
			return rep, fmt.Errorf("bootstrap: %w", err)
		}
		rep.add(i.logger(), Object{Kind: "Secret", Namespace: opts.Namespace, Name: s.name, Action: act})
	}
	rel, err := i.release(ctx, hc, opts, values)
	if rel != nil {
		rep.Release = *rel
	}
	if err != nil {
		return rep, fmt.Errorf("bootstrap: %w", err)
	}
	i.logger().Info("pono release", "namespace", rel.Namespace, "name", rel.Name, "action", rel.Action, "revision", rel.Revision)
	return rep, nil
}
