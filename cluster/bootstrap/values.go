package bootstrap

import (
	"context"
	"fmt"

	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/values"
)

// AnnotationSecretsDigest is a pod annotation bootstrap sets: a digest of
// the Secrets pono reads, so that changing one rolls the pod.
const AnnotationSecretsDigest = "pono.dev/secrets-digest"

// desiredValues are the values the release is installed with: the caller's,
// plus the names of the Secrets bootstrap keeps. They pass through JSON
// once, as Helm's release storage does, so that they compare equal to the
// values read back from a stored release.
func desiredValues(opts Options, secrets []secretSpec) (map[string]any, error) {
	v, err := values.Normalize(opts.Values)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = map[string]any{}
	}
	for _, s := range secrets {
		switch s.role {
		case roleGitAuth:
			if err := setOwned(v, s.name, "git", "credentialsSecret"); err != nil {
				return nil, err
			}
		case roleVerify:
			if err := setOwned(v, s.name, "verify", "secret"); err != nil {
				return nil, err
			}
			_, keyring := s.data[KeyKeyring]
			_, signers := s.data[KeyAllowedSigners]
			values.Set(v, keyring, "verify", "keyring")
			values.Set(v, signers, "verify", "allowedSigners")
		case roleWebhook:
			values.Set(v, s.name, "webhook", "secret")
		case roleAgeKey:
			if err := setOwned(v, s.name, "sops", "ageKeySecret"); err != nil {
				return nil, err
			}
		}
	}
	if len(secrets) > 0 {
		values.Set(v, secretsDigest(secrets), "podAnnotations", AnnotationSecretsDigest)
	}
	return v, nil
}

// setOwned sets a Secret name bootstrap manages, refusing to silently
// replace a different one the caller put in Values.
func setOwned(v map[string]any, name string, path ...string) error {
	if cur, _ := lookup(v, nil, path...).(string); cur != "" && cur != name {
		return fmt.Errorf("values set %s.%s to %q, but bootstrap stores the given credentials in Secret %q: pass one or the other", path[0], path[1], cur, name)
	}
	values.Set(v, name, path...)
	return nil
}

// lookup returns the value at path in vals, else in defaults, else nil.
func lookup(vals, defaults map[string]any, path ...string) any {
	for _, m := range []map[string]any{vals, defaults} {
		if v, ok := values.Get(m, path...); ok {
			return v
		}
	}
	return nil
}

// render renders the chart client-side, so the chart's schema and checks
// reject bad values before bootstrap writes anything to the cluster.
func (i *Install) render(ctx context.Context, cs kubernetes.Interface, opts Options, values map[string]any) error {
	sv, err := cs.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("bootstrap: kubernetes server version: %w", err)
	}
	_, err = helmsdk.Render(ctx, i.Chart, helmsdk.RenderOptions{
		ReleaseName: opts.ReleaseName,
		Namespace:   opts.Namespace,
		KubeVersion: sv.GitVersion,
		Values:      values,
	})
	if err != nil {
		return fmt.Errorf("bootstrap: chart %s %s: %w", i.Chart.Name(), i.Chart.Version(), err)
	}
	return nil
}
