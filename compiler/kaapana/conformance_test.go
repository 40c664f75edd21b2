package kaapana

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/test/testenv"
)

// readFixture reads a real file from the Kaapana repository in
// ../shared/kaapana; nil when Kaapana ships no such file.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.SharedDir(t, "kaapana"), name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConformance reads every Chart.yaml/values.yaml pair Kaapana ships in
// shared/kaapana and checks kind, flags and declared parameters.
func TestConformance(t *testing.T) {
	kaapanaDir := testenv.SharedDir(t, "kaapana")
	type want struct {
		kind                          string
		experimental, multi, internal bool
		params                        map[string]string // name -> type
	}
	tests := map[string]want{
		"collabora-chart":        {kind: KindApplication},
		"custom-registry-chart":  {kind: KindApplication, experimental: true, multi: true, params: map[string]string{"custom_registry_name": "string", "custom_registry_url": "string", "credentials_custom_registry_username": "string", "credentials_custom_registry_password": "string", "test_pull_image": "string"}},
		"dummy-workflow":         {kind: KindWorkflowV2},
		"jupyterlab-chart":       {kind: KindApplication, multi: true, internal: true, params: map[string]string{"display_name": "string", "minio_prefix": "string", "exclude_patterns": "string"}},
		"kaapana-admin-chart":    {kind: KindPlatform},
		"kaapana-collection":     {kind: KindCollection},
		"kaapana-platform-chart": {kind: KindOther, params: map[string]string{"hostname": "string", "include_reverse_proxy": "bool", "instance_name": "string", "instance_uid": "string", "kaapana_build_version": "string", "offline_mode": "string", "prefetch_extensions": "string", "registry_url": "string", "release_name": "string", "admin_namespace": "string", "base_namespace": "string", "extensions_namespace": "string", "helm_namespace": "string", "services_namespace": "string", "dicom_port": "string", "http_port": "string", "http_proxy": "string", "https_port": "string", "https_proxy": "string", "fast_data_dir": "string", "home_dir": "string", "slow_data_dir": "string", "gpu_support": "bool", "pull_policy_jobs": "string", "pull_policy_images": "string", "pull_policy_pods": "string"}},
		"kaapana-workflows-core": {kind: KindWorkflowV2},
		"mitk-workbench-chart":   {kind: KindApplication, multi: true, params: map[string]string{"service_type": "list_single", "gpu_container": "boolean", "display_name": "string"}},
		"radiomics-workflow":     {kind: KindWorkflow},
	}
	charts, _ := filepath.Glob(filepath.Join(kaapanaDir, "*__Chart.yaml"))
	if len(charts) != len(tests) {
		t.Errorf("shared/kaapana has %d charts, the table covers %d: extend the table", len(charts), len(tests))
	}
	for name, w := range tests {
		t.Run(name, func(t *testing.T) {
			chart := readFixture(t, name+"__Chart.yaml")
			if chart == nil {
				t.Fatalf("%s__Chart.yaml not found", name)
			}
			m, err := Read(chart, readFixture(t, name+"__values.yaml"), readFixture(t, name+"__requirements.yaml"))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			got := want{kind: m.Kind, experimental: m.Experimental, multi: m.MultiInstallable, internal: m.Internal}
			for _, p := range m.Params {
				if got.params == nil {
					got.params = map[string]string{}
				}
				got.params[p.Name] = p.Type
			}
			if diff := cmp.Diff(w, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("meta mismatch (-want +got):\n%s", diff)
			}
			if m.Name != name && !(name == "kaapana-collection" && m.Name == "kaapana-extension-collection") {
				t.Errorf("name = %q, want %q", m.Name, name)
			}
		})
	}
}

// TestListOptions checks list parameters keep their options in order.
func TestListOptions(t *testing.T) {
	m, err := Read(readFixture(t, "mitk-workbench-chart__Chart.yaml"), readFixture(t, "mitk-workbench-chart__values.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params {
		if p.Name == "service_type" {
			if diff := cmp.Diff([]string{"ClusterIP", "NodePort"}, p.Options); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
			return
		}
	}
	t.Fatal("service_type not found")
}

// TestTotalSegmentatorListMulti reads a list_multi declaration from a real
// values.yaml that has no Chart.yaml beside it.
func TestTotalSegmentatorListMulti(t *testing.T) {
	m, err := Read([]byte("name: x\nversion: 0.0.0\n"), readFixture(t, "total-segmentator-v2-workflow__values.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Params) != 1 || m.Params[0].Type != TypeListMulti || len(m.Params[0].Options) == 0 {
		t.Fatalf("params = %+v, want one list_multi with options", m.Params)
	}
}
