package apply

import (
	"context"
	"time"

	"github.com/pono-gitops/pono/internal/helmsdk"
)

// releaser is the Helm release client as the apply engine uses it.
// *helmsdk.Client implements it; the engine's unit tests use an in-memory
// fake (fake_releaser_test.go).
type releaser interface {
	Install(ctx context.Context, req helmsdk.ReleaseRequest) (*helmsdk.Revision, error)
	Upgrade(ctx context.Context, req helmsdk.ReleaseRequest) (*helmsdk.Revision, error)
	Rollback(ctx context.Context, req helmsdk.RollbackRequest) error
	Uninstall(ctx context.Context, namespace, name string, timeout time.Duration, disableHooks bool) error
	// Unlock marks a pending release failed; it returns the status found.
	Unlock(ctx context.Context, namespace, name, reason string) (string, error)
	ListReleasesIn(ctx context.Context, namespace, selector string) ([]helmsdk.ReleaseInfo, error)
	GetRelease(ctx context.Context, namespace, name string) (*helmsdk.ReleaseDetail, error)
	// RefreshDiscovery makes kinds added since (by CRDs) known.
	RefreshDiscovery()
}

var _ releaser = (*helmsdk.Client)(nil)
