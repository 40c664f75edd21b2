package workflow

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// dummyPlatform describes Kaapana's dummy-workflow (its workflow.json and
// workflow_definition.py) in pono's format, reading the real
// processing-container.json.
const dummyPlatform = `
buildVersion: "0.6.0"
workflows:
  dummy-workflow:
    labels: {category: testing, environment: development, provider: dkfz-mic}
    containers:
      dummy:
        processing_container: {path: processing-containers/dummy/processing-container.json}
    tasks:
      upstream: {container: dummy, template: upstream}
      downstream:
        container: dummy
        template: downstream
        inputs: {channel1: upstream.channel1, channel2: upstream.channel2}
    parameters:
      - task: upstream
        env: SAMPLE_PARAM
        ui_form: {type: str, title: Sample Parameter, description: An example string parameter, regex_pattern: ".*", default: default_value, required: false}
      - task: downstream
        env: ENABLE_FEATURE
        ui_form: {type: bool, title: Enable Feature, description: Toggle to enable or disable a feature, default: true, required: false, true_label: Enabled, false_label: Disabled}
`

func kaapanaDummy(t *testing.T) (dir string, in Input) {
	dir = filepath.Join(testenv.SharedDir(t, "kaapana-src"), "data-processing", "workflows", "dummy-workflow")
	fsys := fstest.MapFS{"platform.yaml": {Data: []byte(dummyPlatform)}}
	pc, err := os.ReadFile(filepath.Join(dir, "processing-containers", "dummy", "processing-container.json"))
	if err != nil {
		t.Fatal(err)
	}
	fsys["processing-containers/dummy/processing-container.json"] = &fstest.MapFile{Data: pc}
	in = loadInput(t, fsys, "platform.yaml")
	// Describing Kaapana's own workflow: its title is not taken by another
	// release here.
	in.Platform.Reserved = nil
	return dir, in
}

