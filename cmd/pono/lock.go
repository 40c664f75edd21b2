package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/compiler"
)

func newLockCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "lock", Short: "Maintain pono.lock"}
	cmd.AddCommand(newLockUpdateCmd(s))
	return cmd
}

func newLockUpdateCmd(s streams) *cobra.Command {
	var f compileFlags
	cmd := &cobra.Command{
		Use:   "update DIR",
		Short: "Resolve every chart again and rewrite pono.lock",
		Long: "update resolves the charts of the platform in DIR and of each of its environments as if\n" +
			"there were no lock: the newest versions the constraints allow, and charts whose content\n" +
			"changed under an unchanged version accepted. It rewrites DIR/pono.lock (atomically: on\n" +
			"failure the old lock stays) and prints each change. Entries nothing asks for are dropped.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			changed := 0
			for _, env := range append([]string{""}, compiler.Environments(dir)...) {
				c := compiler.NewCompile(f.config())
				c.Env, c.Offline, c.UpdateLock = env, f.offline, true
				res, err := c.Run(cmd.Context(), dir)
				if err != nil {
					if env != "" {
						return fmt.Errorf("environment %s: %w", env, err)
					}
					return err
				}
				printWarnings(s.err, res)
				if len(res.LockChanges) == 0 {
					continue
				}
				if err := res.WriteLock(dir); err != nil {
					return err
				}
				for _, ch := range res.LockChanges {
					fmt.Fprintf(s.err, "pono.lock: %s\n", ch)
				}
				changed += len(res.LockChanges)
			}
			if changed == 0 {
				fmt.Fprintln(s.out, "pono.lock is up to date")
				return nil
			}
			fmt.Fprintf(s.out, "pono.lock updated: %d changes\n", changed)
			return nil
		},
	}
	cmd.Flags().BoolVar(&f.offline, "offline", false, "use only the chart cache; never touch the network")
	cmd.Flags().StringVar(&f.cacheDir, "cache-dir", compiler.DefaultCacheDir(), "chart cache directory")
	bindAllowExternal(cmd, &f.allowExternal)
	return cmd
}
