package charts

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// rendered is `helm template` output split by kind.
type rendered struct {
	deployment   *appsv1.Deployment
	service      *corev1.Service
	accounts     []corev1.ServiceAccount
	clusterRoles []rbacv1.ClusterRole
	crBindings   []rbacv1.ClusterRoleBinding
	roles        []rbacv1.Role
	roleBindings []rbacv1.RoleBinding
	kinds        []string
}

func helmTemplate(t *testing.T, set ...string) *rendered {
	t.Helper()
	args := []string{"template", "pono", "pono", "--namespace", "pono-system"}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	out, errOut, err := helm(t, args...)
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, errOut)
	}
	r := &rendered{}
	for _, doc := range strings.Split(out, "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatalf("helm template output: %v\n%s", err, doc)
		}
		if meta.Kind == "" {
			continue
		}
		r.kinds = append(r.kinds, meta.Kind)
		var target any
		switch meta.Kind {
		case "Deployment":
			r.deployment = &appsv1.Deployment{}
			target = r.deployment
		case "Service":
			r.service = &corev1.Service{}
			target = r.service
		case "ServiceAccount":
			r.accounts = append(r.accounts, corev1.ServiceAccount{})
			target = &r.accounts[len(r.accounts)-1]
		case "ClusterRole":
			r.clusterRoles = append(r.clusterRoles, rbacv1.ClusterRole{})
			target = &r.clusterRoles[len(r.clusterRoles)-1]
		case "ClusterRoleBinding":
			r.crBindings = append(r.crBindings, rbacv1.ClusterRoleBinding{})
			target = &r.crBindings[len(r.crBindings)-1]
		case "Role":
			r.roles = append(r.roles, rbacv1.Role{})
			target = &r.roles[len(r.roles)-1]
		case "RoleBinding":
			r.roleBindings = append(r.roleBindings, rbacv1.RoleBinding{})
			target = &r.roleBindings[len(r.roleBindings)-1]
		default:
			t.Fatalf("unexpected kind %s in chart output", meta.Kind)
		}
		if err := yaml.UnmarshalStrict([]byte(doc), target); err != nil {
			t.Fatalf("decode %s: %v\n%s", meta.Kind, err, doc)
		}
	}
	if r.deployment == nil {
		t.Fatal("no Deployment rendered")
	}
	return r
}

