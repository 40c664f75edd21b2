// Package testenv says which tests `go test -short` leaves out: exactly
// those that start a server (a Kubernetes control plane, dockerd, an OCI
// registry, a git server) or read Kaapana's files in ../shared. Everything
// else runs in the fast loop (`make test-unit`).
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// NeedsServer skips t under -short; what names the server, for the log.
func NeedsServer(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("needs %s: not run with -short", what)
	}
}

// SharedDir is the absolute path of ../shared/<sub> beside the repository.
// It skips t under -short, and fails it loudly when the directory is
// missing: a test that needs Kaapana's files never passes without them.
func SharedDir(t testing.TB, sub string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("reads ../shared/%s: not run with -short", sub)
	}
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("Kaapana reference files missing (shared/ must be beside the repository): %v", err)
	}
	return dir
}
