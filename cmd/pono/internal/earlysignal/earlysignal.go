// Package earlysignal starts catching SIGINT and SIGTERM while the
// program is still initialising. pono's dependencies (Kubernetes, Helm,
// CUE) take a few hundred milliseconds of package initialisation on a
// busy machine; a Ctrl-C in that time would otherwise kill pono with the
// default action instead of the exit code and message pono promises. It
// imports nothing heavy, so it is initialised among the first packages.
package earlysignal

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Event is a signal and when it arrived.
type Event struct {
	Sig syscall.Signal
	At  time.Time
}

// Message is the one line pono prints when a signal stops it.
func Message(sig syscall.Signal) string {
	if sig == syscall.SIGTERM {
		return "terminated"
	}
	return "interrupted"
}

// ExitCode is the shell's convention for death by signal: 130, 143.
func ExitCode(sig syscall.Signal) int { return 128 + int(sig) }

// StartupGrace bounds how long after a signal pono may still be
// initialising: nothing is written then, so it exits on its own.
const StartupGrace = 500 * time.Millisecond

var (
	events = make(chan Event, 2)
	taken  = make(chan struct{})
)

func init() {
	// The CUE evaluation child (this binary, started again by the
	// compiler) keeps the default actions: a signal ends it at once.
	if os.Getenv("PONO_INTERNAL_CUE_CHILD") == "1" {
		return
	}
	raw := make(chan os.Signal, 2)
	signal.Notify(raw, os.Interrupt, syscall.SIGTERM)
	go forward(raw)
}

func forward(raw <-chan os.Signal) {
	var first syscall.Signal
	var deadline <-chan time.Time
	for {
		select {
		case s := <-raw:
			sig, _ := s.(syscall.Signal)
			select {
			case events <- Event{Sig: sig, At: time.Now()}:
			default: // two are queued already: the first two decide
			}
			if first == 0 {
				first = sig
				deadline = time.After(StartupGrace)
			}
		case <-deadline:
			os.Stderr.WriteString("pono: " + Message(first) + "\n")
			os.Exit(ExitCode(first))
		case <-taken:
			for s := range raw {
				sig, _ := s.(syscall.Signal)
				select {
				case events <- Event{Sig: sig, At: time.Now()}:
				default:
				}
			}
		}
	}
}

// Take hands the signals over: from now on the caller handles them (and
// ends the process when a command does not stop in time).
func Take() <-chan Event {
	close(taken)
	return events
}
