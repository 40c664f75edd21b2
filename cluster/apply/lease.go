package apply

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/internal/ownership"
)

// LeasePrefix starts the name of the Lease that guards operations on a
// release: pono-release-<release>, in the release's namespace.
const LeasePrefix = "pono-release-"

// leaser takes per-release Leases (coordination.k8s.io/v1) so that two
// applies never operate on one release at once, and so that a release left
// pending by a dead apply is recognisable: its Lease is no longer renewed.
type leaser struct {
	cs       kubernetes.Interface
	identity string
	duration time.Duration
	poll     time.Duration
}

// leaseHeld is what acquire found before taking the lease.
type leaseHeld struct {
	// Previous is the holder of an expired lease taken over, or "".
	Previous string
	// Waited is how long acquire waited for a live holder.
	Waited time.Duration
}

// DefaultIdentity names this process as the holder of a release Lease, the
// GitOps leader-election Lease and the source of its events when none is
// configured. The format is pono@<host>/<pid>/<nonce>: "pono@" tells a
// reader of `kubectl get lease` which tool holds it, host and pid find the
// process, and the nonce keeps two appliers in one process (replicas in a
// test binary, a reconciler next to an apply) from sharing an identity, which
// would let one take over the other's lease as its own.
func DefaultIdentity() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("pono@%s/%d/%d", h, os.Getpid(), time.Now().UnixNano()%1e6)
}

func leaseName(release string) string { return LeasePrefix + release }

// acquire takes the release's lease, waiting up to wait for a live holder
// to let go or expire. The returned stop func ends renewal and deletes the
// lease.
func (l *leaser) acquire(ctx context.Context, ns, release string, wait time.Duration) (leaseHeld, func(), error) {
	var held leaseHeld
	leases := l.cs.CoordinationV1().Leases(ns)
	name := leaseName(release)
	start := time.Now()
	for {
		now := metav1.NewMicroTime(time.Now())
		secs := int32(l.duration.Seconds())
		spec := coordinationv1.LeaseSpec{HolderIdentity: &l.identity, LeaseDurationSeconds: &secs, AcquireTime: &now, RenewTime: &now}
		cur, err := leases.Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			_, err = leases.Create(ctx, &coordinationv1.Lease{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{ownership.K8sManagedBy: ownership.ManagedByValue}},
				Spec:       spec,
			}, metav1.CreateOptions{})
			if err == nil {
				return held, l.keep(ns, name), nil
			}
			if !apierrors.IsAlreadyExists(err) {
				return held, nil, fmt.Errorf("lease %s/%s: %w", ns, name, err)
			}
		case err != nil:
			return held, nil, fmt.Errorf("lease %s/%s: %w", ns, name, err)
		default:
			holder := ""
			if cur.Spec.HolderIdentity != nil {
				holder = *cur.Spec.HolderIdentity
			}
			if holder == "" || holder == l.identity || expired(cur, time.Now()) {
				if holder != l.identity {
					held.Previous = holder
				}
				cur.Spec = spec
				_, err = leases.Update(ctx, cur, metav1.UpdateOptions{})
				if err == nil {
					return held, l.keep(ns, name), nil
				}
				if !apierrors.IsConflict(err) {
					return held, nil, fmt.Errorf("lease %s/%s: %w", ns, name, err)
				}
				continue
			}
			if time.Since(start) >= wait {
				return held, nil, fmt.Errorf("release %s/%s is being changed by %s (lease %s, renewed %s ago)",
					ns, release, holder, name, time.Since(renewTime(cur)).Round(time.Second))
			}
		}
		held.Waited = time.Since(start)
		select {
		case <-ctx.Done():
			return held, nil, ctx.Err()
		case <-time.After(l.poll):
		}
	}
}

func renewTime(le *coordinationv1.Lease) time.Time {
	if le.Spec.RenewTime != nil {
		return le.Spec.RenewTime.Time
	}
	if le.Spec.AcquireTime != nil {
		return le.Spec.AcquireTime.Time
	}
	return le.CreationTimestamp.Time
}

func expired(le *coordinationv1.Lease, now time.Time) bool {
	d := 15 * time.Second
	if le.Spec.LeaseDurationSeconds != nil {
		d = time.Duration(*le.Spec.LeaseDurationSeconds) * time.Second
	}
	return renewTime(le).Add(d).Before(now)
}

// keep renews the lease until the returned func is called, which deletes
// it.
func (l *leaser) keep(ns, name string) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(max(l.duration/3, 200*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				le, err := l.cs.CoordinationV1().Leases(ns).Get(ctx, name, metav1.GetOptions{})
				if err != nil || le.Spec.HolderIdentity == nil || *le.Spec.HolderIdentity != l.identity {
					continue
				}
				now := metav1.NewMicroTime(time.Now())
				le.Spec.RenewTime = &now
				_, _ = l.cs.CoordinationV1().Leases(ns).Update(ctx, le, metav1.UpdateOptions{})
			}
		}
	}()
	return func() {
		cancel()
		<-done
		dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer dcancel()
		le, err := l.cs.CoordinationV1().Leases(ns).Get(dctx, name, metav1.GetOptions{})
		if err != nil || le.Spec.HolderIdentity == nil || *le.Spec.HolderIdentity != l.identity {
			return
		}
		rv := le.ResourceVersion
		_ = l.cs.CoordinationV1().Leases(ns).Delete(dctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}})
	}
}

// shortHolder trims an identity for messages.
func shortHolder(h string) string {
	if h == "" {
		return "an earlier run"
	}
	return strings.TrimSpace(h)
}
