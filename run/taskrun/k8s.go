package taskrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/compiler/taskapi"
)

type kubeClient struct {
	cs        kubernetes.Interface
	rest      *rest.Config
	namespace string // from the kubeconfig context, else "default"
	context   string
}

func (r *Runner) kubeClient() (*kubeClient, error) {
	if r.kube != nil {
		return r.kube, nil
	}
	// The same kubeconfig loading and client tuning as every other
	// cluster command.
	l, err := kube.Kubeconfig{Path: r.cfg.Kubeconfig, Context: r.cfg.Context}.Load()
	if err != nil {
		return nil, err
	}
	ns := l.Namespace
	if ns == "" {
		ns = "default"
	}
	cs, err := kubernetes.NewForConfig(l.REST)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	r.kube = &kubeClient{cs: cs, rest: l.REST, namespace: ns, context: l.Context}
	return r.kube, nil
}

func (r *Runner) defaultNamespace(k *kubeClient) string {
	if r.cfg.Namespace != "" {
		return r.cfg.Namespace
	}
	return k.namespace
}

func (r *Runner) runK8s(ctx context.Context, rec *Record) error {
	k, err := r.kubeClient()
	if err != nil {
		return err
	}
	spec, err := taskapi.BuildPod(&rec.Task, rec.Computed.Resources, taskapi.PodOptions{Namespace: r.defaultNamespace(k)})
	if err != nil {
		return err
	}
	pod := spec.Pod
	rec.ID = pod.Name
	rec.Kubernetes = &K8sTarget{Context: k.context, Namespace: pod.Namespace, Pod: pod.Name}
	if s := spec.Secret; s != nil {
		_, err := k.cs.CoreV1().Secrets(s.Namespace).Create(ctx, s, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			_, err = k.cs.CoreV1().Secrets(s.Namespace).Update(ctx, s, metav1.UpdateOptions{})
		}
		if err != nil {
			return fmt.Errorf("registry secret %s/%s: %w", s.Namespace, s.Name, err)
		}
		rec.Kubernetes.Secret = s.Name
	}
	if _, err := k.cs.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("pod %s/%s already exists (an earlier run of task %q; stop it first): %w", pod.Namespace, pod.Name, rec.Task.Name, err)
		}
		return fmt.Errorf("create pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	r.cfg.Logger.Info("task started", "mode", "k8s", "namespace", pod.Namespace, "pod", pod.Name, "image", rec.Task.Image)
	return nil
}

func (r *Runner) getPod(ctx context.Context, rec *Record) (*kubeClient, *corev1.Pod, error) {
	if rec.Kubernetes == nil {
		return nil, nil, errors.New("run record has no kubernetes section")
	}
	k, err := r.kubeClient()
	if err != nil {
		return nil, nil, err
	}
	pod, err := k.cs.CoreV1().Pods(rec.Kubernetes.Namespace).Get(ctx, rec.Kubernetes.Pod, metav1.GetOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("pod %s/%s: %w", rec.Kubernetes.Namespace, rec.Kubernetes.Pod, err)
	}
	return k, pod, nil
}

// PodStatus derives a run's state from its pod, as Kaapana's operator
// does: the main container's termination reason OOMKilled is an OOM (137),
// exit code 126 a skip.
func PodStatus(pod *corev1.Pod) *Status {
	var term *corev1.ContainerStateTerminated
	var waiting *corev1.ContainerStateWaiting
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == taskapi.ContainerName {
			term, waiting = cs.State.Terminated, cs.State.Waiting
		}
	}
	switch pod.Status.Phase {
	case corev1.PodPending:
		s := &Status{Phase: PhasePending, Reason: pod.Status.Reason, Message: pod.Status.Message}
		if waiting != nil {
			s.Reason, s.Message = waiting.Reason, waiting.Message
		}
		return s
	case corev1.PodRunning:
		return &Status{Phase: PhaseRunning}
	case corev1.PodSucceeded, corev1.PodFailed:
		if term == nil {
			if pod.Status.Phase == corev1.PodSucceeded {
				return &Status{Phase: PhaseSucceeded}
			}
			return &Status{Phase: PhaseFailed, ExitCode: 1, Reason: pod.Status.Reason, Message: pod.Status.Message}
		}
		s := finished(int(term.ExitCode), term.Reason == "OOMKilled")
		if term.Message != "" {
			s.Message = term.Message
		}
		return &s
	}
	return &Status{Phase: PhaseUnknown, Reason: pod.Status.Reason}
}

func (r *Runner) statusK8s(ctx context.Context, rec *Record) (*Status, error) {
	_, pod, err := r.getPod(ctx, rec)
	if err != nil {
		return nil, err
	}
	return PodStatus(pod), nil
}

func (r *Runner) waitK8s(ctx context.Context, rec *Record) (*Status, error) {
	var last *Status
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		s, err := r.statusK8s(ctx, rec)
		if err != nil {
			return false, err
		}
		last = s
		return s.Done(), nil
	})
	if err != nil {
		return last, err
	}
	return last, nil
}

// waitStarted waits until the pod runs or has finished.
func (r *Runner) waitStarted(ctx context.Context, k *kubeClient, ns, name string) (*corev1.Pod, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.StartupTimeout)
	defer cancel()
	var pod *corev1.Pod
	err := wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		p, err := k.cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		pod = p
		return p.Status.Phase != corev1.PodPending && p.Status.Phase != "", nil
	})
	if err != nil {
		reason := ""
		if pod != nil {
			s := PodStatus(pod)
			reason = fmt.Sprintf(" (phase %s %s %s)", s.Phase, s.Reason, s.Message)
		}
		return pod, fmt.Errorf("pod %s/%s did not start within %s%s: %w", ns, name, r.cfg.StartupTimeout, reason, err)
	}
	return pod, nil
}

func (r *Runner) logsK8s(ctx context.Context, rec *Record, follow bool, w io.Writer) error {
	k, _, err := r.getPod(ctx, rec)
	if err != nil {
		return err
	}
	ns, name := rec.Kubernetes.Namespace, rec.Kubernetes.Pod
	if _, err := r.waitStarted(ctx, k, ns, name); err != nil {
		return err
	}
	stream, err := k.cs.CoreV1().Pods(ns).GetLogs(name, &corev1.PodLogOptions{Container: taskapi.ContainerName, Follow: follow}).Stream(ctx)
	if err != nil {
		return fmt.Errorf("logs of pod %s/%s: %w", ns, name, err)
	}
	defer stream.Close()
	if _, err := io.Copy(w, stream); err != nil && ctx.Err() == nil {
		return fmt.Errorf("logs of pod %s/%s: %w", ns, name, err)
	}
	return nil
}

func (r *Runner) stopK8s(ctx context.Context, rec *Record) error {
	if rec.Kubernetes == nil {
		return errors.New("run record has no kubernetes section")
	}
	k, err := r.kubeClient()
	if err != nil {
		return err
	}
	ns := rec.Kubernetes.Namespace
	var opts metav1.DeleteOptions
	if r.cfg.StopGrace > 0 {
		secs := int64(r.cfg.StopGrace.Seconds())
		opts.GracePeriodSeconds = &secs
	}
	err = k.cs.CoreV1().Pods(ns).Delete(ctx, rec.Kubernetes.Pod, opts)
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete pod %s/%s: %w", ns, rec.Kubernetes.Pod, err)
	}
	if s := rec.Kubernetes.Secret; s != "" {
		if err := k.cs.CoreV1().Secrets(ns).Delete(ctx, s, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete secret %s/%s: %w", ns, s, err)
		}
	}
	return nil
}
