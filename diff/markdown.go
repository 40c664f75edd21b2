package diff

import (
	"fmt"
	"io"
	"strings"
)

// GitHubCommentLimit is the most characters a GitHub comment may hold.
const GitHubCommentLimit = 65536

// MarkdownOptions tune the pull-request format.
type MarkdownOptions struct {
	// Limit is the most characters to write (default: a margin under
	// GitHub's comment limit).
	Limit int
}

var changeIcon = map[string]string{ChangeAdded: "🟢", ChangeRemoved: "🔴", ChangeUpgraded: "🔵", ChangeReconfigured: "🟡", ChangeConflict: "⛔", ChangeDrifted: "🟠"}

// WriteMarkdown writes a pull-request comment: a summary table first, then
// one collapsible section per changed release. Sections are shortened, then
// left out, to stay under the limit, with a note of what was cut.
func WriteMarkdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	limit := opts.Limit
	if limit <= 0 {
		limit = GitHubCommentLimit - 1536
	}
	var head strings.Builder
	fmt.Fprintf(&head, "### pono plan for `%s`\n\n", r.Platform)
	fmt.Fprintf(&head, "Comparing `%s` → `%s`.\n\n", r.Base, r.Head)
	s := r.Summary
	if !r.HasChanges() {
		fmt.Fprintf(&head, "**No changes.** %d releases unchanged.\n", s.Unchanged)
		_, err := io.WriteString(w, head.String())
		return err
	}
	fmt.Fprintf(&head, "**%d to add, %d to remove, %d to upgrade, %d to reconfigure", s.Added, s.Removed, s.Upgraded, s.Reconfigured)
	if s.Drifted > 0 {
		fmt.Fprintf(&head, ", %d drifted", s.Drifted)
	}
	if s.Conflicts > 0 {
		fmt.Fprintf(&head, ", %d conflicts", s.Conflicts)
	}
	fmt.Fprintf(&head, "**, %d unchanged.\n\n", s.Unchanged)
	head.WriteString("| | Release | Change | Details |\n|---|---|---|---|\n")
	for _, rel := range r.Releases {
		fmt.Fprintf(&head, "| %s | `%s` | %s | %s |\n", changeIcon[rel.Change], rel.Name, rel.Change, mdEscape(details(rel)))
	}
	for _, l := range r.Lock {
		fmt.Fprintf(&head, "\n`pono.lock`: %s", mdEscape(l))
	}
	head.WriteString("\n")

	out := head.String()
	budget := limit - len(out) - 400 // room for the truncation note
	var cut []string
	for _, rel := range r.Releases {
		sec := section(rel)
		switch {
		case len(sec) <= budget:
			out += sec
			budget -= len(sec)
		case budget > 600:
			short, dropped := shorten(rel, budget-200)
			out += short
			budget -= len(short)
			cut = append(cut, fmt.Sprintf("`%s` (%d diff lines)", rel.Name, dropped))
		default:
			cut = append(cut, fmt.Sprintf("`%s` (whole section)", rel.Name))
		}
	}
	if len(cut) > 0 {
		out += fmt.Sprintf("\n> **Output shortened** to stay under GitHub's %d-character comment limit: %s. Run `pono diff` for the full plan.\n", GitHubCommentLimit, strings.Join(cut, ", "))
	}
	_, err := io.WriteString(w, out)
	return err
}

func section(rel ReleaseChange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary>%s <code>%s</code> %s</summary>\n\n", changeIcon[rel.Change], rel.Name, rel.Change)
	writeBody(&b, rel, rel.Objects)
	b.WriteString("\n</details>\n")
	return b.String()
}

func writeBody(b *strings.Builder, rel ReleaseChange, objs []ObjectDiff) {
	writeWorkflowMarkdown(b, rel.Workflow)
	if rel.ChartFrom != "" || rel.ChartTo != "" {
		fmt.Fprintf(b, "Chart: %s → %s\n\n", orDash(rel.ChartFrom), orDash(rel.ChartTo))
	}
	if len(rel.Values) > 0 {
		b.WriteString("| Value | Before | After |\n|---|---|---|\n")
		for _, v := range rel.Values {
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", v.Path, mdCode(v.From), mdCode(v.To))
		}
		b.WriteString("\n")
	}
	for _, o := range objs {
		if len(o.SecretKeys) > 0 {
			fmt.Fprintf(b, "`%s`: secret keys changed: %s (values hidden)\n\n", o.ID, strings.Join(o.SecretKeys, ", "))
		}
		if o.Field != "" {
			fmt.Fprintf(b, "`%s`: %s\n\n", o.ID, mdEscape(o.Field))
		}
		if o.Diff != "" {
			fmt.Fprintf(b, "```diff\n%s```\n", strings.ReplaceAll(o.Diff, "```", "ʼʼʼ"))
		}
	}
}

// shorten writes a section whose diffs are cut to fit max characters.
func shorten(rel ReleaseChange, max int) (string, int) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary>%s <code>%s</code> %s (shortened)</summary>\n\n", changeIcon[rel.Change], rel.Name, rel.Change)
	dropped := 0
	var kept []ObjectDiff
	used := 0
	for _, o := range rel.Objects {
		if used+len(o.Diff) < max {
			kept = append(kept, o)
			used += len(o.Diff)
			continue
		}
		room := max - used
		lines := strings.SplitAfter(o.Diff, "\n")
		n := 0
		size := 0
		for n < len(lines) && size+len(lines[n]) < room {
			size += len(lines[n])
			n++
		}
		dropped += len(lines) - n
		o.Diff = strings.Join(lines[:n], "")
		if o.Diff != "" {
			o.Diff += fmt.Sprintf("... %d lines cut\n", len(lines)-n)
		}
		kept = append(kept, o)
		used = max
	}
	writeBody(&b, rel, kept)
	b.WriteString("\n</details>\n")
	return b.String(), dropped
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func mdCode(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", "\\|") + "`"
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// details is the summary table's last column.
func details(rel ReleaseChange) string {
	switch rel.Change {
	case ChangeAdded:
		return rel.ChartTo
	case ChangeRemoved:
		return rel.ChartFrom
	case ChangeUpgraded:
		if rel.ChartFrom != rel.ChartTo && (rel.Workflow == nil || rel.Workflow.Empty()) {
			return rel.ChartFrom + " → " + rel.ChartTo + valuesSuffix(rel)
		}
		return rel.Reason + valuesSuffix(rel)
	case ChangeReconfigured:
		return strings.TrimPrefix(valuesSuffix(rel), ": ")
	}
	if rel.Layer != "" {
		return rel.Reason + " (" + rel.Layer + ")"
	}
	return rel.Reason
}
