package taskrun

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"
)

// ExtractPod is the short-lived pod that reads /processing-container.json
// from an image on Kubernetes, as Kaapana's extract_file_from_image does:
// it sleeps so the file can be copied out with `tar` through exec, then it
// is deleted. The image must contain sleep and tar.
func ExtractPod(name, namespace, image string, pullSecrets []string) *corev1.Pod {
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: map[string]string{"pono.dev/purpose": "extract-processing-container"}},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:    "extract",
				Image:   image,
				Command: []string{"sleep", "3600"},
			}},
		},
	}
	for _, s := range pullSecrets {
		pod.Spec.ImagePullSecrets = append(pod.Spec.ImagePullSecrets, corev1.LocalObjectReference{Name: s})
	}
	return pod
}

// ErrExec is wrapped when the file cannot be copied out of the running
// extract pod (on kwok nodes, for one: they run no containers).
var ErrExec = errors.New("exec in extract pod failed")

func (r *Runner) extractK8s(ctx context.Context, image string) (_ []byte, err error) {
	k, err := r.kubeClient()
	if err != nil {
		return nil, err
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return nil, err
	}
	ns := r.defaultNamespace(k)
	pod := ExtractPod("extract-file-"+hex.EncodeToString(suffix), ns, image, r.cfg.ExtractPullSecrets)
	if _, err := k.cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("create extract pod: %w", err)
	}
	r.cfg.Logger.Info("extract pod created", "namespace", ns, "pod", pod.Name, "image", image)
	defer func() {
		zero := int64(0)
		derr := k.cs.CoreV1().Pods(ns).Delete(context.WithoutCancel(ctx), pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		if derr != nil && err == nil {
			err = fmt.Errorf("delete extract pod %s/%s: %w", ns, pod.Name, derr)
		}
		r.cfg.Logger.Info("extract pod deleted", "namespace", ns, "pod", pod.Name)
	}()
	started, err := r.waitStarted(ctx, k, ns, pod.Name)
	if err != nil {
		return nil, err
	}
	if started.Status.Phase != corev1.PodRunning {
		return nil, fmt.Errorf("extract pod %s/%s is %s, not Running (does the image have sleep?)", ns, pod.Name, started.Status.Phase)
	}
	req := k.cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod.Name).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Container: "extract",
			Command:   []string{"tar", "cf", "-", "-C", "/", "processing-container.json"},
			Stdout:    true,
			Stderr:    true,
		}, scheme.ParameterCodec)
	exec, err := remotecommand.NewSPDYExecutor(k.rest, "POST", req.URL())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrExec, err)
	}
	var stdout, stderr bytes.Buffer
	if err := exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr}); err != nil {
		return nil, fmt.Errorf("%w: pod %s/%s: %v %s", ErrExec, ns, pod.Name, err, strings.TrimSpace(stderr.String()))
	}
	return fileFromTar(&stdout, "processing-container.json")
}

func fileFromTar(r io.Reader, name string) ([]byte, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s not in the archive copied from the pod", name)
		}
		if err != nil {
			return nil, fmt.Errorf("read archive from pod: %w", err)
		}
		if h.Typeflag == tar.TypeReg && strings.TrimPrefix(h.Name, "./") == name {
			return io.ReadAll(io.LimitReader(tr, 64<<20))
		}
	}
}
