package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/internal/ownership"
)

// StatusName is the ConfigMap the reconciler records its state in, in its
// own namespace. `pono status --reconciler` reads it.
const StatusName = "pono-status"

// statusKey is the ConfigMap key holding the JSON status.
const statusKey = "status.json"

// The status document's types, under the names the loop has always used
// (defined once in cluster/statusdoc, which the web page shares).
type (
	ReconcilerStatus = statusdoc.ReconcilerStatus
	Attempt          = statusdoc.Attempt
	CommitRef        = statusdoc.CommitRef
	ReleaseRecord    = statusdoc.ReleaseRecord
	DriftedRelease   = statusdoc.DriftedRelease
)

// signature is the status without its clock fields: two cycles with the
// same signature differ only in when they ran.
func signature(s *ReconcilerStatus) []byte {
	c := *s
	c.CheckedAt = time.Time{}
	if s.LastAttempt != nil {
		a := *s.LastAttempt
		a.Time, a.Duration, a.Trigger = time.Time{}, 0, ""
		c.LastAttempt = &a
	}
	b, _ := json.Marshal(c)
	return b
}

// statusStore reads and writes the status ConfigMap, writing only when the
// status changed or the heartbeat is due, so an idle cycle makes no write.
type statusStore struct {
	cs        kubernetes.Interface
	namespace string
	heartbeat time.Duration

	written   []byte // signature of the last status written
	writtenAt time.Time
}

// save writes st when its content changed, or when the last write is older
// than the heartbeat. It reports whether it wrote.
func (s *statusStore) save(ctx context.Context, st *ReconcilerStatus) (bool, error) {
	sig := signature(st)
	if s.written != nil && bytes.Equal(sig, s.written) && (s.heartbeat <= 0 || st.CheckedAt.Sub(s.writtenAt) < s.heartbeat) {
		return false, nil
	}
	body, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return false, err
	}
	cms := s.cs.CoreV1().ConfigMaps(s.namespace)
	cm, err := cms.Get(ctx, StatusName, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		cm = &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: StatusName, Namespace: s.namespace, Labels: map[string]string{ownership.K8sManagedBy: ownership.ManagedByValue}},
			Data:       map[string]string{statusKey: string(body)},
		}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{FieldManager: "pono-reconcile"}); err != nil {
			return false, fmt.Errorf("create status ConfigMap %s/%s: %w", s.namespace, StatusName, err)
		}
	case err != nil:
		return false, fmt.Errorf("read status ConfigMap %s/%s: %w", s.namespace, StatusName, err)
	default:
		if cm.Data == nil {
			cm.Data = map[string]string{}
		}
		cm.Data[statusKey] = string(body)
		if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: "pono-reconcile"}); err != nil {
			return false, fmt.Errorf("update status ConfigMap %s/%s: %w", s.namespace, StatusName, err)
		}
	}
	s.written, s.writtenAt = sig, st.CheckedAt
	return true, nil
}

// ReadStatus reads the reconciler's status from its namespace. It returns
// an error wrapping a NotFound API error when no reconciler has run there.
func ReadStatus(ctx context.Context, cs kubernetes.Interface, namespace string) (*ReconcilerStatus, error) {
	cm, err := cs.CoreV1().ConfigMaps(namespace).Get(ctx, StatusName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("no reconciler status in namespace %s (ConfigMap %s not found): %w", namespace, StatusName, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read ConfigMap %s/%s: %w", namespace, StatusName, err)
	}
	var st ReconcilerStatus
	if err := json.Unmarshal([]byte(cm.Data[statusKey]), &st); err != nil {
		return nil, fmt.Errorf("ConfigMap %s/%s key %s: %w", namespace, StatusName, statusKey, err)
	}
	return &st, nil
}
