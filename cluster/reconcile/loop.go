package reconcile

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"

	"github.com/pono-gitops/pono/internal/schedule"
)

// LeaderLease is the Lease replicas elect their leader with, in the
// reconciler's namespace.
const LeaderLease = "pono-leader"

// RunOptions control the long-running loop.
type RunOptions struct {
	// Schedule says when cycles run; the first runs at once.
	Schedule schedule.Schedule
	// Jitter delays each scheduled cycle by up to this much.
	Jitter time.Duration
	// Listen is the address of /healthz, /readyz, /metrics, /reconcile and
	// /webhook ("" serves nothing).
	Listen string
	// WebhookSecret protects /webhook (empty disables /webhook).
	WebhookSecret []byte
	// TriggerToken protects POST /reconcile and enables the web page's
	// "reconcile now" (empty disables both). Without it, Run uses a token
	// set on ctx with WithTriggerToken.
	TriggerToken []byte
	// NoUI leaves the web page (/ui/) out.
	NoUI bool
	// LeaderElection makes replicas elect one leader with a Lease; only
	// the leader runs cycles.
	LeaderElection bool
	LeaseDuration  time.Duration
	RenewDeadline  time.Duration
	RetryPeriod    time.Duration
	// GracePeriod is how long a running cycle may go on after ctx is
	// cancelled (SIGTERM) before its own context is cancelled.
	GracePeriod time.Duration
	// Ready, if set, is called once the endpoints serve (tests use it to
	// learn the address).
	Ready func(addr string)
	// OnCycle, if set, is called after each cycle with its report.
	OnCycle func(*CycleReport)
}

// Run runs cycles until ctx is cancelled. When ctx is cancelled no new
// cycle starts; a running cycle gets GracePeriod to finish its Helm
// operations, then the leader Lease is released and Run returns.
func (r *Reconciler) Run(ctx context.Context, ro RunOptions) error {
	if ro.Schedule == nil {
		return errors.New("reconcile: no schedule")
	}
	if ro.GracePeriod <= 0 {
		ro.GracePeriod = 2 * time.Minute
	}
	r.triggers = make(chan string, 1)
	var srv *http.Server
	if ro.Listen != "" {
		ln, err := net.Listen("tcp", ro.Listen)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", ro.Listen, err)
		}
		token := triggerToken(ctx, ro)
		if !ro.NoUI {
			r.page = r.newUI(token)
		}
		srv = &http.Server{Handler: r.handler(ro.WebhookSecret, token, r.page), ReadHeaderTimeout: 10 * time.Second}
		if r.page != nil {
			// Event streams never go idle: end them so Shutdown does not
			// wait for them.
			srv.RegisterOnShutdown(r.page.Close)
		}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				r.log.Error("http server", "err", err)
			}
		}()
		r.log.Info("serving", "addr", ln.Addr().String())
		if ro.Ready != nil {
			ro.Ready(ln.Addr().String())
		}
	}
	defer func() {
		if srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}
	}()
	if ro.LeaderElection && r.page != nil {
		// A follower's page shows the leader's status.
		go r.followUI(ctx, r.page, 5*orDefault(ro.RetryPeriod, 2*time.Second))
	}
	if !ro.LeaderElection {
		r.setLeader(true)
		r.loop(ctx, context.Background(), ro)
		return nil
	}
	return r.elect(ctx, ro)
}

// elect campaigns for the leader Lease and runs the loop while leading.
// Losing the lease stops the loop at once (another replica may now
// apply); shutting down keeps the lease until the running cycle ended, so
// no other leader starts while this one still operates.
func (r *Reconciler) elect(ctx context.Context, ro RunOptions) error {
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Name: LeaderLease, Namespace: r.opts.Namespace},
		Client:     r.cs.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: r.opts.Identity},
	}
	for ctx.Err() == nil {
		leCtx, leCancel := context.WithCancel(context.Background())
		var leading atomic.Bool
		loopDone := make(chan struct{})
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:            lock,
			LeaseDuration:   orDefault(ro.LeaseDuration, 15*time.Second),
			RenewDeadline:   orDefault(ro.RenewDeadline, 10*time.Second),
			RetryPeriod:     orDefault(ro.RetryPeriod, 2*time.Second),
			ReleaseOnCancel: true,
			Name:            LeaderLease,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(lctx context.Context) {
					defer close(loopDone)
					leading.Store(true)
					r.setLeader(true)
					r.log.Info("leading", "identity", r.opts.Identity)
					r.loop(ctx, lctx, ro)
					leCancel()
				},
				OnStoppedLeading: func() {
					r.setLeader(false)
					if ctx.Err() == nil {
						r.log.Warn("lost the leader lease; waiting to lead again")
					}
				},
				OnNewLeader: func(id string) {
					if id != r.opts.Identity {
						r.log.Info("following", "leader", id)
					}
				},
			},
		})
		if err != nil {
			leCancel()
			return fmt.Errorf("leader election: %w", err)
		}
		stop := context.AfterFunc(ctx, func() {
			if leading.Load() {
				select {
				case <-loopDone:
				case <-time.After(ro.GracePeriod + 5*time.Second):
				}
			}
			leCancel()
		})
		le.Run(leCtx)
		stop()
		leCancel()
	}
	return nil
}

// loop runs cycles until shutdown (ctx) or lost leadership (lead).
func (r *Reconciler) loop(ctx, lead context.Context, ro RunOptions) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		var trigger string
		select {
		case <-ctx.Done():
			return
		case <-lead.Done():
			return
		case <-timer.C:
			trigger = "schedule"
		case trigger = <-r.triggers:
		}
		cycleCtx, cancel := context.WithCancel(lead)
		grace := context.AfterFunc(ctx, func() {
			r.log.Info("shutting down: letting the running cycle finish", "grace", ro.GracePeriod)
			time.AfterFunc(ro.GracePeriod, cancel)
		})
		r.running.Store(true)
		rep := r.Cycle(cycleCtx, trigger)
		r.running.Store(false)
		grace()
		cancel()
		if r.page != nil && ctx.Err() == nil && lead.Err() == nil {
			r.publishUI(ctx, r.page)
		}
		if ro.OnCycle != nil {
			ro.OnCycle(rep)
		}
		if ctx.Err() != nil || lead.Err() != nil {
			return
		}
		now := r.now()
		next := ro.Schedule.Next(now).Add(schedule.Jitter(ro.Jitter, nil))
		if rep.Result == CyclePlanned && !rep.WindowOpen && !rep.NextWindow.IsZero() && rep.NextWindow.Before(next) {
			// Apply what waited for the window as soon as it opens.
			next = rep.NextWindow
		}
		timer.Reset(max(next.Sub(now), 0))
	}
}

// Trigger asks for a cycle now; a trigger arriving while one is pending is
// merged with it. It reports false when the loop is not running here.
func (r *Reconciler) Trigger(why string) bool {
	if r.triggers == nil || !r.leader.Load() {
		return false
	}
	select {
	case r.triggers <- why:
	default:
	}
	return true
}

func (r *Reconciler) setLeader(v bool) {
	r.leader.Store(v)
	if v {
		r.metric.leader.Set(1)
	} else {
		r.metric.leader.Set(0)
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
