package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/compiler"
)

// streams carries the process's standard streams into every subcommand, so
// no command touches os.Stdout directly and tests can run the tree in-process.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// run executes the command line and returns the process exit code:
// 0 success, 1 invalid input or failure, 2 usage error; commands may return
// an *exitError for other codes (task exit codes, diff --exit-code).
func run(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	s := streams{in: in, out: out, err: errOut}
	root := newRootCmd(s)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	release := holdExit(ctx)
	defer release()
	finish(ctx)
	if in, ok := interrupted(ctx); ok {
		// Whatever the command made of the cancellation, one line says why.
		fmt.Fprintf(errOut, "pono: %s\n", in.message())
		return in.exitCode()
	}
	if err == nil {
		return 0
	}
	verbose, _ := root.PersistentFlags().GetBool("verbose")
	return reportError(errOut, unknownCommand(root, err), verbose)
}

func newRootCmd(s streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "pono",
		Short:         "Run a Kaapana platform as code",
		Long:          "pono compiles a declarative Kaapana platform description into Helm releases,\nshows what a change will do, and converges clusters through the Helm SDK.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		// A bad -o is said once, as every command says it.
		if fe := (*formatError)(nil); errors.As(err, &fe) {
			return usageErr(fe)
		}
		return usageErr(err)
	})
	root.PersistentFlags().BoolP("verbose", "v", false, "print long error messages whole")
	// pono --version prints what pono version does.
	root.Version = compiler.Version + " (render " + compiler.RenderVersion + ")"
	root.SetVersionTemplate("pono {{.Version}}\n")
	root.AddCommand(
		newValidateCmd(s),
		newCompileCmd(s),
		newLockCmd(s),
		newExtCmd(s),
		newApplyCmd(s),
		newStatusCmd(s),
		newTaskCmd(s),
		newVersionCmd(s),
		newDiffCmd(s),
		withTriggerToken(newReconcileCmd(s)), newUICmd(s),
		newBootstrapCmd(s),
		newWorkflowCmd(s),
		newImageCmd(s),
	)
	root.InitDefaultCompletionCmd()
	root.InitDefaultVersionFlag() // listed in pono --help
	refuseUnknownSubcommands(root)
	strictHelp(root)
	return root
}

// exitError carries a specific exit code for an error already explained (or
// for a non-error outcome such as "changes present").
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// usageError marks a bad command line: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErr(err error) error { return &usageError{err: err} }

// exactArgs is cobra.ExactArgs reporting a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ") // "pono: " says the rest
			return usageErr(fmt.Errorf("%s: accepts %d argument(s), received %d\nusage: %s", path, n, len(args), cmd.UseLine()))
		}
		return nil
	}
}

var errSilent = errors.New("already reported")
