package dockerd

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestStartStop starts a private engine, uses it and stops it: nothing of
// it is left behind.
func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	e, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dockerd answering after %s", time.Since(start).Round(time.Millisecond))
	c := e.Client(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	pid := e.cmd.Process.Pid
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(e.Dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Stop: %v", e.Dir, err)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); !os.IsNotExist(err) {
		t.Errorf("dockerd (pid %d) still running after Stop", pid)
	}
}

func TestBusyboxIsStatic(t *testing.T) {
	if _, err := Busybox(); err != nil {
		t.Fatal(err)
	}
}
