package reconcile

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// eventSink writes Kubernetes Events about the status ConfigMap, so
// `kubectl get events -n <ns>` and `kubectl describe configmap pono-status`
// show why a cycle failed. The same event is written once per distinct
// reason and message, not every cycle.
type eventSink struct {
	cs        kubernetes.Interface
	namespace string
	component string
	host      string
	last      string
}

// warn records a Warning event; repeated identical events are skipped.
func (e *eventSink) warn(ctx context.Context, reason, message string) error {
	key := reason + "\x00" + message
	if key == e.last {
		return nil
	}
	if len(message) > 1024 {
		message = message[:1021] + "..."
	}
	now := metav1.NewTime(time.Now())
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", StatusName, time.Now().UnixNano()), Namespace: e.namespace},
		InvolvedObject: corev1.ObjectReference{
			Kind: "ConfigMap", APIVersion: "v1", Namespace: e.namespace, Name: StatusName,
		},
		Reason: reason, Message: message, Type: corev1.EventTypeWarning,
		Source:         corev1.EventSource{Component: e.component, Host: e.host},
		FirstTimestamp: now, LastTimestamp: now, Count: 1,
		ReportingController: "pono.dev/reconcile", ReportingInstance: e.host,
	}
	if _, err := e.cs.CoreV1().Events(e.namespace).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("write event %s: %w", reason, err)
	}
	e.last = key
	return nil
}

// clear forgets the last event, so the next failure is reported again
// after a success.
func (e *eventSink) clear() { e.last = "" }
