// Package dockerd starts a private Docker engine for tests: dockerd with the
// vfs storage driver, no iptables and no bridge, its socket, data root and
// exec root in a temporary directory, so it never touches the machine's own
// engine. It also builds the small FROM-scratch busybox images the Task API
// tests run.
//
// The engine needs root and Debian's docker.io and busybox-static packages
// (test/scripts/install-deps.sh installs them). When it cannot start, tests
// fail loudly instead of skipping.
package dockerd

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pono-gitops/pono/internal/dockerengine"

	"github.com/pono-gitops/pono/test/testenv"
)

// Engine is a running private dockerd.
type Engine struct {
	// Host is the engine address, unix://<dir>/docker.sock.
	Host string
	// Dir holds the socket, data root, exec root and the engine's log.
	Dir  string
	cmd  *exec.Cmd
	done chan error
}

// Start starts dockerd and waits until it answers (about 5 s).
func Start(ctx context.Context) (*Engine, error) {
	bin, err := exec.LookPath("dockerd")
	if err != nil {
		return nil, fmt.Errorf("dockerd not installed (run test/scripts/install-deps.sh): %w", err)
	}
	dir, err := os.MkdirTemp("", "pono-dockerd-")
	if err != nil {
		return nil, err
	}
	e := &Engine{Dir: dir, Host: "unix://" + filepath.Join(dir, "docker.sock"), done: make(chan error, 1)}
	logf, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	e.cmd = exec.Command(bin,
		"--storage-driver", "vfs",
		"--iptables=false",
		"--ip6tables=false",
		"--bridge=none",
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"),
		"-H", e.Host,
	)
	e.cmd.Stdout, e.cmd.Stderr = logf, logf
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := e.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start dockerd: %w", err)
	}
	go func() { e.done <- e.cmd.Wait() }()

	c, err := dockerengine.New(e.Host)
	if err != nil {
		e.Stop()
		return nil, err
	}
	defer c.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		perr := c.Ping(pctx)
		cancel()
		if perr == nil {
			return e, nil
		}
		select {
		case werr := <-e.done:
			log := e.log()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("dockerd exited (%v):\n%s", werr, log)
		case <-ctx.Done():
			e.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log := e.log()
			e.Stop()
			return nil, fmt.Errorf("dockerd did not answer within 60s: %v\n%s", perr, log)
		}
	}
}

func (e *Engine) log() string {
	b, _ := os.ReadFile(filepath.Join(e.Dir, "dockerd.log"))
	s := string(b)
	if len(s) > 4000 {
		s = "...\n" + s[len(s)-4000:]
	}
	return s
}

// Stop terminates dockerd (SIGTERM, SIGKILL after 20 s) and removes its
// directory.
func (e *Engine) Stop() error {
	if e.cmd.Process != nil {
		_ = e.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-e.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
			<-e.done
		}
	}
	return os.RemoveAll(e.Dir)
}

// Client returns a client for the engine; the test closes it at cleanup.
func (e *Engine) Client(t testing.TB) *dockerengine.Client {
	t.Helper()
	c, err := dockerengine.New(e.Host)
	if err != nil {
		t.Fatalf("docker client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var shared struct {
	once   sync.Once
	engine *Engine
	err    error
}

// Shared returns the package's engine, starting it on first use. Call
// Main from TestMain so it is stopped when the package's tests end.
func Shared(t testing.TB) *Engine {
	t.Helper()
	testenv.NeedsServer(t, "a private Docker engine")
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		start := time.Now()
		shared.engine, shared.err = Start(ctx)
		if shared.err == nil {
			t.Logf("private dockerd answering at %s after %s", shared.engine.Host, time.Since(start).Round(time.Millisecond))
		}
	})
	if shared.err != nil {
		t.Fatalf("private dockerd could not start (it needs root, docker.io and busybox-static): %v", shared.err)
	}
	return shared.engine
}

// Main runs the package's tests and stops the shared engine afterwards:
// func TestMain(m *testing.M) { os.Exit(dockerd.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.engine != nil {
		if err := shared.engine.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stop dockerd: %v\n", err)
		}
	}
	return code
}

// Busybox is the static busybox binary the test images are built from
// (Debian's busybox-static puts it at /bin/busybox). A dynamically linked
// busybox would not run in a FROM-scratch image, so it is refused.
func Busybox() (string, error) {
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		static := true
		for _, prog := range f.Progs {
			if prog.Type == elf.PT_INTERP {
				static = false
			}
		}
		f.Close()
		if static {
			return p, nil
		}
	}
	return "", errors.New("no statically linked busybox in /bin or /usr/bin (install busybox-static)")
}

// BuildImage builds the Dockerfile in dir, tagged tag, with the static
// busybox available in the context as "busybox".
func (e *Engine) BuildImage(t testing.TB, dir, tag string) {
	t.Helper()
	bb, err := Busybox()
	if err != nil {
		t.Fatal(err)
	}
	c := e.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	if err := c.Build(ctx, dir, tag, map[string]string{"busybox": bb}); err != nil {
		t.Fatalf("build %s from %s: %v", tag, dir, err)
	}
	t.Logf("built %s in %s", tag, time.Since(start).Round(time.Millisecond))
}
