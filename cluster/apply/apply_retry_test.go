package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/kube"
	kubefake "helm.sh/helm/v3/pkg/kube/fake"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/pono-gitops/pono/internal/helmsdk"
)

func TestClassifyTypedErrors(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	dial := &url.Error{Op: "Get", URL: "https://api", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{IsTimeout: true}}}
	tests := []struct {
		name string
		err  error
		want failure
	}{
		{"conflict", apierrors.NewConflict(gr, "x", errors.New("changed")), failure{retry: true}},
		{"service unavailable", apierrors.NewServiceUnavailable("busy"), failure{retry: true}},
		{"too many requests", apierrors.NewTooManyRequests("slow down", 1), failure{retry: true}},
		{"server timeout", apierrors.NewServerTimeout(gr, "get", 1), failure{retry: true}},
		{"internal error", apierrors.NewInternalError(errors.New("webhook")), failure{retry: true}},
		{"no kind match", fmt.Errorf("install: %w", &meta.NoKindMatchError{GroupKind: schema.GroupKind{Kind: "Widget"}}), failure{retry: true, refresh: true}},
		{"no resource match", &meta.NoResourceMatchError{PartialResource: schema.GroupVersionResource{Resource: "widgets"}}, failure{retry: true, refresh: true}},
		{"connection refused", fmt.Errorf("get: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), failure{retry: true}},
		{"connection reset", fmt.Errorf("get: %w", syscall.ECONNRESET), failure{retry: true}},
		{"network timeout", dial, failure{retry: true}},
		{"connection closed mid-response", &url.Error{Op: "Get", URL: "https://api", Err: io.ErrUnexpectedEOF}, failure{retry: true}},
		{"invalid object", apierrors.NewInvalid(schema.GroupKind{Kind: "Service"}, "x", nil), failure{}},
		{"forbidden", apierrors.NewForbidden(gr, "x", errors.New("rbac")), failure{}},
		{"not ready", fmt.Errorf("install: %w", fmt.Errorf("%w: Job x failed", helmsdk.ErrNotReady)), failure{}},
		{"not ready, however it came", fmt.Errorf("%w: %w", helmsdk.ErrNotReady, apierrors.NewServiceUnavailable("busy")), failure{}},
		{"the operation's own deadline", fmt.Errorf("wait: %w", context.DeadlineExceeded), failure{}},
		{"cancelled", fmt.Errorf("install: %w", context.Canceled), failure{}},
		{"plain message", errors.New("timed out"), failure{}},
	}
	for _, tt := range tests {
		if got := classify(tt.err); got != tt.want {
			t.Errorf("%s: classify(%v) = %+v, want %+v", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestTransientMessages checks the message table against the errors as
// the Helm and apimachinery versions in go.mod produce them, flattened to
// text as Helm's kube.Client.Update flattens the errors of its updates.
func TestTransientMessages(t *testing.T) {
	gr := schema.GroupResource{Group: "apps", Resource: "deployments"}
	typed := map[string]error{
		"conflict":            apierrors.NewConflict(gr, "web", errors.New("the object has been modified; please apply your changes to the latest version and try again")),
		"conflict, any cause": apierrors.NewConflict(gr, "web", errors.New("precondition failed")),
		"server timeout":      apierrors.NewServerTimeout(gr, "update", 2),
		"internal error":      apierrors.NewInternalError(errors.New(`failed calling webhook "x"`)),
		"too many requests":   apierrors.NewGenericServerResponse(http.StatusTooManyRequests, "PATCH", gr, "web", "", 1, true),
		"unavailable":         apierrors.NewGenericServerResponse(http.StatusServiceUnavailable, "PATCH", gr, "web", "", 0, true),
		"gateway timeout":     apierrors.NewGenericServerResponse(http.StatusGatewayTimeout, "PATCH", gr, "web", "", 0, true),
		"other 5xx":           apierrors.NewGenericServerResponse(http.StatusBadGateway, "PATCH", gr, "web", "", 0, true),
		"no kind match":       &meta.NoKindMatchError{GroupKind: schema.GroupKind{Group: "e2e.pono.dev", Kind: "Widget"}, SearchedVersions: []string{"v1"}},
		"connection refused":  &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		"connection reset":    &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
	}
	for name, err := range typed {
		if !classify(err).retry {
			t.Errorf("%s: %v is not retried", name, err)
		}
		flat := errors.New(`error updating "a": ` + err.Error() + ` && error updating "b": ok`)
		if got, want := classify(flat), classify(err); got != want {
			t.Errorf("%s flattened: classify(%q) = %+v, want %+v as for the typed error", name, flat, got, want)
		}
	}

	helm := map[string]error{
		"another operation in progress": helmPendingError(t),
		"kind not installed yet":        helmNoKindError(t),
	}
	for name, err := range helm {
		flat := errors.New(err.Error())
		if !classify(err).retry || !classify(flat).retry {
			t.Errorf("%s: Helm's error %q is not retried", name, err)
		}
	}
	if f := classify(errors.New(helm["kind not installed yet"].Error())); !f.refresh {
		t.Errorf("Helm's unknown-kind error as text does not refresh discovery: %+v", f)
	}
}

func testChart(templates ...*chart.File) *chart.Chart {
	return &chart.Chart{Metadata: &chart.Metadata{APIVersion: "v2", Name: "c", Version: "0.1.0"}, Templates: templates}
}

// helmPendingError is what Helm's upgrade returns for a release another
// operation holds (Helm's errPending, unexported).
func helmPendingError(t *testing.T) error {
	t.Helper()
	store := storage.Init(driver.NewMemory())
	ch := testChart()
	if err := store.Create(&release.Release{Name: "a", Namespace: "default", Version: 1, Chart: ch, Info: &release.Info{Status: release.StatusPendingUpgrade}}); err != nil {
		t.Fatal(err)
	}
	cfg := &action.Configuration{Releases: store, KubeClient: &kubefake.PrintingKubeClient{Out: io.Discard}, Capabilities: chartutil.DefaultCapabilities, Log: func(string, ...any) {}}
	_, err := action.NewUpgrade(cfg).Run("a", ch, nil)
	if err == nil {
		t.Fatal("upgrade of a pending release: no error")
	}
	return err
}

// helmNoKindError is what Helm's install returns for a chart whose object
// is of a kind the cluster does not serve (yet): built by Helm's own kube
// client, with a REST mapper that knows no kinds.
func helmNoKindError(t *testing.T) error {
	t.Helper()
	kc := kube.New(emptyMapperGetter{})
	kc.Log = func(string, ...any) {}
	cfg := &action.Configuration{Releases: storage.Init(driver.NewMemory()), KubeClient: reachable{kc}, Capabilities: chartutil.DefaultCapabilities, Log: func(string, ...any) {}}
	in := action.NewInstall(cfg)
	in.ReleaseName, in.Namespace, in.DisableOpenAPIValidation = "a", "default", true
	ch := testChart(&chart.File{Name: "templates/widget.yaml", Data: []byte("apiVersion: e2e.pono.dev/v1\nkind: Widget\nmetadata:\n  name: w\n")})
	_, err := in.Run(ch, nil)
	if err == nil {
		t.Fatal("install of an unknown kind: no error")
	}
	if !meta.IsNoMatchError(err) {
		t.Fatalf("Helm no longer wraps the mapping error: %v", err)
	}
	return err
}

// reachable is Helm's kube client without the reachability probe (there is
// no server).
type reachable struct{ *kube.Client }

func (reachable) IsReachable() error { return nil }

// emptyMapperGetter hands Helm a REST mapper that knows no kinds.
type emptyMapperGetter struct{}

func (emptyMapperGetter) ToRESTConfig() (*rest.Config, error) {
	return &rest.Config{Host: "http://127.0.0.1:1"}, nil
}
func (emptyMapperGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	return nil, errors.New("no discovery in this test")
}
func (emptyMapperGetter) ToRESTMapper() (meta.RESTMapper, error) {
	return meta.NewDefaultRESTMapper(nil), nil
}
func (emptyMapperGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	return clientcmd.NewDefaultClientConfig(*clientcmdapi.NewConfig(), &clientcmd.ConfigOverrides{})
}