func TestTemplateArgs(t *testing.T) {
	base := []string{
		"reconcile", "--repo=" + testURL, "--ref=main", "--path=.",
	}
	common := []string{
		"--namespace=$(POD_NAMESPACE)", "--listen=:8080", "--cache-dir=/var/cache/pono",
	}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name string
		set  []string
		want []string
	}{
		{"defaults", nil, cat(base, []string{"--interval=5m", "--jitter=30s", "--mode=apply"}, common,
			[]string{"--grace-period=2m", "--leader-elect=true", "--log-format=json"})},
		{"schedule, windows and secrets", []string{
			"git.ref=v1.2.0", "git.path=platforms/prod", "git.env=prod", "schedule=*/10 * * * *", "jitter=0s",
			"windows={0 22 * * 1-5 +4h,0 6 * * 6 +2h}", "mode=observe", "gracePeriod=10m",
			"git.credentialsSecret=git-auth", "verify.secret=keys", "verify.allowedSigners=true", "webhook.secret=hook",
			"logFormat=text",
		}, cat([]string{"reconcile", "--repo=" + testURL, "--ref=v1.2.0", "--path=platforms/prod", "--env=prod",
			"--schedule=*/10 * * * *", "--jitter=0s", "--window=0 22 * * 1-5 +4h", "--window=0 6 * * 6 +2h", "--mode=observe"}, common,
			[]string{"--grace-period=10m", "--auth-dir=/etc/pono/git-auth",
				"--verify-keyring=/etc/pono/verify/keyring.asc", "--verify-allowed-signers=/etc/pono/verify/allowed_signers",
				"--webhook-secret-file=/etc/pono/webhook/secret", "--leader-elect=true", "--log-format=text"})},
		{"least-privilege", []string{"rbac.mode=least-privilege", "rbac.namespaces={kaapana,services}", "verify.secret=keys", "verify.keyring=false", "verify.allowedSigners=true"},
			cat(base, []string{"--interval=5m", "--jitter=30s", "--mode=apply"}, common,
				[]string{"--grace-period=2m", "--verify-allowed-signers=/etc/pono/verify/allowed_signers",
					"--leader-elect=true", "--log-format=json", "--restrict-namespaces=kaapana,services"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := helmTemplate(t, append([]string{"git.url=" + testURL}, tt.set...)...)
			c := r.deployment.Spec.Template.Spec.Containers[0]
			if diff := cmp.Diff(tt.want, c.Args); diff != "" {
				t.Errorf("container args (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTemplateDeployment(t *testing.T) {
	r := helmTemplate(t, "git.url="+testURL, "git.credentialsSecret=git-auth", "webhook.secret=hook")
	d := r.deployment
	spec := d.Spec.Template.Spec
	c := spec.Containers[0]

	if got, want := c.Image, "ghcr.io/pono-gitops/pono:0.1.0"; got != want {
		t.Errorf("image = %s, want %s (tag defaults to appVersion)", got, want)
	}
	if got := d.Spec.Strategy.Type; got != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("strategy with one replica = %s, want Recreate", got)
	}
	if got := *spec.TerminationGracePeriodSeconds; got != 150 {
		t.Errorf("terminationGracePeriodSeconds = %d, want 150 (gracePeriod 2m + 30s)", got)
	}
	if env := c.Env[0]; env.Name != "POD_NAMESPACE" || env.ValueFrom == nil || env.ValueFrom.FieldRef.FieldPath != "metadata.namespace" {
		t.Errorf("first env = %+v, want POD_NAMESPACE from metadata.namespace", env)
	}
	if p := c.LivenessProbe.HTTPGet; p.Path != "/healthz" || p.Port.StrVal != "http" {
		t.Errorf("liveness probe = %s on %s, want /healthz on http", p.Path, p.Port.String())
	}
	if p := c.ReadinessProbe.HTTPGet; p.Path != "/readyz" || p.Port.StrVal != "http" {
		t.Errorf("readiness probe = %s on %s, want /readyz on http", p.Path, p.Port.String())
	}
	if diff := cmp.Diff([]corev1.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP}}, c.Ports); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}

	sc := c.SecurityContext
	if !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation || !*sc.RunAsNonRoot || *sc.RunAsUser != 65532 ||
		len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("container securityContext is not locked down: %+v", sc)
	}
	if psc := spec.SecurityContext; !*psc.RunAsNonRoot || *psc.RunAsUser != 65532 || *psc.FSGroup != 65532 {
		t.Errorf("pod securityContext = %+v, want nonroot 65532 with fsGroup", psc)
	}

	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	wantMounts := map[string]string{"cache": "/var/cache/pono", "tmp": "/tmp", "git-auth": "/etc/pono/git-auth", "webhook": "/etc/pono/webhook"}
	if diff := cmp.Diff(wantMounts, mounts); diff != "" {
		t.Errorf("volume mounts (-want +got):\n%s", diff)
	}
	volumes := map[string]string{}
	for _, v := range spec.Volumes {
		switch {
		case v.EmptyDir != nil:
			volumes[v.Name] = "emptyDir"
		case v.Secret != nil:
			volumes[v.Name] = "secret/" + v.Secret.SecretName
		}
	}
	wantVolumes := map[string]string{"cache": "emptyDir", "tmp": "emptyDir", "git-auth": "secret/git-auth", "webhook": "secret/hook"}
	if diff := cmp.Diff(wantVolumes, volumes); diff != "" {
		t.Errorf("volumes (-want +got):\n%s", diff)
	}

	s := r.service
	if len(s.Spec.Ports) != 1 || s.Spec.Ports[0].Name != "http-metrics" || s.Spec.Ports[0].Port != 8080 {
		t.Errorf("service ports = %+v, want http-metrics 8080", s.Spec.Ports)
	}
	if s.Annotations["prometheus.io/scrape"] != "true" || s.Annotations["prometheus.io/path"] != "/metrics" {
		t.Errorf("service annotations = %v, want prometheus.io scrape annotations", s.Annotations)
	}
}

