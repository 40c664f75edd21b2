package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
)

// kubeFlags select the cluster, as kubectl and helm do.
type kubeFlags struct {
	kubeconfig string
	context    string
}

func (k *kubeFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&k.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
	cmd.Flags().StringVar(&k.context, "kube-context", "", "kubeconfig context to use")
}

// config is the cluster's Config, logging to log (nil: nowhere).
func (k *kubeFlags) config(log *slog.Logger) (*kube.Config, error) {
	return kube.Kubeconfig{Path: k.kubeconfig, Context: k.context}.Config(log)
}

func newApplyCmd(s streams) *cobra.Command {
	var f compileFlags
	var k kubeFlags
	var af applyFlags
	var dryRun bool
	var stats bool
	var format *outputFormat
	cmd := &cobra.Command{
		Use:   "apply DIR",
		Short: "Converge the cluster to the platform: install, upgrade and prune Helm releases",
		Long: "apply compiles the platform in DIR and makes the cluster match it through the Helm SDK\n" +
			"(releases stored in Secrets, as the helm CLI does). Only releases labelled as pono's for\n" +
			"this platform are upgraded or removed; a same-named release pono does not own fails.\n" +
			"Releases run in dependency order (needs, CRDs before their users, namespaces before their\n" +
			"users) with bounded parallelism; a failure blocks only the releases that depend on it.\n" +
			"An unchanged release is skipped without rendering or writing. An invalid platform applies\n" +
			"nothing.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := af.options()
			if err != nil {
				return err
			}
			opts.DryRun = dryRun
			cfg, err := k.config(nil)
			if err != nil {
				return err
			}
			res, err := f.action(s).Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			pr := newProgress(s.err)
			var count requestCounter
			if stats {
				cfg.RESTConfig.Wrap(count.wrap)
			}
			a := apply.New(cfg, opts)
			a.Progress = pr.event
			rep, err := a.Run(cmd.Context(), res)
			pr.finish()
			if stats {
				fmt.Fprintf(s.err, "api requests: %d reads, %d writes\n", count.reads.Load(), count.writes.Load())
			}
			if rep != nil {
				done, werr := writeStructured(s.out, format.value, applyView(rep))
				if werr != nil {
					return werr
				}
				if !done {
					printApplyReport(s.out, rep)
				}
			}
			var fe *apply.FailedError
			if errors.As(err, &fe) {
				return &exitError{code: 1, err: err}
			}
			return err
		},
	}
	f.bind(cmd)
	k.bind(cmd)
	fl := cmd.Flags()
	af.bind(cmd)
	fl.BoolVar(&dryRun, "dry-run", false, "print what would be done; change nothing")
	format = bindOutput(cmd, "report format", "table", "json", "yaml")
	fl.BoolVar(&stats, "stats", false, "print how many read and write requests apply sent to the API server")
	return cmd
}

// requestCounter counts API requests by kind (read or write).
type requestCounter struct{ reads, writes atomic.Int64 }

func (c *requestCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.reads.Add(1)
		default:
			c.writes.Add(1)
		}
		return rt.RoundTrip(r)
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// progress prints one line per release as it starts and finishes, and on
// a terminal a live count below them, refreshed every second.
type progress struct {
	w     io.Writer
	tty   bool
	began time.Time

	mu                   sync.Mutex
	shown                bool
	done, running, total int
	stop                 chan struct{}
	stopped              sync.WaitGroup
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, began: time.Now(), stop: make(chan struct{})}
	if terminal(w) {
		p.tty = true
		p.stopped.Add(1)
		go p.tick()
	}
	return p
}

func (p *progress) tick() {
	defer p.stopped.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			if p.shown {
				fmt.Fprint(p.w, "\r\033[K")
				p.count()
			}
			p.mu.Unlock()
		}
	}
}

func (p *progress) count() {
	fmt.Fprintf(p.w, "%d/%d done, %d running, %s", p.done, p.total, p.running, time.Since(p.began).Round(time.Second))
	p.shown = true
}

func (p *progress) event(ev apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.running, p.total = ev.Done, ev.Running, ev.Total
	if p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
	switch ev.Type {
	case apply.EventStart:
		fmt.Fprintf(p.w, "[%d/%d] %-11s %s/%s: %s\n", ev.Done, ev.Total, ev.Step.Action, ev.Step.Namespace, ev.Step.Name, ev.Step.Reason)
	case apply.EventFinish:
		r := ev.Result
		line := fmt.Sprintf("[%d/%d] %-11s %s/%s: %s in %s", ev.Done, ev.Total, r.Outcome, r.Namespace, r.Name, r.Action, r.Duration.Round(10*time.Millisecond))
		if r.Detail != "" {
			line += " (" + r.Detail + ")"
		}
		if r.Error != "" {
			line += ": " + errorSummary(r.Error)
		}
		fmt.Fprintln(p.w, line)
	}
	if p.tty {
		p.count()
	}
}

func (p *progress) finish() {
	close(p.stop)
	p.stopped.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func printApplyReport(w io.Writer, rep *apply.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if rep.DryRun {
		fmt.Fprintln(tw, "WAVE\tRELEASE\tNAMESPACE\tACTION\tREASON\tAFTER")
		for i, r := range rep.Results {
			after := "-"
			if st := rep.Plan.Steps[i]; len(st.After) > 0 {
				after = strings.Join(st.After, ",")
			}
			wave := fmt.Sprint(r.Wave)
			if rep.Plan.Steps[i].Desired == nil {
				wave = fmt.Sprintf("del %d", r.Wave)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", wave, r.Name, r.Namespace, r.Action, r.Reason, after)
		}
		tw.Flush()
		c := 0
		for _, s := range rep.Plan.Steps {
			if s.Changes() {
				c++
			}
		}
		fmt.Fprintf(w, "dry run: %d release(s) would change, %d unchanged; nothing was changed\n", c, len(rep.Results)-c)
		return
	}
	fmt.Fprintln(tw, "RELEASE\tNAMESPACE\tACTION\tRESULT\tDURATION\tDETAIL")
	for _, r := range rep.Results {
		detail := r.Detail
		if r.Error != "" {
			detail = errorSummary(r.Error)
		}
		if detail == "" {
			detail = r.Reason
		}
		dur := "-"
		if r.Duration > 0 {
			dur = r.Duration.Round(10 * time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Namespace, r.Action, r.Outcome, dur, detail)
	}
	tw.Flush()
	c := rep.Counts()
	fmt.Fprintf(w, "apply %s: %d changed, %d unchanged, %d failed, %d blocked, %d kept in %s\n",
		rep.Platform, c[apply.OutcomeChanged], c[apply.OutcomeUnchanged], c[apply.OutcomeFailed], c[apply.OutcomeBlocked], c[apply.OutcomeKept], rep.Duration.Round(10*time.Millisecond))
}
