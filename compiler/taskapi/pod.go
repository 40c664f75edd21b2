package taskapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// ContainerName is the name of the task's container in its pod.
const ContainerName = "main"

var podNameInvalid = regexp.MustCompile(`[^a-z0-9.-]`)

// PodName derives a pod name from a task name as Kaapana's
// generate_pod_name does: lower case, every character outside [a-z0-9.-]
// becomes "-", non-alphanumerics are trimmed from both ends, and the result
// is cut to 62 characters and trimmed again.
func PodName(taskName string) (string, error) {
	n := podNameInvalid.ReplaceAllString(strings.ToLower(taskName), "-")
	n = trimNonAlnum(n)
	if len(n) > 62 {
		n = trimNonAlnum(n[:62])
	}
	if n == "" {
		return "", fmt.Errorf("task name %q yields an empty pod name", taskName)
	}
	if errs := validation.IsDNS1123Subdomain(n); len(errs) > 0 {
		return "", fmt.Errorf("task name %q yields pod name %q: %s", taskName, n, strings.Join(errs, "; "))
	}
	return n, nil
}

func trimNonAlnum(s string) string {
	isAlnum := func(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') }
	return strings.TrimFunc(s, func(r rune) bool { return !isAlnum(r) })
}

// RegistrySecretName is the name of the pull secret created for a pod.
func RegistrySecretName(podName string) string { return podName + "-secret" }

// PodOptions fill in what the task leaves open.
type PodOptions struct {
	// Namespace is used when config.namespace is empty.
	Namespace string
}

// PodSpec is what a task runs as on Kubernetes.
type PodSpec struct {
	Pod *corev1.Pod
	// Secret is the registry pull secret, nil unless config has
	// registryUrl, registryUsername and registryPassword.
	Secret *corev1.Secret
}

// BuildPod builds the pod (and registry secret) for an instance with its
// computed resources, as Kaapana's KubernetesRunner does, except that:
// input mounts are readOnly; output hostPaths are DirectoryOrCreate;
// resource maps are emitted only when non-empty (never a crash when only
// limits or only requests are given) and their values are parsed as
// Kubernetes quantities.
func BuildPod(in *Instance, res Resources, opts PodOptions) (*PodSpec, error) {
	name, err := PodName(in.Name)
	if err != nil {
		return nil, err
	}
	ns := in.Config.Namespace
	if ns == "" {
		ns = opts.Namespace
	}
	if ns == "" {
		ns = "default"
	}
	out := &PodSpec{}
	var pullSecrets []corev1.LocalObjectReference
	if in.Config.HasRegistryCredentials() {
		out.Secret, err = RegistrySecret(RegistrySecretName(name), ns, in.Config.RegistryURL, in.Config.RegistryUsername, in.Config.RegistryPassword)
		if err != nil {
			return nil, err
		}
		pullSecrets = append(pullSecrets, corev1.LocalObjectReference{Name: out.Secret.Name})
	}
	for _, s := range in.Config.ImagePullSecrets {
		pullSecrets = append(pullSecrets, corev1.LocalObjectReference{Name: s})
	}

	volumes, mounts, err := channelVolumes(in)
	if err != nil {
		return nil, err
	}
	for i, raw := range in.Config.Volumes {
		var v corev1.Volume
		if err := decodeStrict(raw, &v); err != nil {
			return nil, fmt.Errorf("config.volumes[%d]: %w", i, err)
		}
		volumes = append(volumes, v)
	}
	for i, raw := range in.Config.VolumeMounts {
		var m corev1.VolumeMount
		if err := decodeStrict(raw, &m); err != nil {
			return nil, fmt.Errorf("config.volume_mounts[%d]: %w", i, err)
		}
		mounts = append(mounts, m)
	}

	env := make([]corev1.EnvVar, 0, len(in.Env)+len(in.Config.EnvVars))
	for _, e := range in.Env {
		env = append(env, corev1.EnvVar{Name: e.Name, Value: e.Value})
	}
	// Appended last, as in Kaapana: for a duplicate name Kubernetes uses the
	// later entry, so config.env_vars win.
	for i, raw := range in.Config.EnvVars {
		var e corev1.EnvVar
		if err := decodeStrict(raw, &e); err != nil {
			return nil, fmt.Errorf("config.env_vars[%d]: %w", i, err)
		}
		env = append(env, e)
	}

	reqs, err := resourceRequirements(res)
	if err != nil {
		return nil, err
	}
	pod := &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Namespace:   ns,
			Labels:      in.Config.Labels,
			Annotations: in.Config.Annotations,
		},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:         ContainerName,
				Image:        in.Image,
				Command:      in.Command,
				Env:          env,
				VolumeMounts: mounts,
				Resources:    reqs,
			}},
			Volumes:          volumes,
			ImagePullSecrets: pullSecrets,
		},
	}
	out.Pod = pod
	return out, nil
}

// channelVolumes mounts inputs, then outputs, as hostPath volumes named
// vol-<channel>; a mounted_path already used is skipped (inputs win).
func channelVolumes(in *Instance) ([]corev1.Volume, []corev1.VolumeMount, error) {
	var vols []corev1.Volume
	var mounts []corev1.VolumeMount
	used := map[string]bool{}
	var errs []error
	add := func(ch Channel, readOnly bool) {
		if used[path.Clean(ch.MountedPath)] {
			return
		}
		used[path.Clean(ch.MountedPath)] = true
		name := "vol-" + ch.Name
		if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("channel %q: volume name %q: %s", ch.Name, name, strings.Join(msgs, "; ")))
			return
		}
		src := &corev1.HostPathVolumeSource{Path: ch.HostPath}
		if !readOnly {
			t := corev1.HostPathDirectoryOrCreate
			src.Type = &t
		}
		vols = append(vols, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{HostPath: src}})
		mounts = append(mounts, corev1.VolumeMount{Name: name, MountPath: ch.MountedPath, ReadOnly: readOnly})
	}
	for _, ch := range in.Inputs {
		add(ch, true)
	}
	for _, ch := range in.Outputs {
		add(ch, false)
	}
	return vols, mounts, errors.Join(errs...)
}

func resourceRequirements(res Resources) (corev1.ResourceRequirements, error) {
	var out corev1.ResourceRequirements
	var err error
	if out.Limits, err = resourceList("limits", res.Limits); err != nil {
		return out, err
	}
	if out.Requests, err = resourceList("requests", res.Requests); err != nil {
		return out, err
	}
	return out, nil
}

func resourceList(side string, list ResourceList) (corev1.ResourceList, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := corev1.ResourceList{}
	for k, v := range list {
		q, err := resource.ParseQuantity(string(v))
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %q is not a Kubernetes quantity", side, k, string(v))
		}
		out[corev1.ResourceName(k)] = q
	}
	return out, nil
}

// RegistrySecret builds a kubernetes.io/dockerconfigjson secret for one
// registry, as Kaapana does (auths keyed by the URL exactly as given).
func RegistrySecret(name, namespace, url, username, password string) (*corev1.Secret, error) {
	type auth struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Auth     string `json:"auth"`
	}
	cfg := map[string]map[string]auth{"auths": {url: {
		Username: username,
		Password: password,
		Auth:     base64.StdEncoding.EncodeToString([]byte(username + ":" + password)),
	}}}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: b},
	}, nil
}
