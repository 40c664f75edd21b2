package kube

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/rest"
)

func TestConfigFromKubeconfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	kc := `apiVersion: v1
kind: Config
current-context: a
contexts:
- name: a
  context: {cluster: a, user: a}
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:6443"}
users:
- name: a
  user: {token: t}
`
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Kubeconfig{Path: path}.Config(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RESTConfig == nil || cfg.RESTConfig.Host != "https://127.0.0.1:6443" {
		t.Fatalf("RESTConfig = %+v, want host https://127.0.0.1:6443", cfg.RESTConfig)
	}
	if _, err := (Kubeconfig{Path: filepath.Join(t.TempDir(), "missing")}).Config(nil); err == nil {
		t.Error("Config of a missing kubeconfig: no error")
	}
}

func TestClientset(t *testing.T) {
	if _, err := (&Config{}).Clientset(); err == nil || err.Error() != "kube: no cluster configured" {
		t.Errorf("Clientset without a RESTConfig: err = %v", err)
	}
	cs, err := (&Config{RESTConfig: &rest.Config{Host: "https://127.0.0.1:6443"}}).Clientset()
	if err != nil || cs == nil {
		t.Fatalf("Clientset = %v, %v", cs, err)
	}
}
