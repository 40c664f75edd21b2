package bootstrap

import (
	"bytes"
	"context"
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/charts"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/test/cluster"
)

func newInstall(t *testing.T, c *cluster.Cluster) *Install {
	t.Helper()
	in := NewInstall(&kube.Config{RESTConfig: c.RESTConfig()})
	if in.loadErr != nil {
		t.Fatal(in.loadErr)
	}
	return in
}

func run(t *testing.T, in *Install, opts Options) *Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rep, err := in.Run(ctx, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// writesDuring returns the API writes the test's user made while f ran.
func writesDuring(t *testing.T, c *cluster.Cluster, f func()) []cluster.AuditEvent {
	t.Helper()
	ctx := context.Background()
	before, err := c.Writes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f()
	after, err := c.Writes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return after[len(before):]
}

func actions(rep *Report) map[string]Action {
	m := map[string]Action{}
	for _, o := range rep.Objects {
		m[o.Kind+"/"+o.Name] = o.Action
	}
	m["Release/"+rep.Release.Name] = rep.Release.Action
	return m
}

func TestInstallRun(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	cs := c.Client()
	const ns, name = "bs-run", "pono-run"
	in := newInstall(t, c)
	opts := Options{
		Namespace:   ns,
		ReleaseName: name,
		Values: map[string]any{
			"git":     map[string]any{"url": "https://git.example.org/platform.git", "ref": "v1", "path": "platforms/prod"},
			"windows": []string{"0 22 * * 1-5 +4h"},
		},
		GitAuth: map[string][]byte{KeyUsername: []byte("robot"), KeyPassword: []byte("s3cret")},
		Verify:  map[string][]byte{KeyKeyring: []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n...")},
		Wait:    true,
		Timeout: 2 * time.Minute,
	}

	rep := run(t, in, opts)
	want := map[string]Action{
		"Namespace/" + ns:          ActionCreated,
		"Secret/pono-run-git-auth": ActionCreated,
		"Secret/pono-run-verify":   ActionCreated,
		"Secret/pono-run-webhook":  ActionCreated,
		"Release/" + name:          ActionInstalled,
	}
	if diff := cmp.Diff(want, actions(rep)); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	if rep.Release.Revision != 1 || rep.Release.ChartVersion != "0.1.0" {
		t.Errorf("release = %+v, want revision 1 of chart 0.1.0", rep.Release)
	}

	t.Run("deployment args", func(t *testing.T) {
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status.ReadyReplicas != 1 {
			t.Errorf("ready replicas = %d after Run with Wait, want 1", d.Status.ReadyReplicas)
		}
		wantArgs := []string{
			"reconcile", "--repo=https://git.example.org/platform.git", "--ref=v1", "--path=platforms/prod",
			"--interval=5m", "--jitter=30s", "--window=0 22 * * 1-5 +4h", "--mode=apply",
			"--namespace=$(POD_NAMESPACE)", "--listen=:8080", "--cache-dir=/var/cache/pono", "--grace-period=2m",
			"--auth-dir=/etc/pono/git-auth", "--verify-keyring=/etc/pono/verify/keyring.asc",
			"--webhook-secret-file=/etc/pono/webhook/secret", "--leader-elect=true", "--log-format=json",
		}
		if diff := cmp.Diff(wantArgs, d.Spec.Template.Spec.Containers[0].Args); diff != "" {
			t.Errorf("args (-want +got):\n%s", diff)
		}
		if d.Spec.Template.Annotations[AnnotationSecretsDigest] == "" {
			t.Errorf("pod annotations %v lack %s", d.Spec.Template.Annotations, AnnotationSecretsDigest)
		}
	})

	var webhook []byte
	t.Run("secrets", func(t *testing.T) {
		s, err := cs.CoreV1().Secrets(ns).Get(ctx, "pono-run-git-auth", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Labels[ownership.K8sManagedBy] != ownership.ManagedByValue {
			t.Errorf("labels = %v, want %s=%s", s.Labels, ownership.K8sManagedBy, ownership.ManagedByValue)
		}
		if diff := cmp.Diff(opts.GitAuth, s.Data); diff != "" {
			t.Errorf("git-auth data (-want +got):\n%s", diff)
		}
		w, err := cs.CoreV1().Secrets(ns).Get(ctx, "pono-run-webhook", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		webhook = w.Data[KeyWebhookSecret]
		if b, err := hex.DecodeString(string(webhook)); err != nil || len(b) != 32 {
			t.Errorf("generated webhook secret is not 32 bytes in hex (%d characters)", len(webhook))
		}
	})

	t.Run("re-run writes nothing", func(t *testing.T) {
		var rep *Report
		writes := writesDuring(t, c, func() { rep = run(t, in, opts) })
		if len(writes) != 0 {
			t.Errorf("re-run made %d writes, want none: %+v", len(writes), writes)
		}
		if rep.Changed() {
			t.Errorf("re-run report says changed: %+v", actions(rep))
		}
		if rep.Release.Revision != 1 {
			t.Errorf("revision after re-run = %d, want 1", rep.Release.Revision)
		}
	})

	t.Run("changed values upgrade, webhook secret kept", func(t *testing.T) {
		changed := opts
		changed.Values = map[string]any{
			"git":     map[string]any{"url": "https://git.example.org/platform.git", "ref": "v2", "path": "platforms/prod"},
			"windows": []string{"0 22 * * 1-5 +4h"},
		}
		rep := run(t, in, changed)
		if rep.Release.Action != ActionUpgraded || rep.Release.Revision != 2 || rep.Release.Reason != "values changed" {
			t.Errorf("release = %+v, want upgraded to revision 2 because values changed", rep.Release)
		}
		for _, o := range rep.Objects {
			if o.Action != ActionUnchanged {
				t.Errorf("%s %s %s, want unchanged", o.Kind, o.Name, o.Action)
			}
		}
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if args := strings.Join(d.Spec.Template.Spec.Containers[0].Args, " "); !strings.Contains(args, "--ref=v2") {
			t.Errorf("args after upgrade: %s, want --ref=v2", args)
		}
		w, err := cs.CoreV1().Secrets(ns).Get(ctx, "pono-run-webhook", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.Data[KeyWebhookSecret], webhook) {
			t.Error("the webhook secret changed on a re-run without one given")
		}
		opts = changed
	})

	t.Run("changed credentials update the Secret and roll the pod", func(t *testing.T) {
		before, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		changed := opts
		changed.GitAuth = map[string][]byte{KeyUsername: []byte("robot"), KeyPassword: []byte("rotated")}
		rep := run(t, in, changed)
		if got := actions(rep)["Secret/pono-run-git-auth"]; got != ActionUpdated {
			t.Errorf("git-auth Secret %s, want updated", got)
		}
		if rep.Release.Action != ActionUpgraded {
			t.Errorf("release %s, want upgraded (the secrets digest annotation changed)", rep.Release.Action)
		}
		after, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		key := AnnotationSecretsDigest
		if before.Spec.Template.Annotations[key] == after.Spec.Template.Annotations[key] {
			t.Errorf("pod annotation %s did not change with the credentials", key)
		}
		s, err := cs.CoreV1().Secrets(ns).Get(ctx, "pono-run-git-auth", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(s.Data[KeyPassword]) != "rotated" {
			t.Error("git-auth Secret does not hold the new password")
		}
		opts = changed
	})

	t.Run("given webhook secret replaces the stored one, then is kept", func(t *testing.T) {
		given := opts
		given.WebhookSecret = []byte("from-the-git-host")
		rep := run(t, in, given)
		if got := actions(rep)["Secret/pono-run-webhook"]; got != ActionUpdated {
			t.Errorf("webhook Secret %s, want updated", got)
		}
		rep = run(t, in, opts) // WebhookSecret nil again
		if rep.Changed() {
			t.Errorf("run without a webhook secret after one was given changed: %+v", actions(rep))
		}
		w, err := cs.CoreV1().Secrets(ns).Get(ctx, "pono-run-webhook", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if string(w.Data[KeyWebhookSecret]) != "from-the-git-host" {
			t.Error("the given webhook secret was not kept")
		}
	})

	t.Run("no secret value in the report or logs", func(t *testing.T) {
		var logs bytes.Buffer
		logged := NewInstall(&kube.Config{RESTConfig: c.RESTConfig(), Logger: newTextLogger(&logs)})
		given := opts
		given.WebhookSecret = []byte("another-hook-secret")
		run(t, logged, given)
		for _, secret := range []string{"robot", "rotated", "another-hook-secret", "from-the-git-host"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("log contains the secret value %q", secret)
			}
		}
		if !strings.Contains(logs.String(), "pono-run-webhook") {
			t.Errorf("log does not name the webhook Secret:\n%s", logs.String())
		}
	})
}

func TestInstallUpgradesChangedChart(t *testing.T) {
	c := cluster.Shared(t)
	const ns, name = "bs-chart", "pono-chart"
	opts := Options{Namespace: ns, ReleaseName: name, Values: map[string]any{"git": map[string]any{"url": "https://example.org/p.git"}}}
	if rep := run(t, newInstall(t, c), opts); rep.Release.Action != ActionInstalled {
		t.Fatalf("first run: release %s, want installed", rep.Release.Action)
	}

	// The same chart version with an edited template, as a newer pono
	// binary might embed.
	edited := fstest.MapFS{}
	err := fs.WalkDir(charts.Pono(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(charts.Pono(), p)
		if p == "templates/NOTES.txt" {
			b = append(b, []byte("\nEdited.\n")...)
		}
		edited[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	in := newInstall(t, c)
	if in.Chart, err = helmsdk.LoadFS(edited); err != nil {
		t.Fatal(err)
	}
	rep := run(t, in, opts)
	if rep.Release.Action != ActionUpgraded || rep.Release.Reason != "chart changed" || rep.Release.Revision != 2 {
		t.Errorf("release = %+v, want upgraded to revision 2 because the chart changed", rep.Release)
	}
	if rep := run(t, in, opts); rep.Changed() {
		t.Errorf("re-run with the edited chart changed: %+v", actions(rep))
	}
}

// Bad values are refused before anything is written: no namespace, no
// Secret, no release.
func TestInstallRefusesBadValuesBeforeWriting(t *testing.T) {
	c := cluster.Shared(t)
	tests := []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"no git.url", map[string]any{}, "git/url"},
		{"bad rbac.mode", map[string]any{"git": map[string]any{"url": "u"}, "rbac": map[string]any{"mode": "root"}}, "rbac/mode"},
		{"least-privilege without namespaces", map[string]any{"git": map[string]any{"url": "u"}, "rbac": map[string]any{"mode": "least-privilege"}}, "rbac.mode least-privilege needs rbac.namespaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const ns = "bs-refused"
			var err error
			writes := writesDuring(t, c, func() {
				_, err = newInstall(t, c).Run(context.Background(), Options{Namespace: ns, ReleaseName: "pono-refused", Values: tt.values})
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run error = %v, want it to contain %q", err, tt.want)
			}
			if len(writes) != 0 {
				t.Errorf("refused Run made %d writes: %+v", len(writes), writes)
			}
			if _, err := c.Client().CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("namespace %s: %v, want not found", ns, err)
			}
		})
	}
}
