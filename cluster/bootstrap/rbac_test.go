package bootstrap

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/test/cluster"
)

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// access is one question to the API server's authorizer.
type access struct {
	verb, group, resource, namespace, name string
	allowed                                bool
}

func (a access) String() string {
	return fmt.Sprintf("%s %s.%s %s/%s", a.verb, a.resource, a.group, a.namespace, a.name)
}

// checkAccess asks the API server, with its real RBAC authorizer, whether
// the ServiceAccount may do each thing (a SubjectAccessReview, what
// `kubectl auth can-i --as` does).
func checkAccess(t *testing.T, c *cluster.Cluster, saNamespace, sa string, checks []access) {
	t.Helper()
	user := "system:serviceaccount:" + saNamespace + ":" + sa
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + saNamespace, "system:authenticated"}
	for _, a := range checks {
		review := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
			User: user, Groups: groups,
			ResourceAttributes: &authzv1.ResourceAttributes{Verb: a.verb, Group: a.group, Resource: a.resource, Namespace: a.namespace, Name: a.name},
		}}
		got, err := c.Client().AuthorizationV1().SubjectAccessReviews().Create(context.Background(), review, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if got.Status.Allowed != a.allowed {
			t.Errorf("%s may %s: allowed = %v, want %v (%s)", sa, a, got.Status.Allowed, a.allowed, got.Status.Reason)
		}
	}
}

func TestRBACClusterAdmin(t *testing.T) {
	c := cluster.Shared(t)
	const ns, name = "bs-rbac-ca", "pono-ca"
	run(t, newInstall(t, c), Options{Namespace: ns, ReleaseName: name, Values: map[string]any{
		"git": map[string]any{"url": "https://example.org/p.git"},
	}})
	checkAccess(t, c, ns, name, []access{
		{"create", "apps", "deployments", "anywhere", "", true},
		{"create", "rbac.authorization.k8s.io", "clusterroles", "", "", true},
		{"create", "apiextensions.k8s.io", "customresourcedefinitions", "", "", true},
		{"delete", "", "namespaces", "", "kaapana", true},
		{"update", "", "configmaps", ns, "pono-status", true},
	})
}

func TestRBACLeastPrivilege(t *testing.T) {
	c := cluster.Shared(t)
	const ns, name = "bs-rbac-lp", "pono-lp"
	rep := run(t, newInstall(t, c), Options{Namespace: ns, ReleaseName: name, Values: map[string]any{
		"git":  map[string]any{"url": "https://example.org/p.git"},
		"rbac": map[string]any{"mode": "least-privilege", "namespaces": []string{"lp-kaapana", "lp-services"}},
	}})
	// The managed namespaces must exist for the chart's RoleBindings.
	for _, want := range []string{"Namespace/lp-kaapana", "Namespace/lp-services"} {
		if actions(rep)[want] != ActionCreated {
			t.Errorf("%s: %s, want created", want, actions(rep)[want])
		}
	}
	checkAccess(t, c, ns, name, []access{
		// Everything inside a listed namespace.
		{"create", "apps", "deployments", "lp-kaapana", "", true},
		{"delete", "apps", "deployments", "lp-services", "x", true},
		{"create", "", "secrets", "lp-kaapana", "", true}, // Helm's release storage
		{"create", "rbac.authorization.k8s.io", "rolebindings", "lp-kaapana", "", true},
		// Nothing in an unlisted one.
		{"create", "apps", "deployments", "lp-other", "", false},
		{"get", "", "secrets", "lp-other", "x", false},
		{"create", "apps", "deployments", ns, "", false},
		// Its own namespace: status, events, leader lease, credentials.
		{"update", "", "configmaps", ns, "pono-status", true},
		{"create", "", "configmaps", ns, "", true},
		{"create", "", "events", ns, "", true},
		{"create", "events.k8s.io", "events", ns, "", true},
		{"create", "coordination.k8s.io", "leases", ns, "", true},
		{"update", "coordination.k8s.io", "leases", ns, "pono-leader", true},
		{"get", "", "secrets", ns, name + "-git-auth", true},
		{"create", "", "secrets", ns, "", false},
		// Cluster-wide: create namespaces and read CRDs, nothing else.
		{"create", "", "namespaces", "", "", true},
		{"delete", "", "namespaces", "", "lp-kaapana", false},
		{"list", "apiextensions.k8s.io", "customresourcedefinitions", "", "", true},
		{"create", "apiextensions.k8s.io", "customresourcedefinitions", "", "", false},
		{"create", "rbac.authorization.k8s.io", "clusterroles", "", "", false},
		{"create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", false},
		{"list", "", "secrets", "", "", false},
	})
}
