package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/livediff"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/cluster/ui"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/safefs"
)

// newUICmd is `pono ui DIR`: the web page for an admin without the
// reconciler, against the current kubeconfig.
func newUICmd(s streams) *cobra.Command {
	var f compileFlags
	var k kubeFlags
	var listen string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "ui DIR",
		Short: "Serve the Extensions page for a platform directory, from the current cluster",
		Long: "ui compiles the platform in DIR, reads its releases from the cluster (the current kubeconfig)\n" +
			"and serves the web page the reconciler serves under /ui/: the Extensions table with Kaapana's\n" +
			"columns and filters, each release's history, objects and masked values, and the changes git\n" +
			"would make (the markdown plan of pono diff --live). It recompiles and rereads every --interval;\n" +
			"open pages update by themselves. It is read-only: it never changes the cluster.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if interval < time.Second {
				return usageErr(errors.New("--interval must be at least 1s"))
			}
			cfg, err := k.config(nil)
			if err != nil {
				return err
			}
			rc := cfg.RESTConfig
			dir := args[0]
			ctx := cmd.Context()
			res, err := f.action(s).Run(ctx, dir)
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			releases, err := ui.NewClusterReleases(rc)
			if err != nil {
				return err
			}
			page := ui.New(ui.Options{Releases: releases, Plan: livediff.NewLiveDiff(&compiler.Config{}, rc).Compare})
			abs, _ := filepath.Abs(dir)
			refresh := func(res *compiler.Result, compileErr error) {
				p := ui.Platform{Local: true, Dir: abs, Leader: true, ReconcilerStatus: statusdoc.ReconcilerStatus{CheckedAt: time.Now().UTC()}}
				if compileErr != nil {
					p.Error = "the platform does not compile; showing the last version that did: " + compileErr.Error()
				}
				in := ui.Input{Platform: p, Result: res}
				st, err := status.NewStatus(&kube.Config{RESTConfig: rc}).Run(ctx, res)
				if err != nil {
					in.Platform.Error = strings.TrimSpace(in.Platform.Error + " release status not read: " + err.Error())
				} else {
					in.Status = st
				}
				page.Publish(ui.Build(in))
			}
			refresh(res, nil)
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("--listen %s: %w", listen, err)
			}
			mux := http.NewServeMux()
			mux.Handle(ui.Prefix, page.Handler())
			mux.Handle("GET /{$}", http.RedirectHandler(ui.Prefix, http.StatusFound))
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			srv.RegisterOnShutdown(page.Close)
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
			}()
			go func() {
				t := time.NewTicker(interval)
				defer t.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-t.C:
					}
					next, err := f.action(s).Run(ctx, dir)
					if err == nil {
						res = next
					}
					refresh(res, err)
				}
			}()
			fmt.Fprintf(s.out, "serving %s on http://%s/ui/ (read-only; Ctrl-C stops)\n", res.Platform.Name, ln.Addr())
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f.bind(cmd)
	k.bind(cmd)
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8081", "address to serve the page on")
	cmd.Flags().DurationVar(&interval, "interval", 30*time.Second, "time between recompiles and cluster reads")
	return cmd
}

// withTriggerToken adds --trigger-token-file to `pono reconcile`: the
// token that protects POST /reconcile and enables the page's "reconcile
// now". It reaches the reconciler on the command's context.
func withTriggerToken(cmd *cobra.Command) *cobra.Command {
	var file string
	cmd.Flags().StringVar(&file, "trigger-token-file", "", "file holding the token that protects POST /reconcile and enables the web page's \"reconcile now\" (without it both are disabled)")
	prev := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if prev != nil {
			if err := prev(c, args); err != nil {
				return err
			}
		}
		if file == "" {
			return nil
		}
		b, err := safefs.ReadRegularFile(file, 4096)
		if err != nil {
			return fmt.Errorf("--trigger-token-file: %w", err)
		}
		tok := strings.TrimSpace(string(b))
		if len(tok) < 16 {
			return usageErr(fmt.Errorf("--trigger-token-file %s: the token must be at least 16 characters", file))
		}
		c.SetContext(reconcile.WithTriggerToken(c.Context(), []byte(tok)))
		return nil
	}
	return cmd
}
