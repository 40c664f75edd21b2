package apply

import (
	"context"
	"errors"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	utilnet "k8s.io/apimachinery/pkg/util/net"

	"github.com/pono-gitops/pono/internal/helmsdk"
)

// failure is what a failed operation says about another attempt.
type failure struct {
	// retry: another attempt may succeed (transient API or network
	// errors, conflicts, a kind not known yet, another operation running).
	retry bool
	// refresh: discovery is stale (a kind a CRD just defined is unknown);
	// refresh it before the next attempt.
	refresh bool
}

// classify decides on the error's type where it has one: Helm keeps the
// apimachinery and network errors it wraps. Invalid objects, unready
// workloads and timeouts of the operation itself are final.
func classify(err error) failure {
	switch {
	case err == nil, errors.Is(err, helmsdk.ErrNotReady),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return failure{}
	case meta.IsNoMatchError(err):
		return failure{retry: true, refresh: true}
	case apierrors.IsConflict(err), apierrors.IsServerTimeout(err), apierrors.IsTimeout(err),
		apierrors.IsTooManyRequests(err), apierrors.IsServiceUnavailable(err), apierrors.IsInternalError(err),
		utilnet.IsConnectionRefused(err), utilnet.IsConnectionReset(err), utilnet.IsTimeout(err),
		utilnet.IsProbableEOF(err), utilnet.IsHTTP2ConnectionLost(err):
		return failure{retry: true}
	}
	msg := err.Error()
	for _, m := range transientMessages {
		if strings.Contains(msg, m.text) {
			return failure{retry: true, refresh: m.refresh}
		}
	}
	return failure{}
}

// transientMessages classify errors that reach pono as text only: Helm's
// errPending is unexported, and Helm's kube.Client.Update joins the errors
// of the objects it updates into one errors.New(a + " && " + b), which
// keeps the messages of apimachinery's typed errors and drops their types.
// TestTransientMessages produces each from the Helm and apimachinery
// versions in go.mod.
var transientMessages = []struct {
	text    string
	refresh bool
}{
	// Helm: another install, upgrade or rollback holds the release.
	{text: "another operation (install/upgrade/rollback) is in progress"},
	// apierrors.NewConflict, and the API server's optimistic lock message.
	{text: "Operation cannot be fulfilled on"},
	{text: "the object has been modified"},
	// apierrors.NewServerTimeout.
	{text: "could not be completed at this time, please try again"},
	// The generic responses to 429, 503, 504 and other 5xx.
	{text: "has asked us to try again later"},
	{text: "the server is currently unable to handle the request"},
	{text: "the server was unable to return a response in the time allotted"},
	{text: "has prevented the request from succeeding"},
	// apierrors.NewInternalError (failing webhooks among them).
	{text: "Internal error occurred"},
	// etcd errors the API server passes on (leader changed, timeouts).
	{text: "etcdserver: "},
	// Network errors, flattened.
	{text: "connection refused"},
	{text: "connection reset by peer"},
	{text: "i/o timeout"},
	{text: "TLS handshake timeout"},
	// meta.NoKindMatchError and cli-runtime's resource mapping error,
	// flattened: a kind defined by a CRD installed since discovery was read.
	{text: "no matches for kind", refresh: true},
	{text: "ensure CRDs are installed first", refresh: true},
}
