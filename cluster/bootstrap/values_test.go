package bootstrap

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlanSecretsRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"unknown git key", Options{GitAuth: map[string][]byte{"user": []byte("x")}}, "git credentials: unknown key user (known: username, password, token"},
		{"unknown verify key", Options{Verify: map[string][]byte{"pubring.gpg": []byte("x")}}, "verification keys: unknown key pubring.gpg"},
		{"empty webhook secret", Options{WebhookSecret: []byte(" \n")}, "the webhook secret is empty"},
		{"webhook secret twice", Options{WebhookSecret: []byte("s"), Values: map[string]any{"webhook": map[string]any{"secret": "mine"}}}, `values set webhook.secret to "mine" and a webhook secret was given too`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planSecrets(tt.opts.withDefaults())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("planSecrets error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDesiredValues(t *testing.T) {
	opts := Options{
		Values: map[string]any{
			"git":            map[string]any{"url": "https://example.org/p.git"},
			"replicaCount":   2,
			"podAnnotations": map[string]any{"team": "ops"},
		},
		GitAuth: map[string][]byte{KeyToken: []byte("t0ken")},
		Verify:  map[string][]byte{KeyAllowedSigners: []byte("a@b ssh-ed25519 AAAA")},
	}.withDefaults()
	specs, err := planSecrets(opts)
	if err != nil {
		t.Fatal(err)
	}
	specs[len(specs)-1].data = map[string][]byte{KeyWebhookSecret: []byte("hook")} // as resolveSecrets would
	got, err := desiredValues(opts, specs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"git":            map[string]any{"url": "https://example.org/p.git", "credentialsSecret": "pono-git-auth"},
		"replicaCount":   float64(2), // as Helm's storage gives it back
		"verify":         map[string]any{"secret": "pono-verify", "keyring": false, "allowedSigners": true},
		"webhook":        map[string]any{"secret": "pono-webhook"},
		"podAnnotations": map[string]any{"team": "ops", AnnotationSecretsDigest: secretsDigest(specs)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if opts.Values["git"].(map[string]any)["credentialsSecret"] != nil {
		t.Error("desiredValues changed the caller's Values")
	}

	// The digest follows the content, so a new token rolls the pod.
	before := secretsDigest(specs)
	specs[0].data[KeyToken] = []byte("new")
	if secretsDigest(specs) == before {
		t.Error("secrets digest did not change with the token")
	}
}

func TestDesiredValuesRefusesTwoCredentialSecrets(t *testing.T) {
	opts := Options{
		Values:  map[string]any{"git": map[string]any{"url": "u", "credentialsSecret": "theirs"}},
		GitAuth: map[string][]byte{KeyPassword: []byte("p")},
	}.withDefaults()
	specs, err := planSecrets(opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = desiredValues(opts, specs)
	if want := `values set git.credentialsSecret to "theirs", but bootstrap stores the given credentials in Secret "pono-git-auth"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestNamespacesFor(t *testing.T) {
	defaults := map[string]any{"rbac": map[string]any{"create": true, "mode": "cluster-admin", "namespaces": []any{}}}
	lp := func(nss ...any) map[string]any {
		return map[string]any{"rbac": map[string]any{"mode": "least-privilege", "namespaces": nss}}
	}
	tests := []struct {
		name   string
		values map[string]any
		want   []string
	}{
		{"cluster-admin", map[string]any{}, []string{"pono-system"}},
		{"least-privilege", lp("kaapana", "services"), []string{"pono-system", "kaapana", "services"}},
		{"own namespace listed", lp("pono-system", "kaapana"), []string{"pono-system", "kaapana"}},
		{"no RBAC objects", map[string]any{"rbac": map[string]any{"create": false, "mode": "least-privilege", "namespaces": []any{"a"}}}, []string{"pono-system"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, namespacesFor("pono-system", tt.values, defaults)); diff != "" {
				t.Errorf("namespaces (-want +got):\n%s", diff)
			}
		})
	}
}

// An age key becomes the Secret <release>-age-key, which the chart's
// sops.ageKeySecret names; something that is no age identity is refused.
func TestDesiredValuesAgeKey(t *testing.T) {
	opts := Options{Values: map[string]any{"git": map[string]any{"url": "https://example.org/p.git"}},
		AgeKey: []byte("# test\nAGE-SECRET-KEY-1QQQ\n")}.withDefaults()
	specs, err := planSecrets(opts)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, s := range specs {
		if s.name == "pono-age-key" {
			found = string(s.data[KeyAgeKeys]) == string(opts.AgeKey)
		}
	}
	if !found {
		t.Fatalf("no pono-age-key Secret with the key: %+v", specs)
	}
	specs[len(specs)-1].data = map[string][]byte{KeyWebhookSecret: []byte("hook")}
	got, err := desiredValues(opts, specs)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := got["sops"].(map[string]any); s["ageKeySecret"] != "pono-age-key" {
		t.Errorf("sops values = %v", got["sops"])
	}
	if _, err := planSecrets(Options{AgeKey: []byte("age1notasecret\n")}.withDefaults()); err == nil || !strings.Contains(err.Error(), "holds no age identity") {
		t.Errorf("a recipient instead of an identity: %v", err)
	}
}
