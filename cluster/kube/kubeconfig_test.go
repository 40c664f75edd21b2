package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const twoContexts = `apiVersion: v1
kind: Config
current-context: first
clusters:
- name: a
  cluster: {server: "https://a.example:6443"}
- name: b
  cluster: {server: "https://b.example:6443"}
users:
- name: u
  user: {token: t}
contexts:
- name: first
  context: {cluster: a, user: u}
- name: second
  context: {cluster: b, user: u, namespace: team}
`

func writeKubeconfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(twoContexts), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every command, task runs included, talks to the cluster with the same
// client tuning, whichever context it picks.
func TestLoadTunesTheClient(t *testing.T) {
	path := writeKubeconfig(t)
	for _, tc := range []struct {
		context, wantContext, wantHost, wantNS string
	}{
		{"", "first", "https://a.example:6443", "default"},
		{"second", "second", "https://b.example:6443", "team"},
	} {
		l, err := Kubeconfig{Path: path, Context: tc.context}.Load()
		if err != nil {
			t.Fatalf("context %q: %v", tc.context, err)
		}
		if l.Context != tc.wantContext || l.REST.Host != tc.wantHost || l.Namespace != tc.wantNS {
			t.Errorf("context %q: got context %q host %q namespace %q, want %q %q %q", tc.context, l.Context, l.REST.Host, l.Namespace, tc.wantContext, tc.wantHost, tc.wantNS)
		}
		if l.REST.QPS != 100 || l.REST.Burst != 200 {
			t.Errorf("context %q: QPS %v burst %d, want 100 and 200", tc.context, l.REST.QPS, l.REST.Burst)
		}
	}
}

func TestLoadUnknownContext(t *testing.T) {
	_, err := Kubeconfig{Path: writeKubeconfig(t), Context: "third"}.RESTConfig()
	if err == nil || !strings.HasPrefix(err.Error(), "kubeconfig: ") || !strings.Contains(err.Error(), `"third"`) {
		t.Fatalf("got %v, want a kubeconfig error naming the context", err)
	}
}
