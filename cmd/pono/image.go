package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pono-gitops/pono/compiler/imagecheck"
)

func newImageCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{Use: "image", Short: "Check container images before they reach a platform"}
	cmd.AddCommand(newImageCheckCmd(s))
	return cmd
}

func newImageCheckCmd(s streams) *cobra.Command {
	var f compileFlags
	cmd := &cobra.Command{
		Use:   "check FILE.tar [DIR]",
		Short: "Check a docker save or OCI layout archive before it is side-loaded",
		Long: "check reads a docker save or OCI layout archive without unpacking it: no entry may leave\n" +
			"the archive or an image's file system (../, absolute names, links out), manifests, configs\n" +
			"and tags must be readable and blobs match their digests, and an image's\n" +
			"/processing-container.json must validate. With DIR (a platform) it also lists the\n" +
			"extensions and workflows that run each image and fails when one would pull it instead\n" +
			"(imagePullPolicy other than IfNotPresent). Exit status 1 when the archive should not be loaded.",
		Args: rangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := imagecheck.Options{Archive: args[0], Compile: f.action(s)}
			if len(args) == 2 {
				o.Platform = args[1]
			}
			rep, err := imagecheck.Run(cmd.Context(), o)
			if err != nil {
				return err
			}
			printImageReport(s.out, rep)
			for _, w := range rep.Warnings {
				fmt.Fprintln(s.err, w)
			}
			for _, p := range rep.Problems {
				fmt.Fprintln(s.err, p)
			}
			if rep.Failed() {
				return errSilent
			}
			return nil
		},
	}
	f.bind(cmd)
	return cmd
}

func printImageReport(w io.Writer, rep *imagecheck.Report) {
	n := len(rep.Images)
	fmt.Fprintf(w, "%s: %s archive, %d image%s\n", rep.Archive, rep.Format, n, plural(n))
	if rep.Skipped > 0 {
		fmt.Fprintf(w, "  (%d manifest%s of a multi-platform index not in the archive)\n", rep.Skipped, plural(rep.Skipped))
	}
	for _, img := range rep.Images {
		tags := "untagged"
		if len(img.Tags) > 0 {
			tags = strings.Join(img.Tags, ", ")
		}
		fmt.Fprintf(w, "  %s: %s, %d layer%s, id %s\n", tags, img.Platform, img.Layers, plural(img.Layers), img.ID)
		switch img.PC {
		case "valid":
			fmt.Fprintf(w, "    processing container: /processing-container.json valid (templates: %s)\n", strings.Join(img.Templates, ", "))
		case "invalid":
			fmt.Fprintln(w, "    processing container: /processing-container.json invalid")
		default:
			fmt.Fprintln(w, "    no /processing-container.json (not a processing container)")
		}
		for _, r := range img.Refs {
			line := fmt.Sprintf("    used by %s %s: %s", r.Kind, r.Name, r.Where)
			if r.PullPolicy != "" {
				line += ", imagePullPolicy " + r.PullPolicy
			}
			fmt.Fprintln(w, line)
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// rangeArgs is cobra.RangeArgs reporting a usage error.
func rangeArgs(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
			return usageErr(fmt.Errorf("%s: accepts %d or %d arguments, received %d\nusage: %s", path, lo, hi, len(args), cmd.UseLine()))
		}
		return nil
	}
}
