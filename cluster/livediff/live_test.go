package livediff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/livediff"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }

const liveSecret = "live-s3cr3t-value"

func writeLivePlatform(t *testing.T, dir, greeting string) {
	t.Helper()
	files := map[string]string{
		"platform.yaml": `name: live
sources: {local: {path: charts}}
extensions:
  web:
    version: "1.0.0"
    sensitive: [password]
    parameters: {greeting: ` + greeting + `, password: ` + liveSecret + `}
  tool:
    version: "1.0.0"
`,
		"charts/web/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"charts/web/values.yaml": "global: {}\nextension_params:\n  greeting: {type: string}\n  password: {type: string}\n",
		"charts/web/templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: services}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: example/web:1
        env: [{name: GREETING, value: {{ .Values.global.greeting | quote }}}]
`,
		"charts/web/templates/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: web, namespace: services}\nstringData:\n  password: {{ .Values.global.password | quote }}\n",
		"charts/tool/Chart.yaml":           "apiVersion: v2\nname: tool\nversion: 1.0.0\nkeywords: [kaapanaapplication]\n",
		"charts/tool/templates/cm.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tool, namespace: services}\ndata: {a: b}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func liveReport(t *testing.T, ctx context.Context, c *cluster.Cluster, dir string) *diff.Report {
	t.Helper()
	rep, err := livediff.NewLiveDiff(&compiler.Config{}, c.RESTConfig()).Run(ctx, dir)
	if err != nil {
		t.Fatalf("live diff: %v", err)
	}
	for _, format := range []string{"text", "markdown", "json"} {
		var b bytes.Buffer
		switch format {
		case "text":
			err = diff.WriteText(&b, rep, diff.TextOptions{})
		case "markdown":
			err = diff.WriteMarkdown(&b, rep, diff.MarkdownOptions{})
		default:
			err = diff.WriteJSON(&b, rep)
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), liveSecret) {
			t.Errorf("%s output contains the sensitive value", format)
		}
	}
	return rep
}

func find(rep *diff.Report, name string) *diff.ReleaseChange {
	for i := range rep.Releases {
		if rep.Releases[i].Name == name {
			return &rep.Releases[i]
		}
	}
	return nil
}

func TestLiveDiff(t *testing.T) {
	c := cluster.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	writeLivePlatform(t, dir, "hello")
	res, err := compiler.NewCompile(&compiler.Config{}).Run(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a := apply.NewApply(&kube.Config{RESTConfig: c.RESTConfig()})
	a.Timeout = time.Minute
	if _, err := a.Run(ctx, res); err != nil {
		t.Fatalf("apply: %v", err)
	}

	// Freshly applied: nothing differs.
	rep := liveReport(t, ctx, c, dir)
	if rep.HasChanges() {
		t.Fatalf("after apply, live diff reports changes: %+v", rep.Releases)
	}

	// Out-of-band edits: replicas and a Secret value.
	cs := c.Client()
	if _, err := cs.AppsV1().Deployments("services").Patch(ctx, "web", types.MergePatchType, []byte(`{"spec":{"replicas":3}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Secrets("services").Patch(ctx, "web", types.MergePatchType, []byte(`{"stringData":{"password":"changed-by-hand"}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	rep = liveReport(t, ctx, c, dir)
	web := find(rep, "web")
	if web == nil || web.Change != diff.ChangeDrifted || web.Layer != livediff.LayerCluster {
		t.Fatalf("web = %+v, want drifted in the cluster layer", web)
	}
	var fields, secretKeys []string
	for _, o := range web.Objects {
		fields = append(fields, o.ID+" "+o.Field)
		secretKeys = append(secretKeys, o.SecretKeys...)
	}
	joined := strings.Join(fields, "\n")
	if !strings.Contains(joined, "Deployment/services/web fields changed in the cluster: spec.replicas") {
		t.Errorf("drift fields:\n%s\nwant Deployment spec.replicas", joined)
	}
	if strings.Join(secretKeys, ",") != "data.password" {
		t.Errorf("secret keys = %v, want [data.password]", secretKeys)
	}
	var b bytes.Buffer
	_ = diff.WriteText(&b, rep, diff.TextOptions{})
	if strings.Contains(b.String(), "changed-by-hand") {
		t.Error("text output shows the hand-edited secret value")
	}

	// A release deleted behind pono's back is reported missing.
	hc, err := helmsdk.NewClient(c.RESTConfig(), helmsdk.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := hc.Uninstall(ctx, "admin", "tool", time.Minute, false); err != nil {
		t.Fatal(err)
	}
	// A change in git is reported in the git layer.
	writeLivePlatform(t, dir, "bonjour")
	rep = liveReport(t, ctx, c, dir)
	tool := find(rep, "tool")
	if tool == nil || tool.Change != diff.ChangeAdded || tool.Layer != livediff.LayerRelease {
		t.Errorf("tool = %+v, want added (missing release)", tool)
	}
	web = find(rep, "web")
	if web == nil || web.Change != diff.ChangeReconfigured || web.Layer != livediff.LayerGit {
		t.Errorf("web = %+v, want reconfigured in the git layer", web)
	}
}
