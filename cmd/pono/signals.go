package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pono-gitops/pono/cmd/pono/internal/earlysignal"
)

// defaultGrace is how long a command may run on after SIGINT or SIGTERM
// cancelled its context before pono exits on its own: long enough to
// remove a temporary container or pod, short enough that Ctrl-C stops
// every command within a second, also one stuck in a step that does not
// watch the context (a read of a FIFO, a CUE evaluation).
const defaultGrace = 500 * time.Millisecond

// interrupt is the cause of a context cancelled by a signal.
type interrupt struct{ sig syscall.Signal }

func (e *interrupt) Error() string { return e.message() }

// Is makes an interrupt a context.Canceled, as signal.NotifyContext's is.
func (e *interrupt) Is(target error) bool { return target == context.Canceled }

func (e *interrupt) message() string { return earlysignal.Message(e.sig) }

func (e *interrupt) exitCode() int { return earlysignal.ExitCode(e.sig) }

// interrupted returns the signal that cancelled ctx, if one did.
func interrupted(ctx context.Context) (*interrupt, bool) {
	var in *interrupt
	ok := errors.As(context.Cause(ctx), &in)
	return in, ok
}

// exitGuard coordinates the end of the process between the command and
// the signal watchdog: a command holds it while it publishes output (a
// rename that must not be cut in half) and while pono reports at the
// edge; the watchdog takes it before exiting on its own.
type exitGuard struct {
	mu       sync.RWMutex
	grace    atomic.Int64
	finished atomic.Bool
}

type guardKey struct{}

func guardOf(ctx context.Context) *exitGuard {
	g, _ := ctx.Value(guardKey{}).(*exitGuard)
	return g
}

// holdExit keeps the watchdog from exiting until release is called. It
// is a no-op when ctx carries no guard (tests running the CLI in-process).
func holdExit(ctx context.Context) (release func()) {
	g := guardOf(ctx)
	if g == nil {
		return func() {}
	}
	g.mu.RLock()
	return g.mu.RUnlock
}

// setGrace gives the running command d after a signal, instead of
// defaultGrace, before pono exits on its own (reconcile lets its running
// cycle finish its Helm operations).
func setGrace(ctx context.Context, d time.Duration) {
	if g := guardOf(ctx); g != nil {
		g.grace.Store(int64(d))
	}
}

// watchSignals cancels the returned context on the first signal from ch
// (SIGINT or SIGTERM), with an *interrupt as cause. If the command has not
// returned within its grace of the signal's arrival, or on a second
// signal, it prints one line to w and exits with 130 (SIGINT) or 143
// (SIGTERM). stop ends the watch.
func watchSignals(ch <-chan earlysignal.Event, w io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	g := &exitGuard{}
	g.grace.Store(int64(defaultGrace))
	ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), guardKey{}, g))
	done := make(chan struct{})
	go func() {
		var first earlysignal.Event
		select {
		case first = <-ch:
		case <-done:
			return
		}
		in := &interrupt{sig: first.Sig}
		cancel(in)
		t := time.NewTimer(time.Until(first.At.Add(time.Duration(g.grace.Load()))))
		select {
		case <-ch:
		case <-t.C:
		case <-done:
			return
		}
		g.mu.Lock()
		if g.finished.Load() {
			g.mu.Unlock()
			return // the command reported already and pono is exiting
		}
		fmt.Fprintf(w, "pono: %s\n", in.message())
		exit(in.exitCode())
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
	}
}

// finish marks that the command has returned and pono reports its
// outcome; call it with the exit held.
func finish(ctx context.Context) {
	if g := guardOf(ctx); g != nil {
		g.finished.Store(true)
	}
}