// TestKaapanaDummyWorkflow: the description yields a workflow.json equal in
// content to Kaapana's, and the checks find exactly what is wrong with
// Kaapana's dummy-workflow (reference §5.2): both parameters set env
// variables the templates do not declare, and the bool default reaches
// KaapanaTaskOperator unconverted.
func TestKaapanaDummyWorkflow(t *testing.T) {
	dir, in := kaapanaDummy(t)
	_, diags := Compile(in)
	var got strings.Builder
	for _, d := range diags {
		got.WriteString(d.String() + "\n")
	}
	want := `platform.yaml:17:9: workflow dummy-workflow: parameters[0]: template "upstream" declares no env variable SAMPLE_PARAM (it declares: TIME_SLEEP)
platform.yaml:20:9: workflow dummy-workflow: parameters[1]: template "downstream" declares no env variable ENABLE_FEATURE (it declares: TIME_SLEEP)
platform.yaml:21:106: warning: workflow dummy-workflow: parameters[1]: workflow-api passes a bool form's value to KaapanaTaskOperator as it is, and BaseEnv.value must be a string, so runs started from Kaapana's UI fail (a list or str form avoids it); pono passes the default to the operator as "true"
`
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	w := in.Workflows["dummy-workflow"]
	gen, err := WorkflowJSON("dummy-workflow", &w)
	if err != nil {
		t.Fatal(err)
	}
	kaapana, err := os.ReadFile(filepath.Join(dir, "workflow-chart", "files", "workflow.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decodeJSON(t, kaapana), decodeJSON(t, gen)); diff != "" {
		t.Errorf("workflow.json differs from Kaapana's (-kaapana +pono):\n%s", diff)
	}
}

// TestKaapanaDummyChart renders Kaapana's dummy-workflow chart (with its
// workflow-helpers library) and pono's chart for the same files with the
// helm CLI, and compares the objects: the same ConfigMap (name with the
// same content hash, keys, content) and the same installer Job except for
// the documented differences (name, the content annotation, no
// ttlSecondsAfterFinished).
func TestKaapanaDummyChart(t *testing.T) {
	dir, in := kaapanaDummy(t)
	helm := filepath.Join(cluster.DefaultToolsDir(), "bin", "helm")
	if _, err := os.Stat(helm); err != nil {
		t.Fatalf("the helm CLI is needed to render Kaapana's chart: %v (run make tools)", err)
	}
	chartDir := filepath.Join(dir, "workflow-chart")
	files := map[string][]byte{}
	for _, f := range []string{"workflow.json", "workflow_definition.py"} {
		b, err := os.ReadFile(filepath.Join(chartDir, "files", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = b
	}
	w := in.Workflows["dummy-workflow"]
	w.Chart = ChartOptions{Version: "0.0.0", Description: "Workflow based on the KaapanaTaskOperator and Task API compliant processing-containers", UIVisibleName: "Task API workflows"}
	rw := &resolvedWorkflow{name: "dummy-workflow", w: &w, containers: map[string]*resolvedContainer{"dummy": {name: "dummy", byName: true}}}
	ours, err := chartFiles(rw, files, "0.0.0")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	kaapanaCopy := filepath.Join(tmp, "kaapana")
	copyTree(t, chartDir, kaapanaCopy)
	copyTree(t, filepath.Join(dir, "..", "helpers"), filepath.Join(kaapanaCopy, "charts", "workflow-helpers"))
	ponoDir := filepath.Join(tmp, "pono")
	for name, b := range ours {
		writeFile(t, filepath.Join(ponoDir, name), b)
	}
	k := render(t, helm, kaapanaCopy)
	p := render(t, helm, ponoDir)
	if diff := cmp.Diff(k["ConfigMap"], p["ConfigMap"]); diff != "" {
		t.Errorf("ConfigMap (-kaapana +pono):\n%s", diff)
	}
	kj, pj := k["Job"], p["Job"]
	if got := pj["metadata"].(map[string]any)["name"].(string); !strings.HasPrefix(got, "workflow-installer-dummy-workflow-") || len(got) != len("workflow-installer-dummy-workflow-")+8 {
		t.Errorf("pono's Job is %q, want workflow-installer-dummy-workflow-<8 hex>", got)
	}
	for _, j := range []map[string]any{kj, pj} {
		meta := j["metadata"].(map[string]any)
		delete(meta, "name")
		delete(meta, "annotations")
		delete(j["spec"].(map[string]any), "ttlSecondsAfterFinished")
	}
	if diff := cmp.Diff(kj, pj); diff != "" {
		t.Errorf("Job beyond the documented differences (-kaapana +pono):\n%s", diff)
	}
	var kv, pv any
	readYAML(t, filepath.Join(chartDir, "values.yaml"), &kv)
	if err := yaml.Unmarshal(ours["values.yaml"], &pv); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(kv, pv); diff != "" {
		t.Errorf("values.yaml (-kaapana +pono):\n%s", diff)
	}
}

// render runs helm template and returns the objects by kind.
func render(t *testing.T, helm, chart string) map[string]map[string]any {
	t.Helper()
	cmd := exec.Command(helm, "template", "dummy-workflow", chart,
		"--set", "global.services_namespace=services,global.registry_url=registry.example.org/kaapana,global.kaapana_build_version=0.6.0")
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+t.TempDir(), "HELM_CONFIG_HOME="+t.TempDir(), "HELM_DATA_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helm template %s: %v\n%s", chart, err, out)
	}
	objs := map[string]map[string]any{}
	for _, doc := range bytes.Split(out, []byte("\n---\n")) {
		var o map[string]any
		if err := yaml.Unmarshal(doc, &o); err != nil {
			t.Fatalf("helm output: %v", err)
		}
		if kind, ok := o["kind"].(string); ok {
			objs[kind] = o
		}
	}
	return objs
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		b, err := os.ReadFile(p)
		if err == nil {
			writeFile(t, filepath.Join(to, rel), b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, file string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
