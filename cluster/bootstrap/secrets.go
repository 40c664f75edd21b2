package bootstrap

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/internal/ownership"
)

// Keys of the Secrets bootstrap writes. The git keys are those pono
// reconcile reads from --auth-dir, defined once in internal/gitrepo.
const (
	KeyUsername       = gitrepo.KeyUsername
	KeyPassword       = gitrepo.KeyPassword
	KeyToken          = gitrepo.KeyToken
	KeyBearerToken    = gitrepo.KeyBearerToken
	KeyIdentity       = gitrepo.KeyIdentity
	KeyIdentityPass   = gitrepo.KeyIdentityPass
	KeyKnownHosts     = gitrepo.KeyKnownHosts
	KeyKeyring        = "keyring.asc"
	KeyAllowedSigners = "allowed_signers"
	KeyWebhookSecret  = "secret"
	// KeyAgeKeys holds the age identities of SOPS-encrypted platform files.
	KeyAgeKeys = "keys.txt"
)

var (
	gitAuthKeys = []string{KeyUsername, KeyPassword, KeyToken, KeyBearerToken, KeyIdentity, KeyIdentityPass, KeyKnownHosts}
	verifyKeys  = []string{KeyKeyring, KeyAllowedSigners}
)

// GitAuthKeys are the keys the git credentials Secret may hold (and the
// files `pono bootstrap --auth-dir` reads).
func GitAuthKeys() []string { return slices.Clone(gitAuthKeys) }

type secretRole int

const (
	roleGitAuth secretRole = iota
	roleVerify
	roleWebhook
	roleAgeKey
)

// secretSpec is one Secret bootstrap keeps.
type secretSpec struct {
	role secretRole
	name string
	// data is the content to store; nil for a webhook Secret whose value
	// is kept if present, else generated (see resolveSecrets).
	data map[string][]byte
	// cur is the Secret as resolveSecrets found it; nil if absent.
	cur *corev1.Secret
}

// planSecrets checks the credentials in opts and names their Secrets.
func planSecrets(opts Options) ([]secretSpec, error) {
	var out []secretSpec
	if len(opts.GitAuth) > 0 {
		if err := checkKeys("git credentials", opts.GitAuth, gitAuthKeys); err != nil {
			return nil, err
		}
		out = append(out, secretSpec{role: roleGitAuth, name: opts.ReleaseName + "-git-auth", data: maps.Clone(opts.GitAuth)})
	}
	if len(opts.Verify) > 0 {
		if err := checkKeys("verification keys", opts.Verify, verifyKeys); err != nil {
			return nil, err
		}
		out = append(out, secretSpec{role: roleVerify, name: opts.ReleaseName + "-verify", data: maps.Clone(opts.Verify)})
	}
	if len(opts.AgeKey) > 0 {
		if !bytes.Contains(opts.AgeKey, []byte("AGE-SECRET-KEY-1")) {
			return nil, errors.New("the age key file holds no age identity (a line AGE-SECRET-KEY-1...)")
		}
		out = append(out, secretSpec{role: roleAgeKey, name: opts.ReleaseName + "-age-key", data: map[string][]byte{KeyAgeKeys: bytes.Clone(opts.AgeKey)}})
	}
	// A webhook Secret named in Values is the caller's own; bootstrap
	// neither writes nor reads it.
	if own, _ := lookup(opts.Values, nil, "webhook", "secret").(string); own != "" {
		if opts.WebhookSecret != nil {
			return nil, fmt.Errorf("values set webhook.secret to %q and a webhook secret was given too: pass one or the other", own)
		}
		return out, nil
	}
	spec := secretSpec{role: roleWebhook, name: opts.ReleaseName + "-webhook"}
	if opts.WebhookSecret != nil {
		if len(bytes.TrimSpace(opts.WebhookSecret)) == 0 {
			return nil, errors.New("the webhook secret is empty")
		}
		spec.data = map[string][]byte{KeyWebhookSecret: bytes.Clone(opts.WebhookSecret)}
	}
	return append(out, spec), nil
}

func checkKeys(what string, data map[string][]byte, allowed []string) error {
	var unknown []string
	for k := range data {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("%s: unknown key %s (known: %s)", what, strings.Join(unknown, ", "), strings.Join(allowed, ", "))
	}
	return nil
}

// resolveSecrets reads the Secrets that exist already and settles the
// data of each: the webhook Secret keeps its value unless one was given.
// It only reads; the namespace need not exist yet.
func resolveSecrets(ctx context.Context, cs kubernetes.Interface, ns string, specs []secretSpec) error {
	for i := range specs {
		s := &specs[i]
		cur, err := cs.CoreV1().Secrets(ns).Get(ctx, s.name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			cur = nil
		case err != nil:
			return fmt.Errorf("secret %s/%s: %w", ns, s.name, err)
		}
		s.cur = cur
		if s.data == nil {
			if s.data, err = webhookData(cur); err != nil {
				return fmt.Errorf("secret %s/%s: %w", ns, s.name, err)
			}
		}
	}
	return nil
}

// ensureSecret creates or updates a resolved Secret, writing only when its
// data or ownership label differ, so a repeated bootstrap makes no write.
func ensureSecret(ctx context.Context, cs kubernetes.Interface, ns string, s secretSpec) (Action, error) {
	api := cs.CoreV1().Secrets(ns)
	if s.cur == nil {
		sec := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: s.name, Namespace: ns, Labels: map[string]string{ownership.K8sManagedBy: ownership.ManagedByValue}},
			Type:       corev1.SecretTypeOpaque,
			Data:       s.data,
		}
		if _, err := api.Create(ctx, sec, metav1.CreateOptions{}); err != nil {
			return "", fmt.Errorf("create secret %s/%s: %w", ns, s.name, err)
		}
		return ActionCreated, nil
	}
	cur := s.cur.DeepCopy()
	if cur.Labels[ownership.K8sManagedBy] == ownership.ManagedByValue && maps.EqualFunc(cur.Data, s.data, bytes.Equal) {
		return ActionUnchanged, nil
	}
	cur.Data = s.data
	if cur.Labels == nil {
		cur.Labels = map[string]string{}
	}
	cur.Labels[ownership.K8sManagedBy] = ownership.ManagedByValue
	// The resourceVersion read by resolveSecrets makes this fail on a
	// concurrent change instead of overwriting it.
	if _, err := api.Update(ctx, cur, metav1.UpdateOptions{}); err != nil {
		return "", fmt.Errorf("update secret %s/%s: %w", ns, s.name, err)
	}
	return ActionUpdated, nil
}

// webhookData keeps the webhook secret a Secret already holds, so the git
// host's webhook configuration stays valid, or makes a new one: 32 random
// bytes, hex-encoded so it can be pasted into a web form.
func webhookData(cur *corev1.Secret) (map[string][]byte, error) {
	if cur != nil && len(bytes.TrimSpace(cur.Data[KeyWebhookSecret])) > 0 {
		return map[string][]byte{KeyWebhookSecret: cur.Data[KeyWebhookSecret]}, nil
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("generate webhook secret: %w", err)
	}
	return map[string][]byte{KeyWebhookSecret: []byte(hex.EncodeToString(raw[:]))}, nil
}

// secretsDigest identifies the content of all Secrets pono reads at start.
// As a pod annotation it restarts pono when credentials change, since
// pono reads them once, at start.
func secretsDigest(specs []secretSpec) string {
	h := sha256.New()
	for _, s := range specs {
		for _, k := range slices.Sorted(maps.Keys(s.data)) {
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00", s.name, k, len(s.data[k]))
			h.Write(s.data[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
