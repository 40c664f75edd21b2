package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffExitCodes checks the documented exit codes exactly:
// 0 no changes, 2 changes (with --exit-code), 1 error, 2 usage error.
func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=p", "GIT_AUTHOR_EMAIL=p@x", "GIT_COMMITTER_NAME=p", "GIT_COMMITTER_EMAIL=p@x")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write("p/platform.yaml", "name: t\nsources: {local: {path: charts}}\nextensions:\n  app: {version: \"1.0.0\", parameters: {x: a}}\n")
	write("p/charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n")
	write("p/charts/app/values.yaml", "extension_params:\n  x: {type: string}\n")
	write("p/charts/app/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: services}\ndata: {x: {{ .Values.global.x }}}\n")
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")

	code := func(args ...string) int {
		var out, errOut bytes.Buffer
		c := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		if strings.Contains(errOut.String(), "goroutine ") {
			t.Errorf("stack trace in stderr: %s", errOut.String())
		}
		return c
	}
	p := filepath.Join(dir, "p")
	if got := code("diff", p, "--base", "main", "--exit-code"); got != 0 {
		t.Errorf("no changes: exit %d, want 0", got)
	}
	write("p/platform.yaml", "name: t\nsources: {local: {path: charts}}\nextensions:\n  app: {version: \"1.0.0\", parameters: {x: b}}\n")
	if got := code("diff", p, "--base", "main", "--exit-code"); got != 2 {
		t.Errorf("changes with --exit-code: exit %d, want 2", got)
	}
	if got := code("diff", p, "--base", "main"); got != 0 {
		t.Errorf("changes without --exit-code: exit %d, want 0", got)
	}
	if got := code("diff", p, "--base", "nope", "--exit-code"); got != 1 {
		t.Errorf("bad revision: exit %d, want 1", got)
	}
	if got := code("diff", p); got != 2 {
		t.Errorf("missing --base: exit %d, want 2", got)
	}
}
