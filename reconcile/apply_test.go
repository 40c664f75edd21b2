package reconcile

import (
	"errors"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
)

func TestRedactorHidesSensitiveValues(t *testing.T) {
	res := &compiler.Result{Releases: []compiler.Release{{
		Name: "a",
		Values: map[string]any{"global": map[string]any{
			"token": "s3cr3t", "keys": []any{"k-one", "k-two"}, "port": float64(8443), "short": "ab", "public": "s3cr3t-not",
		}},
		Sensitive: []string{"global.token", "global.keys", "global.port", "global.short", "global.missing"},
	}}}
	r := newRedactor(res)
	got := r.String(`Invalid value: "s3cr3t" and k-one, k-two on 8443; ab stays`)
	want := `Invalid value: "***" and ***, *** on ***; ab stays`
	if got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
}

func TestRetryable(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	tests := []struct {
		err  error
		want bool
	}{
		{apierrors.NewConflict(gr, "x", errors.New("changed")), true},
		{apierrors.NewServiceUnavailable("busy"), true},
		{apierrors.NewTooManyRequests("slow down", 1), true},
		{fmt.Errorf("install: %w", errors.New(`no matches for kind "Widget" in version "e2e.pono.dev/v1"`)), true},
		{errors.New("another operation (install/upgrade/rollback) is in progress"), true},
		{apierrors.NewInvalid(schema.GroupKind{Kind: "Service"}, "x", nil), false},
		{fmt.Errorf("install: %w", fmt.Errorf("%w: Job x failed", helmsdk.ErrNotReady)), false},
		{errors.New("timed out"), false},
	}
	for _, tt := range tests {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestFailedErrorNamesEachRelease(t *testing.T) {
	err := &FailedError{Releases: []Result{
		{Name: "a", Action: "install", Error: "rejected"},
		{Name: "b", Action: "upgrade", Error: "not attempted: it needs a, which failed"},
	}}
	want := "2 release(s) failed:\n  a (install): rejected\n  b (upgrade): not attempted: it needs a, which failed"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
