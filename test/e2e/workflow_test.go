package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/test/cluster"
)

// TestWorkflowLifecycle applies a platform with a workflow: its release,
// ConfigMap and installer Job exist; an unchanged re-apply writes nothing;
// a changed task env upgrades the release, with a new ConfigMap and a new
// installer Job (so the workflow is registered again, once).
func TestWorkflowLifecycle(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	dir := t.TempDir()
	example := filepath.Join(repoRoot(t), "examples", "kaapana-like")
	copyDir(t, filepath.Join(example, "processing-containers"), filepath.Join(dir, "processing-containers"))
	src, err := os.ReadFile(filepath.Join(example, "organ-report.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "workflow.yaml"), strings.Replace(string(src), "  organ-report:\n", "  wf-report:\n", 1))
	writeFile(t, filepath.Join(dir, "platform.yaml"), `name: wf-e2e
registry:
  url: registry.example.org/kaapana
namespaces: {admin: wf-admin, services: wf-services, extensions: wf-extensions}
globals:
  kaapana_build_version: "0.6.0"
`)

	// 1. Install: the release, its ConfigMap and its installer Job.
	rep, _, _ := mustApply(t, c, dir)
	if got := outcomes(rep); len(got) != 1 || got["wf-report"] != "install ok" {
		t.Fatalf("first apply: %v; want wf-report install ok", got)
	}
	rel, ok := releases(t, c, "wf-admin")["wf-report"]
	if !ok || rel.Status != "deployed" || rel.Revision != 1 {
		t.Fatalf("release wf-report: %+v; want deployed revision 1", rel)
	}
	cm1, job1 := workflowObjects(t, c, "wf-services", "wf-report")
	if !strings.Contains(cm1.Data["workflow_definition.py"], `pc_models.BaseEnv(name="PARALLEL_DOWNLOADS", value="4")`) {
		t.Errorf("ConfigMap %s: the DAG does not pass PARALLEL_DOWNLOADS=4:\n%s", cm1.Name, cm1.Data["workflow_definition.py"])
	}
	st, err := status.NewStatus(&kube.Config{RESTConfig: c.RESTConfig()}).Run(ctx, compile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Releases) != 1 || st.Releases[0].Kind != "workflow-v2" || len(st.Releases[0].Tasks) != 4 || !st.Releases[0].UpToDate {
		t.Errorf("status: %+v; want wf-report of kind workflow-v2 with 4 tasks, up to date", st.Releases)
	}

	// 2. The same platform again writes nothing.
	rep, wc, _ := mustApply(t, c, dir)
	if got := outcomes(rep); got["wf-report"] != "skip unchanged" {
		t.Errorf("second apply: %v; want wf-report skip unchanged", got)
	}
	if w := wc.Writes(); len(w) != 0 {
		t.Errorf("second apply wrote to the API server %d times: %v", len(w), w)
	}

	// 3. A changed task env upgrades the release: new content, new Job.
	editFile(t, filepath.Join(dir, "workflow.yaml"), "PARALLEL_DOWNLOADS: 4", "PARALLEL_DOWNLOADS: 8")
	rep, _, _ = mustApply(t, c, dir)
	if r := result(t, rep, "wf-report"); r.Outcome != apply.OutcomeChanged {
		t.Errorf("apply after an env change: %+v; want changed", r)
	}
	if r := releases(t, c, "wf-admin")["wf-report"]; r.Revision != 2 || r.Status != "deployed" {
		t.Errorf("release wf-report after the env change: revision %d status %s, want deployed revision 2", r.Revision, r.Status)
	}
	cm2, job2 := workflowObjects(t, c, "wf-services", "wf-report")
	if cm2.Name == cm1.Name || job2 == job1 {
		t.Errorf("after the env change: ConfigMap %s, Job %s; want both renamed from %s, %s", cm2.Name, job2, cm1.Name, job1)
	}
	if !strings.Contains(cm2.Data["workflow_definition.py"], `pc_models.BaseEnv(name="PARALLEL_DOWNLOADS", value="8")`) {
		t.Errorf("ConfigMap %s: the DAG does not pass PARALLEL_DOWNLOADS=8", cm2.Name)
	}
}

// workflowObjects returns the workflow's only ConfigMap and the name of
// its only installer Job (Helm removed the previous revision's).
func workflowObjects(t *testing.T, c *cluster.Cluster, ns, name string) (cm struct {
	Name string
	Data map[string]string
}, job string) {
	t.Helper()
	ctx := context.Background()
	cms, err := c.Client().CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name})
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := c.Client().BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=" + name + ",component=workflow-installer"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cms.Items) != 1 || len(jobs.Items) != 1 {
		t.Fatalf("%d ConfigMaps and %d installer Jobs labelled app=%s in %s; want one each", len(cms.Items), len(jobs.Items), name, ns)
	}
	cm.Name, cm.Data = cms.Items[0].Name, cms.Items[0].Data
	if !strings.HasPrefix(cm.Name, name+"-configmap-") || !strings.HasPrefix(jobs.Items[0].Name, "workflow-installer-"+name+"-") {
		t.Errorf("ConfigMap %s, Job %s; want %s-configmap-<hash> and workflow-installer-%s-<hash>", cm.Name, jobs.Items[0].Name, name, name)
	}
	return cm, jobs.Items[0].Name
}
