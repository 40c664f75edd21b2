package charts

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
)

// rbac.valuesFrom renders one Role per namespace granting get on exactly
// the named Secrets and ConfigMaps.
func TestTemplateRBACValuesFrom(t *testing.T) {
	r := helmTemplate(t, "git.url="+testURL, "rbac.mode=least-privilege", "rbac.namespaces={kaapana}",
		"rbac.valuesFrom[0].namespace=admin", "rbac.valuesFrom[0].secrets={registry-credentials,minio}", "rbac.valuesFrom[0].configMaps={site}")
	var role *rbacv1.Role
	for i := range r.roles {
		if r.roles[i].Namespace == "admin" {
			role = &r.roles[i]
		}
	}
	if role == nil {
		t.Fatalf("no Role in namespace admin among %v", r.roles)
	}
	want := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"registry-credentials", "minio"}, Verbs: []string{"get"}},
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"site"}, Verbs: []string{"get"}},
	}
	if diff := cmp.Diff(want, role.Rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	bound := false
	for _, b := range r.roleBindings {
		if b.Namespace == "admin" && b.RoleRef.Kind == "Role" && b.RoleRef.Name == role.Name {
			bound = len(b.Subjects) == 1 && b.Subjects[0].Name == "pono" && b.Subjects[0].Namespace == "pono-system"
		}
	}
	if !bound {
		t.Errorf("Role %s is not bound to pono's ServiceAccount: %v", role.Name, r.roleBindings)
	}
}

func TestTemplateRBACValuesFromRefused(t *testing.T) {
	cases := map[string][]string{
		"rbac.valuesFrom: namespace admin is listed twice: put its secrets and configMaps in one entry": {
			"rbac.valuesFrom[0].namespace=admin", "rbac.valuesFrom[0].secrets={a}", "rbac.valuesFrom[1].namespace=admin", "rbac.valuesFrom[1].secrets={b}"},
		"rbac.valuesFrom: namespace admin lists no secrets or configMaps": {"rbac.valuesFrom[0].namespace=admin"},
	}
	for want, set := range cases {
		args := append([]string{"template", "pono", "pono", "--set", "git.url=" + testURL, "--set", "rbac.mode=least-privilege", "--set", "rbac.namespaces={kaapana}"}, flagsFor(set)...)
		_, errOut, err := helm(t, args...)
		if err == nil || !strings.Contains(errOut, want) {
			t.Errorf("%v: err %v, stderr %q; want it to say %q", set, err, errOut, want)
		}
	}
}

func flagsFor(set []string) []string {
	var out []string
	for _, s := range set {
		out = append(out, "--set", s)
	}
	return out
}
