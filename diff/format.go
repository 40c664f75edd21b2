package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// TextOptions tune the terminal format.
type TextOptions struct {
	// Color adds ANSI colors (on a terminal; never when piped).
	Color bool
}

const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

var changeSign = map[string]string{ChangeAdded: "+", ChangeRemoved: "-", ChangeUpgraded: "^", ChangeReconfigured: "~", ChangeConflict: "!", ChangeDrifted: "≠"}

// WriteText writes the plan as unified text: the release summary, then
// each changed release's value changes and object diffs.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	c := func(color, s string) string {
		if !opts.Color {
			return s
		}
		return color + s + reset
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", c(bold, fmt.Sprintf("Plan for platform %s: %s -> %s", r.Platform, r.Base, r.Head)))
	if !r.HasChanges() {
		fmt.Fprintf(&b, "No changes. %d releases unchanged.\n", r.Summary.Unchanged)
	}
	for _, rel := range r.Releases {
		layer := ""
		if rel.Layer != "" {
			layer = " [" + rel.Layer + "]"
		}
		fmt.Fprintf(&b, "  %s %-40s %s%s\n", c(signColor(rel.Change), changeSign[rel.Change]), rel.Name, describe(rel), layer)
	}
	if r.HasChanges() {
		s := r.Summary
		fmt.Fprintf(&b, "%d to add, %d to remove, %d to upgrade, %d to reconfigure", s.Added, s.Removed, s.Upgraded, s.Reconfigured)
		if s.Drifted > 0 {
			fmt.Fprintf(&b, ", %d drifted", s.Drifted)
		}
		if s.Conflicts > 0 {
			fmt.Fprintf(&b, ", %d conflicts", s.Conflicts)
		}
		fmt.Fprintf(&b, ", %d unchanged.\n", s.Unchanged)
	}
	for _, l := range r.Lock {
		fmt.Fprintf(&b, "pono.lock: %s\n", l)
	}
	for _, rel := range r.Releases {
		fmt.Fprintf(&b, "\n%s\n", c(cyan+bold, fmt.Sprintf("=== %s (%s)", rel.Name, rel.Change)))
		writeWorkflowText(&b, rel.Workflow, c)
		if len(rel.Values) > 0 {
			b.WriteString("values:\n")
			for _, v := range rel.Values {
				fmt.Fprintf(&b, "  %s\n", valueLine(v, c))
			}
		}
		for _, o := range rel.Objects {
			if o.Field != "" {
				fmt.Fprintf(&b, "%s: %s\n", o.ID, o.Field)
			}
			if len(o.SecretKeys) > 0 {
				fmt.Fprintf(&b, "%s: secret keys changed: %s (values hidden)\n", o.ID, strings.Join(o.SecretKeys, ", "))
			}
			for _, line := range strings.SplitAfter(o.Diff, "\n") {
				if line == "" {
					continue
				}
				switch {
				case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
					b.WriteString(c(bold, strings.TrimSuffix(line, "\n")) + "\n")
				case strings.HasPrefix(line, "+"):
					b.WriteString(c(green, strings.TrimSuffix(line, "\n")) + "\n")
				case strings.HasPrefix(line, "-"):
					b.WriteString(c(red, strings.TrimSuffix(line, "\n")) + "\n")
				case strings.HasPrefix(line, "@@"):
					b.WriteString(c(cyan, strings.TrimSuffix(line, "\n")) + "\n")
				default:
					b.WriteString(line)
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func signColor(change string) string {
	switch change {
	case ChangeAdded:
		return green
	case ChangeRemoved, ChangeConflict:
		return red
	}
	return yellow
}

func valueLine(v ValueChange, c func(string, string) string) string {
	switch v.Change {
	case "added":
		return c(green, fmt.Sprintf("+ %s: %s", v.Path, v.To))
	case "removed":
		return c(red, fmt.Sprintf("- %s: %s", v.Path, v.From))
	}
	return c(yellow, fmt.Sprintf("~ %s: %s -> %s", v.Path, v.From, v.To))
}

// describe is the one-line explanation of a release change.
func describe(rel ReleaseChange) string {
	switch rel.Change {
	case ChangeAdded:
		return "added (" + rel.ChartTo + ")"
	case ChangeRemoved:
		return "removed (" + rel.ChartFrom + ")"
	case ChangeUpgraded:
		if rel.ChartFrom != "" && rel.ChartTo != "" && (rel.Workflow == nil || rel.Workflow.Empty()) {
			return "upgraded: " + rel.ChartFrom + " -> " + rel.ChartTo + valuesSuffix(rel)
		}
		return "upgraded: " + rel.Reason
	case ChangeReconfigured:
		return "reconfigured" + valuesSuffix(rel)
	}
	return rel.Change + ": " + rel.Reason
}

func valuesSuffix(rel ReleaseChange) string {
	if len(rel.Values) == 0 {
		return ""
	}
	var paths []string
	for _, v := range rel.Values {
		paths = append(paths, v.Path)
	}
	if len(paths) > 4 {
		paths = append(paths[:4], fmt.Sprintf("and %d more", len(paths)-4))
	}
	return ": " + strings.Join(paths, ", ")
}

// WriteJSON writes the report for tools.
func WriteJSON(w io.Writer, r *Report) error {
	if r.Releases == nil {
		r.Releases = []ReleaseChange{}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
