package main

import (
	"bytes"
	"context"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/pono-gitops/pono/cmd/pono/internal/earlysignal"
)

// fakeExit records the code and ends the watchdog goroutine as os.Exit
// would end the process. The watchdog writes its line before it exits, so
// a test that has received the code may read the writer.
func fakeExit(codes chan<- int) func(int) {
	return func(code int) {
		codes <- code
		runtime.Goexit()
	}
}

func TestWatchdogExitsAfterGrace(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		msg  string
	}{
		{syscall.SIGINT, 130, "pono: interrupted\n"},
		{syscall.SIGTERM, 143, "pono: terminated\n"},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			var w bytes.Buffer
			codes := make(chan int, 1)
			sigs := make(chan earlysignal.Event, 2)
			ctx, stop := watchSignals(sigs, &w, fakeExit(codes))
			defer stop()
			sent := time.Now()
			sigs <- earlysignal.Event{Sig: tc.sig, At: time.Now()}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
				t.Fatal("context not cancelled by the signal")
			}
			in, ok := interrupted(ctx)
			if !ok || in.exitCode() != tc.code {
				t.Fatalf("cause = %v, want an interrupt with exit code %d", context.Cause(ctx), tc.code)
			}
			// A command that ignores ctx: the watchdog exits on its own.
			select {
			case code := <-codes:
				took := time.Since(sent)
				if code != tc.code || took < defaultGrace || took > time.Second {
					t.Errorf("exit %d after %v, want %d between %v and 1s", code, took, tc.code, defaultGrace)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("watchdog did not exit")
			}
			if got := w.String(); got != tc.msg {
				t.Errorf("stderr = %q, want %q", got, tc.msg)
			}
		})
	}
}

func TestWatchdogSecondSignalExitsAtOnce(t *testing.T) {
	var w bytes.Buffer
	codes := make(chan int, 1)
	sigs := make(chan earlysignal.Event, 2)
	ctx, stop := watchSignals(sigs, &w, fakeExit(codes))
	defer stop()
	setGrace(ctx, time.Hour)
	sigs <- earlysignal.Event{Sig: syscall.SIGTERM, At: time.Now()}
	<-ctx.Done()
	sigs <- earlysignal.Event{Sig: syscall.SIGINT, At: time.Now()}
	select {
	case code := <-codes:
		if code != 143 {
			t.Errorf("exit %d, want 143 (the first signal decides)", code)
		}
	case <-time.After(time.Second):
		t.Fatal("second signal did not exit at once")
	}
}

// A command that returns within its grace reports itself; the watchdog
// stays silent.
func TestWatchdogLeavesAFinishedCommandAlone(t *testing.T) {
	var w bytes.Buffer
	codes := make(chan int, 1)
	sigs := make(chan earlysignal.Event, 2)
	ctx, stop := watchSignals(sigs, &w, fakeExit(codes))
	release := holdExit(ctx) // publishing output: the watchdog must wait
	sigs <- earlysignal.Event{Sig: syscall.SIGINT, At: time.Now()}
	<-ctx.Done()
	time.Sleep(defaultGrace + 200*time.Millisecond)
	select {
	case code := <-codes:
		t.Fatalf("watchdog exited %d while the command held the exit", code)
	default:
	}
	finish(ctx)
	release()
	select {
	case code := <-codes:
		t.Fatalf("watchdog exited %d after the command finished", code)
	case <-time.After(200 * time.Millisecond):
	}
	stop()
	if got := w.String(); got != "" {
		t.Errorf("watchdog wrote %q", got)
	}
}
