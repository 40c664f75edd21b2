package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/compiler"
)

// compileFlags are the options validate, compile and ext list share.
type compileFlags struct {
	env           string
	offline       bool
	locked        bool
	cacheDir      string
	allowExternal bool
	ageKeyFile    string
}

func (f *compileFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.env, "env", "e", "", "environment overlay to merge (a directory under environments/)")
	cmd.Flags().BoolVar(&f.offline, "offline", false, "use only the lock file and the chart cache; never touch the network")
	cmd.Flags().BoolVar(&f.locked, "locked", false, "fail if pono.lock is missing an entry or would change")
	cmd.Flags().StringVar(&f.cacheDir, "cache-dir", compiler.DefaultCacheDir(), "chart cache directory")
	bindAllowExternal(cmd, &f.allowExternal)
	bindAgeKeyFile(cmd, &f.ageKeyFile)
}

// bindAgeKeyFile is where SOPS-encrypted platform files find their age
// keys (default $SOPS_AGE_KEY_FILE).
func bindAgeKeyFile(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "age-key-file", "", "age identities that decrypt SOPS-encrypted platform files (default $SOPS_AGE_KEY_FILE)")
}

// config is the compiler configuration the flags ask for.
func (f *compileFlags) config() *compiler.Config {
	return &compiler.Config{CacheDir: f.cacheDir, AllowExternalSources: f.allowExternal, AgeKeyFile: f.ageKeyFile}
}

// bindAllowExternal is the opt-in for path sources outside the platform
// directory; pono reconcile has no such flag.
func bindAllowExternal(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "allow-external-sources", false, "accept path sources outside the platform directory (local use; the reconciler never does)")
}

func (f *compileFlags) action(s streams) *compiler.Compile {
	c := compiler.NewCompile(f.config())
	c.Env = f.env
	c.Offline = f.offline
	c.Locked = f.locked
	return c
}

// printReleases prints a one-line summary per compiled release.
func printReleases(w io.Writer, rels []compiler.Release) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RELEASE\tNAMESPACE\tCHART\tVERSION\tKIND\tNEEDS")
	for _, r := range rels {
		needs := "-"
		if len(r.Needs) > 0 {
			needs = strings.Join(r.Needs, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Namespace, r.Chart.Name, r.Chart.Version, r.Kind, needs)
	}
	return tw.Flush()
}

func printWarnings(w io.Writer, res *compiler.Result) {
	for _, d := range res.Warnings {
		fmt.Fprintln(w, d.String())
	}
}

func newValidateCmd(s streams) *cobra.Command {
	var f compileFlags
	var schemaOnly bool
	cmd := &cobra.Command{
		Use:   "validate DIR",
		Short: "Check a platform: schema, parameters, charts, rendering and policy",
		Long: "validate compiles the platform in DIR completely (charts resolved, every release rendered\n" +
			"and checked against policy) and reports every problem at once, without writing anything.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := f.action(s)
			c.SchemaOnly = schemaOnly
			res, err := c.Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			if schemaOnly {
				fmt.Fprintf(s.out, "platform %s is valid (schema only; charts not resolved or rendered)\n", res.Platform.Name)
				return nil
			}
			// Extensions lists workflows too, as Kaapana's page does; the
			// summary counts them apart.
			if w := len(res.Workflows); w > 0 {
				fmt.Fprintf(s.out, "platform %s is valid: %d extensions, %d workflows, %d releases\n", res.Platform.Name, len(res.Extensions)-w, w, len(res.Releases))
			} else {
				fmt.Fprintf(s.out, "platform %s is valid: %d extensions, %d releases\n", res.Platform.Name, len(res.Extensions), len(res.Releases))
			}
			return nil
		},
	}
	f.bind(cmd)
	cmd.Flags().BoolVar(&schemaOnly, "schema-only", false, "check the platform files only; do not resolve or render charts")
	return cmd
}

func newCompileCmd(s streams) *cobra.Command {
	var f compileFlags
	var outDir string
	var updateLock bool
	var format *compileFormat
	cmd := &cobra.Command{
		Use:   "compile DIR --output-dir OUT",
		Short: "Compile a platform into Helm releases, rendered manifests and a lock",
		Long: "compile writes OUT/releases.yaml (every release with its chart, values, labels and needs),\n" +
			"OUT/manifests/<release>.yaml (canonical rendered manifests) and OUT/pono.lock, and updates\n" +
			"DIR/pono.lock when chart resolutions changed (unless --locked). -o is the format of the\n" +
			"summary printed (table, json or yaml); -o OUT, a directory, is deprecated for --output-dir.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := outDir
			if format.dir != "" {
				if out != "" {
					return usageErr(fmt.Errorf("compile: --output-dir and -o DIR exclude each other: use --output-dir"))
				}
				out = format.dir
				fmt.Fprintf(s.err, "warning: pono compile -o DIR is deprecated; use --output-dir DIR\n")
			}
			if out == "" {
				return usageErr(fmt.Errorf("compile: --output-dir OUT is required"))
			}
			// Refuse before the work: the output is checked again when written.
			if err := compiler.CheckOutput(out, args[0]); err != nil {
				return err
			}
			c := f.action(s)
			c.UpdateLock = updateLock
			res, err := c.Run(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			printWarnings(s.err, res)
			o := compiler.Output{Dir: out, PlatformDir: args[0], WriteLock: len(res.LockChanges) > 0}
			// Held off a signal's hard exit: the renames publish both or neither.
			release := holdExit(cmd.Context())
			err = res.Write(cmd.Context(), o)
			release()
			if err != nil {
				return err
			}
			for _, c := range res.LockChanges {
				fmt.Fprintf(s.err, "pono.lock: %s\n", c)
			}
			if done, err := writeStructured(s.out, format.value, compileView(res, out)); done {
				return err
			}
			fmt.Fprintf(s.out, "compiled platform %s: %d releases into %s\n", res.Platform.Name, len(res.Releases), out)
			return printReleases(s.out, res.Releases)
		},
	}
	f.bind(cmd)
	cmd.Flags().StringVarP(&outDir, "output-dir", "d", "", "output directory")
	format = bindCompileOutput(cmd)
	cmd.Flags().BoolVar(&updateLock, "update-lock", false, "re-resolve every chart ignoring pono.lock (newest allowed versions; charts changed under a locked version accepted)")
	return cmd
}

// compileFormat is compile's -o: a format as everywhere else, or, for a
// deprecation period, the output directory compile -o used to take.
type compileFormat struct {
	outputFormat
	dir string
}

func (f *compileFormat) Set(s string) error {
	err := f.outputFormat.Set(s)
	var fe *formatError
	if errors.As(err, &fe) {
		f.dir = s
		return nil
	}
	return err
}

func bindCompileOutput(cmd *cobra.Command) *compileFormat {
	f := &compileFormat{outputFormat: *newOutputFormat("table", "json", "yaml")}
	cmd.Flags().VarP(f, "output", "o", "summary format: table, json, yaml (a directory: deprecated, use --output-dir)")
	return f
}
