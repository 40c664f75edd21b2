package reconcile

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestReadAuthSecret(t *testing.T) {
	cs := fake.NewSimpleClientset(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "pono", Name: "git"},
		Data:       map[string][]byte{"username": []byte("bot\n"), "password": []byte("s3cret")},
	})
	a, err := ReadAuthSecret(context.Background(), cs, "pono", "git")
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "bot" || a.Password != "s3cret" {
		t.Errorf("auth = %q/%q, want bot/s3cret", a.Username, a.Password)
	}
	_, err = ReadAuthSecret(context.Background(), cs, "pono", "missing")
	if err == nil || !strings.HasPrefix(err.Error(), "read Secret pono/missing: ") {
		t.Errorf("missing Secret: err = %v", err)
	}
}
