package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pono-gitops/pono/compiler"
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

// TestUsageExitCodes checks the exit-code contract for command lines that
// are wrong (2) and for the version flag, with the exact message.
func TestUsageExitCodes(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "missing-kubeconfig")
	for _, tc := range []struct {
		args       []string
		code       int
		stdout     string // exact when not "*"
		stderrHead string // the first line of stderr, exactly
	}{
		{[]string{"task", "valdate", "x.json"}, 2, "", `pono: unknown command "valdate" for "pono task"`},
		{[]string{"ext", "lst"}, 2, "", `pono: unknown command "lst" for "pono ext"`},
		{[]string{"completion", "bsh"}, 2, "", `pono: unknown command "bsh" for "pono completion"`},
		{[]string{"lock", "updat"}, 2, "", `pono: unknown command "updat" for "pono lock"`},
		{[]string{"nosuch"}, 2, "", `pono: unknown command "nosuch" for "pono"`},
		{[]string{"help", "valdate"}, 2, "", `pono: unknown command "valdate" for "pono"`},
		{[]string{"help", "task", "valdate"}, 2, "", `pono: unknown command "valdate" for "pono task"`},
		{[]string{"help", "task"}, 0, "*", ""},
		{[]string{"valdate", "p"}, 2, "", `pono: unknown command "valdate" for "pono"`},
		{[]string{"validate"}, 2, "", `pono: validate: accepts 1 argument(s), received 0`},
		{[]string{"validate", "--no-such-flag", "p"}, 2, "", `pono: unknown flag: --no-such-flag`},
		{[]string{"reconcile", "--kubeconfig", kubeconfig}, 2, "", `pono: --repo is required`},
		{[]string{"bootstrap", "--kubeconfig", kubeconfig}, 2, "", `pono: --repo is required`},
		{[]string{"reconcile", "--repo", "x", "--mode", "fast", "--kubeconfig", kubeconfig}, 2, "", `pono: --mode: want apply or observe, got "fast"`},
		{[]string{"--version"}, 0, "pono " + compilerVersion() + "\n", ""},
		{[]string{"version"}, 0, "pono " + compilerVersion() + "\n", ""},
		{[]string{"task"}, 0, "*", ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut.String())
			}
			if tc.stdout != "*" && out.String() != tc.stdout {
				t.Errorf("stdout = %q, want %q", out.String(), tc.stdout)
			}
			head, _, _ := strings.Cut(errOut.String(), "\n")
			if head != tc.stderrHead {
				t.Errorf("stderr starts %q, want %q", head, tc.stderrHead)
			}
		})
	}
}

// TestInterruptedExitCodes: a command whose context a signal cancelled
// exits 130 (SIGINT) or 143 (SIGTERM) with one line, whatever error the
// cancellation made it return.
func TestInterruptedExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "platform.yaml"), []byte("name: t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
		msg  string
	}{{syscall.SIGINT, 130, "pono: interrupted\n"}, {syscall.SIGTERM, 143, "pono: terminated\n"}} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&interrupt{sig: tc.sig})
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"validate", "--schema-only", dir}, strings.NewReader(""), &out, &errOut)
		if code != tc.code || errOut.String() != tc.msg {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tc.sig, code, errOut.String(), tc.code, tc.msg)
		}
	}
}

func compilerVersion() string { return compiler.Version + " (render " + compiler.RenderVersion + ")" }
