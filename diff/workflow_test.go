package diff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
)

const workflowPlatform = `name: wf
globals:
  kaapana_build_version: "0.6.0"
workflows:
  report:
    labels: {provider: pono, category: reports}
    containers:
      tools:
        processing_container: {path: pc/tools.json}
    tasks:
      fetch:
        container: tools
        template: fetch
        env: {RETRIES: 2}
      convert:
        container: tools
        template: convert
        inputs: {raw: fetch.files}
      report:
        container: tools
        template: report
        inputs: {converted: convert.out, original: fetch.files}
    parameters:
      - task: report
        env: FORMAT
        ui_form: {type: list, title: Format, description: Report format, options: [pdf, html], default: pdf}
`

const workflowPC = `{
    "name": "tools",
    "description": "Fetch, convert, report",
    "templates": [
        {"identifier": "fetch", "description": "f", "env": [{"name": "RETRIES", "value": "3", "description": "r"}],
         "inputs": [], "outputs": [{"name": "files", "mounted_path": "/out/files"}]},
        {"identifier": "convert", "description": "c", "env": [],
         "inputs": [{"name": "raw", "mounted_path": "/in/raw"}], "outputs": [{"name": "out", "mounted_path": "/out/c"}]},
        {"identifier": "report", "description": "r", "env": [{"name": "FORMAT", "value": "pdf", "choices": ["pdf", "html"], "description": "f"}],
         "inputs": [{"name": "converted", "mounted_path": "/in/c"}, {"name": "original", "mounted_path": "/in/o"}],
         "outputs": [{"name": "report", "mounted_path": "/out/r"}]}
    ]
}
`

// A workflow change is reported in the workflow's terms, before the
// chart's objects: a task added, a channel rewired, an env variable and a
// parameter's default changed (which changes the env the task receives
// too); the markdown embeds the task graph.
func TestGitDiffWorkflow(t *testing.T) {
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.write("platform/platform.yaml", workflowPlatform)
	r.write("platform/pc/tools.json", workflowPC)
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")
	r.edit("platform/platform.yaml", "env: {RETRIES: 2}", "env: {RETRIES: 5}")
	r.edit("platform/platform.yaml", "original: fetch.files}", "original: fetch.files}\n      archive:\n        container: tools\n        template: convert\n        inputs: {raw: report.report}")
	r.edit("platform/platform.yaml", "original: fetch.files}", "original: convert.out}")
	r.edit("platform/platform.yaml", "default: pdf}", "default: html}")
	d := diff.NewGitDiff(&compiler.Config{})
	d.Base = "main"
	rep, err := d.Run(context.Background(), filepath.Join(r.dir, "platform"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Releases) != 1 || rep.Releases[0].Workflow == nil {
		t.Fatalf("releases = %+v, want the workflow's", rep.Releases)
	}
	w := rep.Releases[0].Workflow
	if diff := cmp.Diff([]string{"archive"}, w.TasksAdded); diff != "" {
		t.Errorf("tasks added (-want +got):\n%s", diff)
	}
	if got := w.Summary(); got != "1 task added, 1 channel rewired, 2 env variables changed, 1 parameter changed" {
		t.Errorf("summary = %q", got)
	}
	outputs := map[string]string{}
	var b bytes.Buffer
	if err := diff.WriteText(&b, rep, diff.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	outputs["txt"] = b.String()
	b.Reset()
	if err := diff.WriteMarkdown(&b, rep, diff.MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	outputs["md"] = b.String()
	b.Reset()
	if err := diff.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	outputs["json"] = b.String()
	// The workflow's own lines come before the first object diff.
	if i, j := strings.Index(outputs["txt"], "~ channel report.original rewired"), strings.Index(outputs["txt"], "--- a/"); i < 0 || j < 0 || i > j {
		t.Errorf("text: workflow change at %d, first object diff at %d", i, j)
	}
	if !strings.Contains(outputs["md"], "```mermaid\nflowchart LR\n") {
		t.Errorf("markdown has no mermaid graph:\n%s", outputs["md"])
	}
	for format, out := range outputs {
		golden := filepath.Join("testdata", "workflow-changed."+format)
		if *update {
			if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), out); diff != "" {
			t.Errorf("%s output mismatch (-want +got):\n%s", format, diff)
		}
	}
}
