package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/test/gitserver"
)

// A remote repository is untrusted: a tree with an entry named "..", or a
// symbolic link followed by a directory of the same name, must not make
// Export write outside its destination. git's porcelain never makes such
// trees; git mktree does, and a plain push accepts them.
func TestRemoteExportHostileTrees(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	repo := gitserver.NewRepo(t)
	blob := repo.GitInput(t, "evil\n", "hash-object", "-w", "--stdin")
	inner := repo.GitInput(t, fmt.Sprintf("100644 blob %s\tpasswd\n", blob), "mktree")
	link := repo.GitInput(t, outside, "hash-object", "-w", "--stdin")
	trees := map[string]string{
		"dotdot-file": fmt.Sprintf("100644 blob %s\t..\n", blob),
		"dotdot-dir":  fmt.Sprintf("040000 tree %s\t..\n", inner),
		"symlink-dir": fmt.Sprintf("120000 blob %s\tlink\n040000 tree %s\tlink\n", link, inner),
	}
	for branch, entries := range trees {
		tree := repo.GitInput(t, entries, "mktree")
		commit := repo.Git(t, "commit-tree", "-m", branch, tree)
		repo.Git(t, "update-ref", "refs/heads/"+branch, commit)
	}
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)

	for branch := range trees {
		head := mustResolve(t, r, "branch:"+branch)
		if err := r.Fetch(context.Background(), head); err != nil {
			// Refusing the hostile objects at fetch is as good.
			t.Logf("%s: Fetch refused: %v", branch, err)
			continue
		}
		parent := t.TempDir()
		dst := filepath.Join(parent, "export")
		if err := r.Export(context.Background(), head.Commit, "", dst); err == nil {
			t.Errorf("%s: Export of a hostile tree succeeded", branch)
		} else {
			t.Logf("%s: Export: %v", branch, err)
		}
		for _, p := range []string{filepath.Join(parent, "passwd"), filepath.Join(outside, "passwd")} {
			if _, err := os.Lstat(p); err == nil {
				t.Errorf("%s: Export wrote %s, outside %s", branch, p, dst)
			}
		}
		if fi, err := os.Lstat(filepath.Join(parent, "..")); err == nil && !fi.IsDir() {
			t.Errorf("%s: Export replaced %s", branch, filepath.Join(parent, ".."))
		}
	}
}

// The local Repo's Export, which shares the tree writer, keeps writing
// links as links and executables as executables.
func TestRepoExportModes(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	if err := os.WriteFile(filepath.Join(repo.Work, "run.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("run.sh", filepath.Join(repo.Work, "link")); err != nil {
		t.Fatal(err)
	}
	head := repo.Commit(t, map[string]string{"dir/file.txt": "x"}, "modes")

	local, err := Open(repo.Work)
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	got, err := local.Export(context.Background(), "HEAD", dst)
	if err != nil {
		t.Fatal(err)
	}
	if got != head {
		t.Errorf("Export returned %s, want %s", got, head)
	}
	if fi, err := os.Stat(filepath.Join(dst, "run.sh")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("run.sh: %v, %v; want mode 0755", fi, err)
	}
	if target, err := os.Readlink(filepath.Join(dst, "link")); err != nil || target != "run.sh" {
		t.Errorf("link -> %q, %v; want run.sh", target, err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "dir", "file.txt")); err != nil || string(b) != "x" {
		t.Errorf("dir/file.txt = %q, %v", b, err)
	}
}

// A committed link that leads outside the tree (absolute, climbing out, or
// through a chain of links that are each harmless alone) is refused with
// its name; a link inside is exported as a link.
func TestExportRefusesLinksOutOfTheTree(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		links map[string]string
		want  string
	}{
		"absolute":  {links: map[string]string{"charts/app/files.txt": "/etc/passwd"}, want: "charts/app/files.txt is a symbolic link to /etc/passwd, outside the repository: refusing to export it"},
		"climbing":  {links: map[string]string{"charts/app/token": "../../../token"}, want: "charts/app/token is a symbolic link to ../../../token, outside the repository: refusing to export it"},
		"chained":   {links: map[string]string{"p/q/up": "../..", "leak": "p/q/up/../.."}, want: "leak is a symbolic link to p/q/up/../.., outside the repository: refusing to export it"},
		"inside ok": {links: map[string]string{"charts/app/alias.yaml": "../../dir/file.txt"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			repo := gitserver.NewRepo(t)
			for link, target := range tc.links {
				p := filepath.Join(repo.Work, filepath.FromSlash(link))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, p); err != nil {
					t.Fatal(err)
				}
			}
			repo.Commit(t, map[string]string{"dir/file.txt": "x"}, name)
			local, err := Open(repo.Work)
			if err != nil {
				t.Fatal(err)
			}
			_, err = local.Export(context.Background(), "HEAD", t.TempDir())
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var le *LinkOutsideError
			if !errors.As(err, &le) || !strings.HasSuffix(err.Error(), ": "+tc.want) {
				t.Errorf("got %v\nwant ...: %s", err, tc.want)
			}
		})
	}
}
