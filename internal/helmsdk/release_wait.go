package helmsdk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"helm.sh/helm/v3/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// waitingClient is Helm's kube client with pono's wait: it polls faster
// than Helm (250ms instead of 2s), stops when the action's context ends,
// and fails at once when a Job failed or a pod crash-loops instead of
// waiting for the timeout.
type waitingClient struct {
	*kube.Client
	ctx context.Context
	c   *Client
}

// ErrNotReady is wrapped by wait errors: the release's resources did not
// become ready (timeout, failed Job, failing pods).
var ErrNotReady = errors.New("not ready")

func (w *waitingClient) Wait(resources kube.ResourceList, timeout time.Duration) error {
	return w.c.waitReady(w.ctx, resources, timeout)
}

func (w *waitingClient) WaitWithJobs(resources kube.ResourceList, timeout time.Duration) error {
	return w.c.waitReady(w.ctx, resources, timeout)
}

// object identifies a resource to check.
type object struct {
	kind, namespace, name string
}

func objectsOf(resources kube.ResourceList) []object {
	var out []object
	for _, r := range resources {
		gvk := r.Object.GetObjectKind().GroupVersionKind()
		if r.Mapping != nil {
			gvk = r.Mapping.GroupVersionKind
		}
		switch {
		case gvk.Group == "apps" && (gvk.Kind == "Deployment" || gvk.Kind == "StatefulSet" || gvk.Kind == "DaemonSet"),
			gvk.Group == "batch" && gvk.Kind == "Job",
			gvk.Group == "" && gvk.Kind == "Pod",
			gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition":
			out = append(out, object{kind: gvk.Kind, namespace: r.Namespace, name: r.Name})
		}
	}
	return out
}

