// Package gitserver gives tests real git repositories and real git servers:
// repositories built with the git CLI (commits, tags, OpenPGP- and
// SSH-signed commits), git's own smart HTTP backend behind basic auth, and
// Debian's OpenSSH server on a loopback port.
//
// Everything runs with an isolated HOME, no system git config and its own
// GNUPGHOME, so the machine's configuration cannot leak into a test. A
// missing binary (git, sshd, ssh-keygen, gpg) fails the test loudly, naming
// the Debian package to install (test/scripts/install-deps.sh installs them),
// instead of skipping.
package gitserver

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Identity is the author and committer of every commit the helpers make.
const (
	AuthorName  = "Pono Test"
	AuthorEmail = "pono-test@example.org"
)

// lookPath finds a binary or fails the test saying which package has it.
func lookPath(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install Debian's %s package (test/scripts/install-deps.sh does)", name, pkg)
	}
	return p
}

// gitEnv is the environment every git (and gpg, ssh-keygen) command runs
// with: the caller's environment minus anything that would point git at
// another repository or config, plus an isolated HOME and a fixed identity.
func gitEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(kv, "HOME=") ||
			strings.HasPrefix(kv, "GNUPGHOME=") || strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME="+AuthorName,
		"GIT_AUTHOR_EMAIL="+AuthorEmail,
		"GIT_COMMITTER_NAME="+AuthorName,
		"GIT_COMMITTER_EMAIL="+AuthorEmail,
		"GIT_TERMINAL_PROMPT=0",
	)
	return append(env, extra...)
}

// run runs a command in dir and returns its trimmed standard output; it
// fails the test with the command's output when the command fails.
func run(t testing.TB, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s (in %s): %v\nstdout:\n%s\nstderr:\n%s",
			name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// shortTempDir makes a temporary directory under os.TempDir rather than
// t.TempDir: gpg-agent's socket path must stay under the 108-byte limit of
// a Unix socket address, and test names can make t.TempDir paths long.
func shortTempDir(t testing.TB, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// gitCmd is a git command in dir with env, for callers that look at the
// exit status themselves.
func gitCmd(t testing.TB, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(lookPath(t, "git", "git"), args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd
}
