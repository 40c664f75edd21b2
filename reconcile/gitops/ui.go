package gitops

import (
	"context"
	"time"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/reconcile"
	"github.com/pono-gitops/pono/reconcile/diff"
	"github.com/pono-gitops/pono/reconcile/ui"
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
	if cr, err := ui.NewClusterReleases(r.cfg.RESTConfig); err == nil {
		rel = cr
	} else {
		r.log.Warn("web page: release details unavailable", "err", err)
	}
	live := diff.NewLiveDiff(&compiler.Config{}, r.cfg.RESTConfig)
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
		st, err := reconcile.NewStatus(r.cluster).Run(ctx, r.good.res)
		if err != nil {
			in.Platform.Error = "release status not read: " + err.Error()
		} else {
			in.Status = st
		}
	}
	srv.Publish(ui.Build(in))
}

func (r *Reconciler) uiPlatform() ui.Platform {
	st := r.last
	p := ui.Platform{Repo: st.Repo, Ref: st.Ref, Path: st.Path, Env: st.Env, Mode: string(st.Mode), Reconciler: st.Reconciler,
		Leader: r.leader.Load(), CheckedAt: st.CheckedAt}
	for _, w := range r.opts.Windows {
		p.Windows = append(p.Windows, w.String())
	}
	if st.LastApplied != nil {
		c := uiCommit(*st.LastApplied)
		p.LastApplied = &c
	}
	if a := st.LastAttempt; a != nil {
		ua := &ui.Attempt{Commit: uiCommit(a.CommitRef), Trigger: a.Trigger, Started: a.Time, Duration: a.Duration, Result: string(a.Result), Error: a.Error, Window: a.Window}
		for _, x := range a.Releases {
			ua.Releases = append(ua.Releases, ui.ReleaseOutcome{Name: x.Name, Namespace: x.Namespace, Action: x.Action, Reason: x.Reason, Outcome: x.Outcome, Error: x.Error})
		}
		for _, d := range a.Drift {
			ua.Drift = append(ua.Drift, ui.Drift{Release: d.Release, Objects: d.Objects, Corrected: d.Corrected})
		}
		p.LastAttempt = ua
	}
	if r.good != nil && r.good.res != nil {
		p.Name = r.good.res.Platform.Name
	}
	return p
}

func uiCommit(c CommitRef) ui.Commit {
	return ui.Commit{Commit: c.Commit, Subject: c.Subject, Author: c.Author, Time: c.Time}
}
