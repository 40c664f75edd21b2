package reconcile

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/pono-gitops/pono/cluster/livediff"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/cluster/ui"
	"github.com/pono-gitops/pono/compiler"
)

type tokenKey struct{}

// WithTriggerToken returns ctx carrying the token that protects
// POST /reconcile and the page's "reconcile now" (used by Run when
// RunOptions.TriggerToken is empty: the command line sets it before Run).
func WithTriggerToken(ctx context.Context, token []byte) context.Context {
	return context.WithValue(ctx, tokenKey{}, token)
}

func triggerToken(ctx context.Context, ro RunOptions) []byte {
	if len(ro.TriggerToken) > 0 {
		return ro.TriggerToken
	}
	t, _ := ctx.Value(tokenKey{}).([]byte)
	return t
}

// newUI is the web page served under /ui/ next to the other endpoints.
func (r *Reconciler) newUI(token []byte) *ui.Server {
	var rel ui.ReleaseReader
	if cr, err := ui.NewClusterReleases(r.cluster.RESTConfig); err == nil {
		rel = cr
	} else {
		r.log.Warn("web page: release details unavailable", "err", err)
	}
	live := livediff.NewLiveDiff(&compiler.Config{}, r.cluster.RESTConfig)
	// Under least-privilege RBAC the page reads only where apply may.
	live.Namespaces = r.newApply().Namespaces
	return ui.New(ui.Options{
		Token:    token,
		Trigger:  r.Trigger,
		Releases: rel,
		Plan:     live.Compare,
		Logger:   r.log,
	})
}

// publishUI reads the cluster's view of the platform the cluster is held
// to and publishes it with the status of the last cycle. It runs in the
// loop after each cycle, so the page changes when a cycle ends.
func (r *Reconciler) publishUI(ctx context.Context, srv *ui.Server) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	in := ui.Input{Platform: r.uiPlatform()}
	if r.good != nil && r.good.res != nil {
		in.Result = r.good.res
		reader := status.NewStatus(r.cluster)
		reader.Namespaces = r.newApply().Namespaces
		st, err := reader.Run(ctx, r.good.res)
		if err != nil {
			in.Platform.Error = "release status not read: " + err.Error()
		} else {
			in.Status = st
		}
	}
	srv.Publish(ui.Build(in))
}

func (r *Reconciler) uiPlatform() ui.Platform {
	p := ui.Platform{ReconcilerStatus: r.last, Leader: r.leader.Load()}
	for _, w := range r.opts.Windows {
		p.Windows = append(p.Windows, w.String())
	}
	if r.good != nil && r.good.res != nil {
		p.Name = r.good.res.Platform.Name
	}
	return p
}

// followUI keeps a follower's page on the leader's status: while this
// replica does not lead, it reads the status ConfigMap every interval and
// publishes it when it changed (the leader's own cycles are what the
// page would show; a follower has no compiled platform, so no table).
func (r *Reconciler) followUI(ctx context.Context, srv *ui.Server, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var last []byte
	for {
		if !r.leader.Load() {
			last = r.publishFollower(ctx, srv, last)
		} else {
			last = nil
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// publishFollower publishes the leader's recorded status unless it is the
// one published last (seen); it returns what it published.
func (r *Reconciler) publishFollower(ctx context.Context, srv *ui.Server, seen []byte) []byte {
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var p ui.Platform
	st, err := ReadStatus(rctx, r.cs, r.opts.Namespace)
	if err != nil {
		p.Error = "the leader's status not read: " + err.Error()
	} else {
		p.ReconcilerStatus = *st
	}
	for _, w := range r.opts.Windows {
		p.Windows = append(p.Windows, w.String())
	}
	key, _ := json.Marshal(p)
	if bytes.Equal(key, seen) || r.leader.Load() {
		return seen
	}
	srv.Publish(ui.Build(ui.Input{Platform: p}))
	return key
}
