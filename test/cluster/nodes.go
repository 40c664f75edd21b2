package cluster

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// kwok manages only Nodes carrying this annotation (see its
// --manage-nodes-with-annotation-selector flag in boot.go).
const (
	nodeAnnotation      = "kwok.x-k8s.io/node"
	nodeAnnotationValue = "fake"
)

// AddNodes creates kwok nodes with the given names and waits until they are
// Ready. kwok's stages give each node a huge capacity (1M pods), so one is
// enough for most tests. A node that already exists is left as it is.
func (c *Cluster) AddNodes(ctx context.Context, names ...string) error {
	cs := c.Client()
	for _, name := range names {
		node := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{
				Name:        name,
				Annotations: map[string]string{nodeAnnotation: nodeAnnotationValue},
				Labels: map[string]string{
					"type":                   "kwok",
					"kubernetes.io/hostname": name,
					"kubernetes.io/os":       "linux",
					"kubernetes.io/arch":     "amd64",
				},
			},
		}
		_, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create node %s: %w", name, err)
		}
	}
	for _, name := range names {
		err := c.waitFor(ctx, "node "+name+" Ready", func(ctx context.Context) error {
			node, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return err
			}
			for _, cond := range node.Status.Conditions {
				if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
					return nil
				}
			}
			return fmt.Errorf("not Ready yet")
		})
		if err != nil {
			return err
		}
		if !slices.Contains(c.Nodes, name) {
			c.Nodes = append(c.Nodes, name)
		}
	}
	return nil
}

// CreateNamespace creates a namespace and waits for its default
// ServiceAccount: until the controller-manager has made it, the API server
// rejects every Pod in the namespace, which would make a test flaky.
func (c *Cluster) CreateNamespace(ctx context.Context, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := c.Client().CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	if err := c.waitServiceAccount(ctx, name); err != nil {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}
