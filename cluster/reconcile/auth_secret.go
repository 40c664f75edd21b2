package reconcile

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/internal/gitrepo"
)

// ReadAuthSecret reads git credentials from the Secret namespace/name
// (the keys of gitrepo.AuthFromSecretData).
func ReadAuthSecret(ctx context.Context, cs kubernetes.Interface, namespace, name string) (*gitrepo.Auth, error) {
	sec, err := cs.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read Secret %s/%s: %w", namespace, name, err)
	}
	a, err := gitrepo.AuthFromSecretData(sec.Data)
	if err != nil {
		return nil, fmt.Errorf("Secret %s/%s: %w", namespace, name, err)
	}
	return a, nil
}
