package gitserver

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// DefaultRepoName is the bare repository NewRepo creates.
const DefaultRepoName = "platform.git"

// Repo is a bare repository on disk, the thing a server serves, plus a
// work clone that the helpers commit in and push from. Changes are made in
// the work clone and reach the bare repository only through Push, so a test
// controls exactly when a server sees them.
type Repo struct {
	// Root is the directory holding the bare repository; hand it to
	// StartHTTP or StartSSH.
	Root string
	// Name is the bare repository's directory name under Root, the name
	// servers' URL methods take.
	Name string
	// Bare is Root/Name.
	Bare string
	// Work is the work clone.
	Work string

	home string
}

// NewRepo creates an empty bare repository named DefaultRepoName in its own
// temporary root, and a work clone on branch main.
func NewRepo(t testing.TB) *Repo {
	t.Helper()
	return NewRepoIn(t, t.TempDir(), DefaultRepoName)
}

// NewRepoIn creates an empty bare repository root/name, so several
// repositories can share one server.
func NewRepoIn(t testing.TB, root, name string) *Repo {
	t.Helper()
	gitBin := lookPath(t, "git", "git")
	r := &Repo{
		Root: root,
		Name: name,
		Bare: filepath.Join(root, name),
		Work: t.TempDir(),
		home: t.TempDir(),
	}
	env := gitEnv(r.home)
	run(t, root, env, gitBin, "init", "--quiet", "--bare", "--initial-branch=main", r.Bare)
	run(t, r.Work, env, gitBin, "init", "--quiet", "--initial-branch=main")
	run(t, r.Work, env, gitBin, "remote", "add", "origin", r.Bare)
	return r
}

// Git runs git with args in the work clone and returns its trimmed output.
func (r *Repo) Git(t testing.TB, args ...string) string {
	t.Helper()
	return r.gitEnv(t, nil, args...)
}

// GitInput is Git with stdin, for plumbing commands such as mktree that
// build objects the porcelain refuses to, say a hostile tree.
func (r *Repo) GitInput(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	cmd := gitCmd(t, r.Work, gitEnv(r.home), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

func (r *Repo) gitEnv(t testing.TB, extraEnv []string, args ...string) string {
	t.Helper()
	return run(t, r.Work, gitEnv(r.home, extraEnv...), lookPath(t, "git", "git"), args...)
}

// Commit writes files (paths relative to the repository root, with "/"
// separators) into the work clone and commits every change in the work
// tree, including earlier Remove and CopyDir calls, on the current branch.
// It returns the new commit's hash. With nothing changed it still makes a
// commit, so a test can always move a branch.
func (r *Repo) Commit(t testing.TB, files map[string]string, msg string) string {
	t.Helper()
	return r.commit(t, files, msg, nil)
}

// CommitSigned is Commit with the commit signed by key (a *GPGKey or an
// *SSHKey).
func (r *Repo) CommitSigned(t testing.TB, files map[string]string, msg string, key Signer) string {
	t.Helper()
	return r.commit(t, files, msg, key)
}

func (r *Repo) commit(t testing.TB, files map[string]string, msg string, key Signer) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(r.Work, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r.Git(t, "add", "--all")
	var cfg, env []string
	if key != nil {
		cfg, env = key.signArgs()
	}
	args := append(cfg, "commit", "--quiet", "--allow-empty", "--no-verify", "-m", msg)
	if key != nil {
		args = append(args, "-S")
	} else {
		args = append(args, "--no-gpg-sign")
	}
	r.gitEnv(t, env, args...)
	return r.Git(t, "rev-parse", "HEAD")
}

// Remove deletes paths (files or directories, relative to the repository
// root) from the work tree; the next Commit records the removal.
func (r *Repo) Remove(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.RemoveAll(filepath.Join(r.Work, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
}

// CopyDir copies the directory tree src (say, an example platform) to
// dstInRepo ("" or "." for the root) in the work tree; the next Commit
// records it. Symbolic links are copied as links.
func (r *Repo) CopyDir(t testing.TB, src, dstInRepo string) {
	t.Helper()
	dst := filepath.Join(r.Work, filepath.FromSlash(dstInRepo))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copy %s into the repository at %s: %v", src, dstInRepo, err)
	}
}

// Switch checks out branch in the work clone, creating it at the current
// commit when it does not exist yet.
func (r *Repo) Switch(t testing.TB, branch string) {
	t.Helper()
	if r.run(t, "rev-parse", "--verify", "--quiet", "refs/heads/"+branch) {
		r.Git(t, "switch", "--quiet", branch)
		return
	}
	r.Git(t, "switch", "--quiet", "--create", branch)
}

// run reports whether a git command succeeds, for questions like "does this
// branch exist" where failing is an answer, not an error.
func (r *Repo) run(t testing.TB, args ...string) bool {
	t.Helper()
	cmd := gitCmd(t, r.Work, gitEnv(r.home), args...)
	return cmd.Run() == nil
}

// Tag creates (or moves) the lightweight tag name at rev.
func (r *Repo) Tag(t testing.TB, name, rev string) {
	t.Helper()
	r.Git(t, "tag", "--force", name, rev)
}

// AnnotatedTag creates (or moves) the annotated tag name at rev.
func (r *Repo) AnnotatedTag(t testing.TB, name, rev, msg string) {
	t.Helper()
	r.Git(t, "tag", "--force", "--annotate", "-m", msg, name, rev)
}

// Push force-pushes every branch and tag of the work clone to the bare
// repository, so servers see them. Force, so a test can rewrite history.
func (r *Repo) Push(t testing.TB) {
	t.Helper()
	r.Git(t, "push", "--quiet", "--force", "origin", "refs/heads/*:refs/heads/*", "refs/tags/*:refs/tags/*")
}