func TestTemplateOptions(t *testing.T) {
	t.Run("several replicas roll one at a time", func(t *testing.T) {
		d := helmTemplate(t, "git.url="+testURL, "replicaCount=3").deployment
		st := d.Spec.Strategy
		if st.Type != appsv1.RollingUpdateDeploymentStrategyType || st.RollingUpdate.MaxSurge.IntValue() != 0 || st.RollingUpdate.MaxUnavailable.IntValue() != 1 {
			t.Errorf("strategy = %+v, want RollingUpdate maxSurge 0 maxUnavailable 1", st)
		}
	})
	t.Run("grace period in hours", func(t *testing.T) {
		d := helmTemplate(t, "git.url="+testURL, "gracePeriod=1h30m15s").deployment
		if got := *d.Spec.Template.Spec.TerminationGracePeriodSeconds; got != 5445 {
			t.Errorf("terminationGracePeriodSeconds = %d, want 5445", got)
		}
	})
	t.Run("image tag and pod metadata", func(t *testing.T) {
		d := helmTemplate(t, "git.url="+testURL, "image.tag=1.0.0-rc.1", "podLabels.team=ops", "podAnnotations.a=b",
			"nodeSelector.pool=infra", "imagePullSecrets[0].name=reg").deployment
		spec := d.Spec.Template.Spec
		if got := spec.Containers[0].Image; got != "ghcr.io/pono-gitops/pono:1.0.0-rc.1" {
			t.Errorf("image = %s", got)
		}
		if d.Spec.Template.Labels["team"] != "ops" || d.Spec.Template.Annotations["a"] != "b" {
			t.Errorf("pod metadata = %v %v, want podLabels and podAnnotations", d.Spec.Template.Labels, d.Spec.Template.Annotations)
		}
		if spec.NodeSelector["pool"] != "infra" || len(spec.ImagePullSecrets) != 1 || spec.ImagePullSecrets[0].Name != "reg" {
			t.Errorf("nodeSelector %v, imagePullSecrets %v", spec.NodeSelector, spec.ImagePullSecrets)
		}
	})
	t.Run("no prometheus annotations", func(t *testing.T) {
		s := helmTemplate(t, "git.url="+testURL, "service.prometheusAnnotations=false").service
		if len(s.Annotations) != 0 {
			t.Errorf("service annotations = %v, want none", s.Annotations)
		}
	})
	t.Run("existing service account, no RBAC", func(t *testing.T) {
		r := helmTemplate(t, "git.url="+testURL, "serviceAccount.create=false", "serviceAccount.name=ops", "rbac.create=false")
		if diff := cmp.Diff([]string{"Service", "Deployment"}, r.kinds); diff != "" {
			t.Errorf("kinds (-want +got):\n%s", diff)
		}
		if got := r.deployment.Spec.Template.Spec.ServiceAccountName; got != "ops" {
			t.Errorf("serviceAccountName = %s, want ops", got)
		}
	})
}

func TestTemplateRBAC(t *testing.T) {
	t.Run("cluster-admin", func(t *testing.T) {
		r := helmTemplate(t, "git.url="+testURL)
		if len(r.clusterRoles) != 0 || len(r.roles) != 0 || len(r.roleBindings) != 0 || len(r.crBindings) != 1 {
			t.Fatalf("kinds = %v, want one ClusterRoleBinding and no roles", r.kinds)
		}
		b := r.crBindings[0]
		want := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"}
		if diff := cmp.Diff(want, b.RoleRef); diff != "" {
			t.Errorf("roleRef (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]rbacv1.Subject{{Kind: "ServiceAccount", Name: "pono", Namespace: "pono-system"}}, b.Subjects); diff != "" {
			t.Errorf("subjects (-want +got):\n%s", diff)
		}
	})
	t.Run("least-privilege", func(t *testing.T) {
		r := helmTemplate(t, "git.url="+testURL, "rbac.mode=least-privilege", "rbac.namespaces={kaapana,services}",
			"rbac.extraClusterRules[0].apiGroups={storage.k8s.io}", "rbac.extraClusterRules[0].resources={storageclasses}", "rbac.extraClusterRules[0].verbs={get,create}")
		byName := map[string]rbacv1.ClusterRole{}
		for _, cr := range r.clusterRoles {
			byName[cr.Name] = cr
		}
		wantRules := []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "list", "watch", "create"}},
			{APIGroups: []string{"apiextensions.k8s.io"}, Resources: []string{"customresourcedefinitions"}, Verbs: []string{"get", "list", "watch"}},
			{APIGroups: []string{"storage.k8s.io"}, Resources: []string{"storageclasses"}, Verbs: []string{"get", "create"}},
		}
		if diff := cmp.Diff(wantRules, byName["pono"].Rules); diff != "" {
			t.Errorf("cluster rules (-want +got):\n%s", diff)
		}
		if _, ok := byName["pono-namespace-admin"]; !ok {
			t.Errorf("no ClusterRole pono-namespace-admin among %v", r.clusterRoles)
		}
		bindings := map[string]string{}
		for _, b := range r.roleBindings {
			bindings[b.Namespace+"/"+b.Name] = b.RoleRef.Kind + "/" + b.RoleRef.Name
		}
		wantBindings := map[string]string{
			"pono-system/pono":              "Role/pono",
			"kaapana/pono-namespace-admin":  "ClusterRole/pono-namespace-admin",
			"services/pono-namespace-admin": "ClusterRole/pono-namespace-admin",
		}
		if diff := cmp.Diff(wantBindings, bindings); diff != "" {
			t.Errorf("role bindings (-want +got):\n%s", diff)
		}
		for _, b := range r.crBindings {
			if b.RoleRef.Name == "cluster-admin" {
				t.Errorf("least-privilege binds cluster-admin: %+v", b)
			}
		}
	})
}
