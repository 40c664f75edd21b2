// Package hostile runs the hostile-input corpus: one txtar per case, each
// an input tree, the pono command a careless or hostile user would run,
// the exact message and the exit code. The pono binary is built from this
// checkout (testenv.Pono) and run as a process, so signals and exit codes
// are real.
//
// Commands a case can use besides testscript's own:
//
//	exits N CMD ARGS...   run CMD; pass its output through; fail unless it exits N
//	mkfifo NAME           a named pipe
//	bigfile NAME SIZE     a sparse file of SIZE bytes (suffixes K, M, G)
//	signal SIG MS N ARGS  run pono ARGS, send SIG after MS milliseconds, want exit N within a second
//
// UPDATE_SCRIPTS=1 rewrites cmp golden sections.
package hostile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pono-gitops/pono/test/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"exits": exitsMain,
	})
}

// exitsMain is the `exits N CMD ARGS...` command, run as a subprocess.
func exitsMain() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: exits N CMD ARGS...")
		os.Exit(100)
	}
	want, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "exits: N must be a number")
		os.Exit(100)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	got := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			fmt.Fprintln(os.Stderr, "exits:", err)
			os.Exit(100)
		}
		got = ee.ExitCode()
	}
	if got != want {
		fmt.Fprintf(os.Stderr, "exits: %s exited %d, want %d\n", os.Args[2], got, want)
		os.Exit(100)
	}
	os.Exit(0)
}

func TestHostile(t *testing.T) {
	bin := testenv.Pono(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("PONO_CACHE", env.WorkDir+"/.cache")
			env.Setenv("TERM", "dumb")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkfifo":  cmdMkfifo,
			"bigfile": cmdBigfile,
			"signal":  cmdSignal,
			"mktar":   cmdMktar, // image archives (mktar_test.go)
		},
	})
}

func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo NAME")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
}

func cmdBigfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bigfile NAME SIZE")
	}
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(f.Truncate(size(ts, args[1])))
	ts.Check(f.Close())
}

// cmdSignal runs pono, signals it after a delay and checks that it exits
// with the wanted code within a second of the signal.
func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: signal INT|TERM MS EXITCODE ARGS...")
	}
	sig := map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM}[args[0]]
	if sig == 0 {
		ts.Fatalf("signal: unknown signal %s", args[0])
	}
	delay, err := strconv.Atoi(args[1])
	ts.Check(err)
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	// exec.Command would look pono up in the test process's PATH, not the script's.
	prog := "pono"
	for _, d := range filepath.SplitList(ts.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(d, "pono")); err == nil && !fi.IsDir() {
			prog = filepath.Join(d, "pono")
			break
		}
	}
	cmd := exec.Command(prog, args[3:]...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = scriptEnv(ts)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ts.Check(cmd.Start())
	time.Sleep(time.Duration(delay) * time.Millisecond)
	ts.Check(cmd.Process.Signal(sig))
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		ts.Fatalf("pono %s did not stop within 5s of SIG%s", strings.Join(args[3:], " "), args[0])
	}
	took := time.Since(sent)
	if got := cmd.ProcessState.ExitCode(); got != want {
		ts.Fatalf("pono exited %d after SIG%s, want %d; stderr:\n%s", got, args[0], want, stderr.String())
	}
	if took > time.Second {
		ts.Fatalf("pono took %v to stop after SIG%s, want under a second", took.Round(time.Millisecond), args[0])
	}
	ts.Logf("stopped %v after SIG%s; stderr: %s", took.Round(time.Millisecond), args[0], stderr.String())
}

func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "PONO_CACHE", "TERM", "NO_COLOR", "TMPDIR"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}
