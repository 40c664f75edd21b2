package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/klog/v2"

	"github.com/pono-gitops/pono/test/testenv"
)

// shared is the one cluster of a test binary, started by the first Shared
// call and stopped by Main.
var shared struct {
	mainCalled bool
	once       sync.Once
	c          *Cluster
	err        error
	logFile    *os.File
}

// Main runs the package's tests and then stops the cluster Shared started,
// if any. Call it from TestMain:
//
//	func TestMain(m *testing.M) { cluster.Main(m) }
//
// When a test failed, the cluster's logs are kept and their directory is
// printed.
func Main(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	shared.mainCalled = true
	// client-go logs through klog straight to stderr (throttling notices,
	// watch restarts), which buries test output. Silence it until a cluster
	// exists, then send it to a file beside the components' logs.
	klog.SetSlogLogger(slog.New(slog.DiscardHandler))
	code := m.Run()
	c := shared.c
	if c == nil {
		return code
	}
	if code != 0 {
		if err := c.stop(true); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		fmt.Fprintf(os.Stderr, "cluster: tests failed; local cluster logs kept in %s\n", c.LogDir())
	} else if err := c.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	if shared.logFile != nil {
		shared.logFile.Close()
	}
	return code
}

// Shared returns the test binary's cluster, starting it on first use. A
// cluster that cannot start fails the test; it never skips it.
func Shared(t testing.TB) *Cluster {
	t.Helper()
	testenv.NeedsServer(t, "a local Kubernetes control plane")
	if !shared.mainCalled {
		t.Fatal("cluster.Shared needs TestMain to call cluster.Main(m), which stops the cluster after the tests")
	}
	shared.once.Do(func() {
		logger := slog.New(slog.DiscardHandler)
		if testing.Verbose() {
			logger = slog.New(slog.NewTextHandler(os.Stderr, nil)).With("pkg", "test/cluster")
		}
		shared.c, shared.err = Start(context.Background(), Options{Logger: logger})
		if shared.err != nil {
			return
		}
		f, err := os.Create(filepath.Join(shared.c.LogDir(), "client.log"))
		if err == nil {
			shared.logFile = f
			klog.SetSlogLogger(slog.New(slog.NewTextHandler(f, nil)))
		}
	})
	if shared.err != nil {
		t.Fatalf("local cluster: %v", shared.err)
	}
	return shared.c
}
