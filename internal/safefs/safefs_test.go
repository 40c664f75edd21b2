package safefs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func tree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "platform")
	outside = filepath.Join(base, "secret.txt")
	must(t, os.MkdirAll(filepath.Join(root, "charts", "app"), 0o755))
	must(t, os.WriteFile(outside, []byte("token"), 0o600))
	must(t, os.WriteFile(filepath.Join(root, "charts", "app", "Chart.yaml"), []byte("name: app\n"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(root, "charts", "app", "leak.txt")))
	must(t, os.Symlink("Chart.yaml", filepath.Join(root, "charts", "app", "alias.yaml")))
	must(t, os.Symlink("..", filepath.Join(root, "up")))
	must(t, syscall.Mkfifo(filepath.Join(root, "fifo.yaml"), 0o644))
	return root, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadFileRefusesWhatLeavesTheDirectory(t *testing.T) {
	root, outside := tree(t)
	d, err := Open(root, "platform")
	must(t, err)
	defer d.Close()

	if b, err := d.ReadFile("charts/app/alias.yaml"); err != nil || string(b) != "name: app\n" {
		t.Fatalf("link inside the root: got %q, %v", b, err)
	}
	_, err = d.ReadFile("charts/app/leak.txt")
	var le *LinkError
	if !errors.As(err, &le) || !errors.Is(err, ErrEscapes) {
		t.Fatalf("link out: got %v, want a LinkError", err)
	}
	want := "platform/charts/app/leak.txt is a symbolic link to " + outside + ", outside platform: refusing to follow it"
	if err.Error() != want {
		t.Errorf("message:\n got %s\nwant %s", err, want)
	}
	if _, err := d.ReadFile("up/secret.txt"); !errors.Is(err, ErrEscapes) {
		t.Errorf("directory link out: got %v", err)
	}
	if _, err := d.ReadFile("../secret.txt"); !errors.Is(err, ErrEscapes) {
		t.Errorf("dot-dot: got %v", err)
	}
	if _, err := d.ReadFile(outside); !errors.Is(err, ErrEscapes) {
		t.Errorf("absolute path outside: got %v", err)
	}
	_, err = d.ReadFile("fifo.yaml")
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "platform/fifo.yaml is a named pipe (FIFO)") {
		t.Errorf("fifo: got %v", err)
	}
	if _, err := d.ReadFile("missing.yaml"); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "platform/missing.yaml") {
		t.Errorf("missing: got %v", err)
	}
}

func TestReadFileLimit(t *testing.T) {
	root, _ := tree(t)
	must(t, os.WriteFile(filepath.Join(root, "big.yaml"), make([]byte, 2048), 0o644))
	d, err := Open(root, "platform")
	must(t, err)
	defer d.Close()
	d.SetLimit(1024)
	_, err = d.ReadFile("big.yaml")
	if !errors.Is(err, ErrTooLarge) || err.Error() != "platform/big.yaml is larger than 1 KiB, the limit for one file (set PONO_MAX_FILE_BYTES to raise it)" {
		t.Errorf("got %v", err)
	}
}

func TestReadRegularFile(t *testing.T) {
	if _, err := ReadRegularFile("/dev/zero", 0); !errors.Is(err, ErrNotRegular) || err.Error() != "/dev/zero is a character device, not a regular file" {
		t.Errorf("/dev/zero: got %v", err)
	}
	t.Setenv("PONO_MAX_FILE_BYTES", "10")
	p := filepath.Join(t.TempDir(), "f")
	must(t, os.WriteFile(p, []byte("01234567890"), 0o644))
	if _, err := ReadRegularFile(p, 0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over PONO_MAX_FILE_BYTES: got %v", err)
	}
}

func TestWalk(t *testing.T) {
	root, _ := tree(t)
	d, err := Open(root, "platform")
	must(t, err)
	defer d.Close()
	var names []string
	err = d.Walk("charts", nil, func(name string, data []byte) error {
		names = append(names, name)
		return nil
	})
	if !errors.Is(err, ErrEscapes) || !strings.Contains(err.Error(), "leak.txt") {
		t.Fatalf("walk over a link out: got %v", err)
	}
	must(t, os.Remove(filepath.Join(root, "charts", "app", "leak.txt")))
	names = nil
	must(t, d.Walk("charts", nil, func(name string, data []byte) error {
		names = append(names, name)
		return nil
	}))
	if strings.Join(names, ",") != "app/Chart.yaml,app/alias.yaml" {
		t.Errorf("walked %v", names)
	}
	sub, err := d.Sub("charts/app")
	must(t, err)
	if _, err := sub.ReadFile("Chart.yaml"); err != nil {
		t.Error(err)
	}
	if _, err := d.Sub("up"); !errors.Is(err, ErrEscapes) {
		t.Errorf("sub through a link out: got %v", err)
	}
	if ok, err := Within(root, filepath.Join(root, "up")); err != nil || ok {
		t.Errorf("Within(up) = %v, %v", ok, err)
	}
}
