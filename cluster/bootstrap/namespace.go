package bootstrap

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// namespacesFor are the namespaces that must exist before the chart is
// installed: pono's own, and in least-privilege mode those it manages,
// since the chart puts a RoleBinding into each.
func namespacesFor(own string, values, defaults map[string]any) []string {
	out := []string{own}
	if mode, _ := lookup(values, defaults, "rbac", "mode").(string); mode != "least-privilege" {
		return out
	}
	if create, ok := lookup(values, defaults, "rbac", "create").(bool); ok && !create {
		return out
	}
	nss, _ := lookup(values, defaults, "rbac", "namespaces").([]any)
	for _, ns := range nss {
		if s, ok := ns.(string); ok && s != own {
			out = append(out, s)
		}
	}
	return out
}

// ensureNamespace creates a namespace unless it exists. Only a missing one
// is written; an existing namespace is not touched (not even labelled).
func ensureNamespace(ctx context.Context, cs kubernetes.Interface, name string) (Action, error) {
	_, err := cs.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err == nil {
		return ActionUnchanged, nil
	}
	if !apierrors.IsNotFound(err) {
		return "", fmt.Errorf("namespace %s: %w", name, err)
	}
	_, err = cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		// Created meanwhile by someone else: it exists, which is all we need.
		return ActionUnchanged, nil
	}
	if err != nil {
		return "", fmt.Errorf("create namespace %s: %w", name, err)
	}
	return ActionCreated, nil
}
