package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pono-gitops/pono/internal/cachedir"
)

var binaries struct {
	sync.Mutex
	built map[string]*builtBinary
}

type builtBinary struct {
	once sync.Once
	path string
	err  error
}

// GoBinary builds the main package pkg (an import path of this module) and
// returns the executable's path, once per test process. It reuses a
// program linked before from the same compiled packages: `go build` links
// anew every time (12 s for pono, which the hostile corpus, e2e and the
// CLI tests each need), while a linked program is a function of the
// package archives in the build cache, which `go list -export` names by
// content, of the Go version and of the flags.
func GoBinary(pkg string) (string, error) {
	binaries.Lock()
	if binaries.built == nil {
		binaries.built = map[string]*builtBinary{}
	}
	b := binaries.built[pkg]
	if b == nil {
		b = &builtBinary{}
		binaries.built[pkg] = b
	}
	binaries.Unlock()
	b.once.Do(func() { b.path, b.err = linkCached(pkg) })
	return b.path, b.err
}

// Pono is cmd/pono, built once per test process (GoBinary).
func Pono(tb testing.TB) string {
	tb.Helper()
	bin, err := GoBinary("github.com/pono-gitops/pono/cmd/pono")
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// buildFlags are fixed so the key below is sound: no VCS stamp, which
// would change with every commit without changing a package.
var buildFlags = []string{"-buildvcs=false"}

func linkCached(pkg string) (string, error) {
	list := exec.Command("go", append([]string{"list", "-deps", "-export", "-f", "{{.ImportPath}} {{.Export}}"}, append(buildFlags, pkg)...)...)
	archives, err := list.Output()
	if err != nil {
		return "", fmt.Errorf("go list -export %s: %v%s", pkg, err, stderrOf(err))
	}
	version, err := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED").Output()
	if err != nil {
		return "", fmt.Errorf("go env: %v%s", err, stderrOf(err))
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%q\n%s\n", version, buildFlags, archives)
	key := hex.EncodeToString(h.Sum(nil))[:32]

	base := cachedir.Default()
	if base == "" {
		base = os.TempDir()
	}
	root := filepath.Join(base, "testbin")
	dir := filepath.Join(root, key)
	bin := filepath.Join(dir, path.Base(pkg))
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		now := time.Now()
		_ = os.Chtimes(dir, now, now) // kept by prune as recently used
		return bin, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	prune(root)
	tmp, err := os.MkdirTemp(root, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	out, err := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", filepath.Join(tmp, path.Base(pkg)), pkg)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	// Another test process may have linked the same program meanwhile:
	// either copy is the same, and the rename of a directory is atomic.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(bin); statErr != nil {
			return "", err
		}
	}
	return bin, nil
}

// prune drops programs not used for three days, so the cache holds about
// one program per package and recent checkout.
func prune(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 72*time.Hour {
			_ = os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return "\n" + string(ee.Stderr)
	}
	return ""
}
