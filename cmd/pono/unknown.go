package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// refuseUnknownSubcommands gives every command that only groups others
// (task, ext, completion) a RunE: cobra would print its help and succeed
// for `pono task valdate x.json`, so a mistyped subcommand passed a CI
// gate. Without arguments the help is still printed.
func refuseUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		if sub.HasSubCommands() && !sub.Runnable() {
			sub.Args = cobra.ArbitraryArgs
			sub.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return cmd.Help()
				}
				return unknownCommandErr(cmd, args[0])
			}
		}
		refuseUnknownSubcommands(sub)
	}
}

// unknownCommandErr is cobra's message for an unknown command, with its
// suggestions, as a usage error (exit 2).
func unknownCommandErr(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, set where it suggests itself
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += "\n\nDid you mean this?\n"
		for _, x := range s {
			msg += "\t" + x + "\n"
		}
	}
	return withUsageHint(cmd, msg)
}

// unknownCommand turns cobra's own error for an unknown top-level command
// (returned before any RunE, suggestions included) into the same usage
// error; other errors pass.
func unknownCommand(root *cobra.Command, err error) error {
	var ue *usageError
	if errors.As(err, &ue) || !strings.HasPrefix(err.Error(), "unknown command ") {
		return err
	}
	return withUsageHint(root, err.Error())
}

// withUsageHint ends msg with cobra's pointer to the help.
func withUsageHint(cmd *cobra.Command, msg string) error {
	return usageErr(fmt.Errorf("%s\nRun '%s --help' for usage.", msg, cmd.CommandPath()))
}

// strictHelp makes `pono help valdate` a usage error too: cobra's help
// command prints "Unknown help topic" and succeeds.
func strictHelp(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	for _, h := range root.Commands() {
		if h.Name() != "help" || h.Run == nil {
			continue
		}
		show := h.Run
		h.Run = nil
		h.RunE = func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			switch {
			case err != nil && len(args) > 0:
				return unknownCommandErr(root, args[0])
			case len(rest) > 0:
				return unknownCommandErr(target, rest[0])
			}
			show(c, args)
			return nil
		}
	}
}
