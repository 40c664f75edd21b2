package diff

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestMarkdownStaysUnderGitHubLimit(t *testing.T) {
	r := &Report{Platform: "big", Base: "main", Head: "pr"}
	for i := 0; i < 60; i++ {
		var d strings.Builder
		d.WriteString("--- a/x\n+++ b/x\n@@ -1,400 +1,400 @@\n")
		for l := 0; l < 400; l++ {
			fmt.Fprintf(&d, "+  line %d of a large rendered object\n", l)
		}
		r.Releases = append(r.Releases, ReleaseChange{Name: fmt.Sprintf("rel-%02d", i), Change: ChangeReconfigured,
			Objects: []ObjectDiff{{ID: "ConfigMap/services/x", Change: "changed", Diff: d.String()}}})
		r.Summary.Reconfigured++
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) >= GitHubCommentLimit {
		t.Fatalf("markdown is %d characters, GitHub allows %d", len(out), GitHubCommentLimit)
	}
	if !strings.Contains(out, "**Output shortened**") || !strings.Contains(out, "`rel-59` (whole section)") {
		t.Errorf("no truncation note naming what was cut:\n%s", out[len(out)-500:])
	}
	// Every release still appears in the summary table.
	for i := 0; i < 60; i++ {
		if !strings.Contains(out, fmt.Sprintf("| `rel-%02d` |", i)) {
			t.Errorf("rel-%02d missing from the summary table", i)
		}
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Error("unbalanced <details> sections")
	}
}
