package compiler

import (
	"bytes"
	"fmt"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
	"github.com/pono-gitops/pono/compiler/mask"
)

// The compile output holds no secret: a sensitive value becomes a marker
// with a salted hash (mask.Marker), so that a change still shows as a
// changed line in a review of the output. The salt is derived from where
// the value stands (platform, release, path), never random, so two
// compiles stay byte-identical. It stops equal secrets from showing as
// equal hashes and precomputed tables from working; it is not secret, so
// a weak password can still be guessed offline from its hash: sensitive
// values are meant to be generated, long secrets (docs/secrets.md).

// sensitiveSalt is the salt of the value at path of a release.
func sensitiveSalt(platform, release, path string) string {
	return platform + "\x00" + release + "\x00" + path
}

// maskedReleases are the releases as the releases file shows them.
func (r *Result) maskedReleases(set *mask.Set) []Release {
	out := make([]Release, len(r.Releases))
	for i, rel := range r.Releases {
		if !set.Empty() {
			name := rel.Name
			rel.Values = set.Values(rel.Values, func(path string, v any) any {
				return mask.Marker(sensitiveSalt(r.Platform.Name, name, path), v)
			})
		}
		out[i] = rel
	}
	return out
}

var secretKind = []byte("\nkind: Secret\n")

// maskedManifest is a release's canonical manifest as the output holds
// it: each Secret's data and stringData values are markers, and the
// sensitive values are scrubbed from every string (a DSN in a ConfigMap).
func (r *Result) maskedManifest(rel Release, set *mask.Set) ([]byte, error) {
	b := r.Manifests[rel.Name]
	if !bytes.Contains(b, secretKind) && !set.Contains(b) {
		return b, nil
	}
	objs, err := manifest.ParseCanonical(string(b))
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", rel.Name, err)
	}
	for i := range objs {
		o := &objs[i]
		if mask.IsSecret(o.APIVersion, o.Kind) {
			o.Body = mask.SecretMarkers(o.Body, sensitiveSalt(r.Platform.Name, rel.Name, o.ID()))
		}
		o.Body, _ = set.ScrubAll(o.Body).(map[string]any)
	}
	return manifest.Canonical(objs)
}
