package earlysignal

import (
	"syscall"
	"testing"
	"time"
)

// A signal that arrives before Take is kept, with its arrival time, and
// handed over; this test binary has caught it since its own start.
func TestTakeHandsOverAnEarlySignal(t *testing.T) {
	sent := time.Now()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // well within StartupGrace
	select {
	case ev := <-Take():
		if ev.Sig != syscall.SIGTERM || ev.At.Before(sent) || ev.At.After(sent.Add(50*time.Millisecond)) {
			t.Errorf("event = %v at +%v, want SIGTERM within 50ms of %v", ev.Sig, ev.At.Sub(sent), sent)
		}
	case <-time.After(time.Second):
		t.Fatal("no event")
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	if ExitCode(syscall.SIGINT) != 130 || ExitCode(syscall.SIGTERM) != 143 {
		t.Errorf("exit codes %d, %d; want 130, 143", ExitCode(syscall.SIGINT), ExitCode(syscall.SIGTERM))
	}
	if Message(syscall.SIGINT) != "interrupted" || Message(syscall.SIGTERM) != "terminated" {
		t.Errorf("messages %q, %q", Message(syscall.SIGINT), Message(syscall.SIGTERM))
	}
}
