package apply

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/plan"
)

// ensureNamespaces creates the platform's namespaces and the namespaces
// releases are stored or placed in, unless a release creates them itself.
// It reads before it writes, and does nothing when no release changes.
func ensureNamespaces(ctx context.Context, cs kubernetes.Interface, res *compiler.Result, p *plan.Plan) error {
	changes := false
	created := map[string]bool{}
	need := map[string]bool{}
	for _, s := range p.Steps {
		if s.Desired == nil {
			continue
		}
		if s.Changes() {
			changes = true
		}
		for _, n := range s.Desired.Resources.Namespaces {
			created[n] = true
		}
	}
	if !changes {
		return nil
	}
	ns := res.Platform.Namespaces
	for _, n := range []string{ns.Admin, ns.Services, ns.Extensions, ns.Helm, ns.Releases} {
		if n != "" {
			need[n] = true
		}
	}
	for _, s := range p.Steps {
		if s.Desired == nil || !s.Changes() {
			continue
		}
		need[s.Namespace] = true
		for _, n := range s.Desired.Resources.InNamespaces {
			need[n] = true
		}
	}
	names := make([]string, 0, len(need))
	for n := range need {
		if !created[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	nsc := cs.CoreV1().Namespaces()
	for _, n := range names {
		_, err := nsc.Get(ctx, n, metav1.GetOptions{})
		if err == nil {
			continue
		}
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("namespace %s: %w", n, err)
		}
		_, err = nsc.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n, Labels: map[string]string{
			ownership.LabelManagedBy: ownership.ManagedByValue, ownership.LabelPlatform: res.Platform.Name,
		}}}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", n, err)
		}
	}
	return nil
}
