// Package registry starts a real OCI registry (Debian's docker-registry,
// the CNCF distribution server) on a loopback port for tests.
package registry

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pono-gitops/pono/test/testenv"
)

// Binary is the registry server Debian's docker-registry package installs.
const Binary = "docker-registry"

// Registry is a running registry.
type Registry struct {
	// Addr is host:port.
	Addr string
	stop func()
}

// Stop kills the registry now (it is also stopped when the test ends), so a
// test can prove that a later step needs no registry.
func (r *Registry) Stop() { r.stop() }

// Start runs a registry for the test. It fails the test, saying how to fix
// it, when the server is not installed.
func Start(t testing.TB) *Registry {
	t.Helper()
	testenv.NeedsServer(t, "an OCI registry")
	bin, err := exec.LookPath(Binary)
	if err != nil {
		t.Fatalf("%s not found: install Debian's docker-registry package (make deps does)", Binary)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "data"), addr)
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			logf.Close()
		})
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &Registry{Addr: addr, stop: stop}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
	t.Fatalf("registry on %s did not become ready in 15s; log:\n%s", addr, log)
	return nil
}
