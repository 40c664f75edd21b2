package charts

import "testing"

// sops.ageKeySecret mounts the age key Secret read-only and points
// SOPS_AGE_KEY_FILE at it; without it there is neither.
func TestTemplateSOPSAgeKey(t *testing.T) {
	r := helmTemplate(t, "git.url="+testURL, "sops.ageKeySecret=pono-age-key")
	spec := r.deployment.Spec.Template.Spec
	c := spec.Containers[0]
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if env["SOPS_AGE_KEY_FILE"] != "/etc/pono/sops/keys.txt" {
		t.Errorf("SOPS_AGE_KEY_FILE = %q", env["SOPS_AGE_KEY_FILE"])
	}
	var mounted bool
	for _, m := range c.VolumeMounts {
		if m.Name == "sops-age" {
			mounted = m.MountPath == "/etc/pono/sops" && m.ReadOnly
		}
	}
	var volume bool
	for _, v := range spec.Volumes {
		if v.Name == "sops-age" && v.Secret != nil {
			volume = v.Secret.SecretName == "pono-age-key" && *v.Secret.DefaultMode == 0o440 && len(v.Secret.Items) == 1 && v.Secret.Items[0].Key == "keys.txt"
		}
	}
	if !mounted || !volume {
		t.Errorf("age key Secret not mounted read-only at /etc/pono/sops: mounts %+v volumes %+v", c.VolumeMounts, spec.Volumes)
	}

	plain := helmTemplate(t, "git.url="+testURL).deployment.Spec.Template.Spec
	for _, e := range plain.Containers[0].Env {
		if e.Name == "SOPS_AGE_KEY_FILE" {
			t.Error("SOPS_AGE_KEY_FILE set without sops.ageKeySecret")
		}
	}
	for _, v := range plain.Volumes {
		if v.Name == "sops-age" {
			t.Error("age key volume without sops.ageKeySecret")
		}
	}
}
