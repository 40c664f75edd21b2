package bootstrap

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/test/cluster"
)

// least-privilege with rbac.valuesFrom: pono may get exactly the named
// Secrets and ConfigMaps in a namespace it does not manage, and nothing
// else there (no other name, no list, no watch, no write).
func TestRBACLeastPrivilegeValuesFrom(t *testing.T) {
	c := cluster.Shared(t)
	const ns, name, site = "bs-rbac-vf", "pono-vf", "vf-site"
	_, err := c.Client().CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: site}}, metav1.CreateOptions{})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	run(t, newInstall(t, c), Options{Namespace: ns, ReleaseName: name, Values: map[string]any{
		"git": map[string]any{"url": "https://example.org/p.git"},
		"rbac": map[string]any{"mode": "least-privilege", "namespaces": []string{"vf-kaapana"},
			"valuesFrom": []any{map[string]any{"namespace": site, "secrets": []string{"registry-credentials"}, "configMaps": []string{"settings"}}}},
	}})
	checkAccess(t, c, ns, name, []access{
		{"get", "", "secrets", site, "registry-credentials", true},
		{"get", "", "configmaps", site, "settings", true},
		{"get", "", "secrets", site, "other", false},
		{"get", "", "configmaps", site, "other", false},
		{"list", "", "secrets", site, "", false},
		{"watch", "", "secrets", site, "registry-credentials", false},
		{"update", "", "secrets", site, "registry-credentials", false},
		{"create", "apps", "deployments", site, "", false},
	})
}