func (c *Client) waitReady(ctx context.Context, resources kube.ResourceList, timeout time.Duration) error {
	objs := objectsOf(resources)
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(c.opts.PollInterval)
	defer tick.Stop()
	for {
		pending, err := c.checkReady(ctx, objs)
		if err != nil && ctx.Err() == nil && !strings.Contains(err.Error(), "would exceed context deadline") {
			return fmt.Errorf("%w: %w", ErrNotReady, err)
		}
		if err == nil && len(pending) == 0 {
			return nil
		}
		if err == nil {
			objs = pending
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("%w: timed out after %s waiting for %s", ErrNotReady, timeout, describe(objs))
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func describe(objs []object) string {
	var s []string
	for _, o := range objs {
		s = append(s, fmt.Sprintf("%s %s/%s", o.kind, o.namespace, o.name))
	}
	if len(s) > 3 {
		s = append(s[:3], fmt.Sprintf("and %d more", len(s)-3))
	}
	return strings.Join(s, ", ")
}

// checkReady returns the objects not ready yet, or an error for one that
// can no longer become ready.
func (c *Client) checkReady(ctx context.Context, objs []object) ([]object, error) {
	var pending []object
	for _, o := range objs {
		var ready bool
		var err error
		if o.kind == "CustomResourceDefinition" {
			ready, err = c.crdEstablished(ctx, o.name)
		} else {
			ready, err = objectReady(ctx, c.cs, o)
		}
		if err != nil {
			if apierrors.IsNotFound(err) || isTransient(err) {
				pending = append(pending, o)
				continue
			}
			return nil, err
		}
		if !ready {
			pending = append(pending, o)
		}
	}
	return pending, nil
}

func isTransient(err error) bool {
	return apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsServiceUnavailable(err) || apierrors.IsInternalError(err)
}

func objectReady(ctx context.Context, cs kubernetes.Interface, o object) (bool, error) {
	get := metav1.GetOptions{}
	switch o.kind {
	case "Deployment":
		d, err := cs.AppsV1().Deployments(o.namespace).Get(ctx, o.name, get)
		if err != nil {
			return false, err
		}
		if d.Spec.Paused {
			return true, nil
		}
		if err := failingPods(ctx, cs, o, d.Spec.Selector); err != nil {
			return false, err
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		for _, c := range d.Status.Conditions {
			if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
				return false, fmt.Errorf("Deployment %s/%s: %s", o.namespace, o.name, c.Message)
			}
		}
		return d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas >= want &&
			d.Status.AvailableReplicas >= want && d.Status.Replicas-d.Status.UpdatedReplicas <= 0, nil
	case "StatefulSet":
		s, err := cs.AppsV1().StatefulSets(o.namespace).Get(ctx, o.name, get)
		if err != nil {
			return false, err
		}
		if err := failingPods(ctx, cs, o, s.Spec.Selector); err != nil {
			return false, err
		}
		want := int32(1)
		if s.Spec.Replicas != nil {
			want = *s.Spec.Replicas
		}
		return s.Status.ObservedGeneration >= s.Generation && s.Status.ReadyReplicas >= want &&
			s.Status.UpdatedReplicas >= want, nil
	case "DaemonSet":
		ds, err := cs.AppsV1().DaemonSets(o.namespace).Get(ctx, o.name, get)
		if err != nil {
			return false, err
		}
		if err := failingPods(ctx, cs, o, ds.Spec.Selector); err != nil {
			return false, err
		}
		return ds.Status.ObservedGeneration >= ds.Generation && ds.Status.UpdatedNumberScheduled >= ds.Status.DesiredNumberScheduled &&
			ds.Status.NumberAvailable >= ds.Status.DesiredNumberScheduled, nil
	case "Job":
		j, err := cs.BatchV1().Jobs(o.namespace).Get(ctx, o.name, get)
		if err != nil {
			return false, err
		}
		for _, c := range j.Status.Conditions {
			if c.Status != corev1.ConditionTrue {
				continue
			}
			switch c.Type {
			case batchv1.JobComplete:
				return true, nil
			case batchv1.JobFailed:
				return false, fmt.Errorf("Job %s/%s failed: %s %s", o.namespace, o.name, c.Reason, c.Message)
			}
		}
		return false, nil
	case "Pod":
		p, err := cs.CoreV1().Pods(o.namespace).Get(ctx, o.name, get)
		if err != nil {
			return false, err
		}
		if why := podFailing(p); why != "" {
			return false, fmt.Errorf("Pod %s/%s: %s", o.namespace, o.name, why)
		}
		if p.Status.Phase == corev1.PodSucceeded {
			return true, nil
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady {
				return c.Status == corev1.ConditionTrue, nil
			}
		}
		return false, nil
	}
	return true, nil
}

// failingPods reports a workload's pod that cannot become ready by itself.
func failingPods(ctx context.Context, cs kubernetes.Interface, o object, sel *metav1.LabelSelector) error {
	if sel == nil {
		return nil
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil || s.Empty() || s.String() == labels.Nothing().String() {
		return nil
	}
	pods, err := cs.CoreV1().Pods(o.namespace).List(ctx, metav1.ListOptions{LabelSelector: s.String()})
	if err != nil {
		return nil // readiness is still decided by the workload's status
	}
	for i := range pods.Items {
		if why := podFailing(&pods.Items[i]); why != "" {
			return fmt.Errorf("%s %s/%s: pod %s: %s", o.kind, o.namespace, o.name, pods.Items[i].Name, why)
		}
	}
	return nil
}

// podFailing returns why a pod will not become ready without a change, or
// "".
func podFailing(p *corev1.Pod) string {
	if p.DeletionTimestamp != nil {
		return ""
	}
	if p.Status.Phase == corev1.PodFailed && p.Spec.RestartPolicy == corev1.RestartPolicyAlways {
		return "pod failed: " + p.Status.Reason
	}
	for _, st := range append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		if w := st.State.Waiting; w != nil {
			switch w.Reason {
			case "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError":
				return fmt.Sprintf("container %s: %s: %s", st.Name, w.Reason, w.Message)
			}
		}
	}
	return ""
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// crdEstablished reports whether a CRD's API is served, so that releases
// using its kinds can be built right after.
func (c *Client) crdEstablished(ctx context.Context, name string) (bool, error) {
	u, err := c.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false, err
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" {
			return m["status"] == "True", nil
		}
	}
	return false, nil
}
