package gitrepo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pono-gitops/pono/test/gitserver"
)

const (
	httpUser = "pono"
	httpPass = "correct-horse-battery-staple"
)

// The reconcile loop's steady state: a branch is resolved with one request,
// fetched once, and costs nothing more until it moves.
func TestRemoteHTTPFollowsBranch(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{
		"README.md":                      "not exported\n",
		"platform/platform.yaml":         "name: demo\n",
		"platform/charts/a/Chart.yaml":   "name: a\n",
		"platform/values/old-values.yml": "x: 1\n",
	}, "first platform")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, httpUser, httpPass)
	r := newTestRemote(t, srv.URL(repo.Name), &Auth{Username: httpUser, Password: httpPass})
	ctx := context.Background()

	before := srv.Requests()
	head := mustResolve(t, r, "branch:main")
	if got := srv.Requests() - before; got != 1 {
		t.Errorf("Resolve made %d HTTP requests, want 1", got)
	}
	want := Head{Ref: Ref{Kind: KindBranch, Name: "main"}, RefName: "refs/heads/main", Commit: c1}
	if diff := cmp.Diff(want, head); diff != "" {
		t.Fatalf("Resolve (-want +got):\n%s", diff)
	}
	mustFetch(t, r, head)
	wantFiles := map[string]string{
		"platform.yaml":         "name: demo\n",
		"charts/a/Chart.yaml":   "name: a\n",
		"values/old-values.yml": "x: 1\n",
	}
	if diff := cmp.Diff(wantFiles, exportFiles(t, r, c1, "platform")); diff != "" {
		t.Errorf("Export(platform) (-want +got):\n%s", diff)
	}

	// Nothing moved: one ls-remote, and a fetch that never reaches the server.
	before = srv.Requests()
	again := mustResolve(t, r, "branch:main")
	if again != head {
		t.Errorf("second Resolve = %v, want %v", again, head)
	}
	mustFetch(t, r, again)
	if got := srv.Requests() - before; got != 1 {
		t.Errorf("Resolve+Fetch of an unchanged branch made %d HTTP requests, want 1 (the ls-remote)", got)
	}

	// A push moves the branch; the next round sees and fetches it.
	repo.Remove(t, "platform/values/old-values.yml")
	c2 := repo.Commit(t, map[string]string{"platform/platform.yaml": "name: demo2\n"}, "rename the platform\n\nlonger body")
	repo.Push(t)
	head2 := mustResolve(t, r, "branch:main")
	if head2.Commit != c2 {
		t.Fatalf("Resolve after push = %s, want %s", head2.Commit, c2)
	}
	before = srv.Requests()
	mustFetch(t, r, head2)
	if srv.Requests() == before {
		t.Error("Fetch of a new commit made no HTTP request")
	}
	wantFiles = map[string]string{"platform.yaml": "name: demo2\n", "charts/a/Chart.yaml": "name: a\n"}
	if diff := cmp.Diff(wantFiles, exportFiles(t, r, c2, "platform/")); diff != "" {
		t.Errorf("Export after push (-want +got):\n%s", diff)
	}
	info, err := r.CommitInfo(c2)
	if err != nil {
		t.Fatal(err)
	}
	if info.Hash != c2 || info.Subject != "rename the platform" || info.Author != gitserver.AuthorName ||
		info.Email != gitserver.AuthorEmail || info.Time.IsZero() {
		t.Errorf("CommitInfo = %+v", info)
	}

	// The old commit is still in the cache: exporting it needs no network.
	before = srv.Requests()
	if got := exportFiles(t, r, c1, "."); len(got) != 4 {
		t.Errorf("Export(c1, .) wrote %d files, want 4: %v", len(got), got)
	}
	if err := r.Export(ctx, c1, "", t.TempDir()); err != nil {
		t.Errorf("Export(c1, \"\"): %v", err)
	}
	if got := srv.Requests() - before; got != 0 {
		t.Errorf("Export made %d HTTP requests, want 0", got)
	}
}

// A second Remote on the same cache directory (a restarted pono) finds
// what the first fetched.
func TestRemoteHTTPCacheSurvivesRestart(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"a.yaml": "a: 1\n"}, "first")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	cache := t.TempDir()
	r1 := newTestRemoteIn(t, srv.URL(repo.Name), nil, cache)
	mustFetch(t, r1, mustResolve(t, r1, "main"))

	r2 := newTestRemoteIn(t, srv.URL(repo.Name), nil, cache)
	if r2.CachePath() != r1.CachePath() {
		t.Fatalf("cache paths differ: %s and %s", r1.CachePath(), r2.CachePath())
	}
	before := srv.Requests()
	mustFetch(t, r2, Head{Ref: Ref{Kind: KindBranch, Name: "main"}, RefName: "refs/heads/main", Commit: c1})
	if got := srv.Requests() - before; got != 0 {
		t.Errorf("Fetch of a commit cached by an earlier Remote made %d requests, want 0", got)
	}
	if got := exportFiles(t, r2, c1, ""); got["a.yaml"] != "a: 1\n" {
		t.Errorf("Export = %v", got)
	}
}

func TestRemoteHTTPAuthErrors(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	repo.Commit(t, map[string]string{"a": "a"}, "first")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, httpUser, httpPass)
	url := srv.URL(repo.Name)
	ctx := context.Background()
	main := Ref{Kind: KindBranch, Name: "main"}

	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		const wrong = "wrong-password-do-not-print"
		auth := &Auth{Username: httpUser, Password: wrong, Source: "/etc/pono/git-auth"}
		r := newTestRemote(t, url, auth)
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrAuthFailed,
			[]string{"git ls-remote " + url, "authentication failed", "check the credentials in /etc/pono/git-auth"}, wrong)
		err = r.Fetch(ctx, Head{Ref: main, RefName: "refs/heads/main", Commit: strings.Repeat("a", 40)})
		checkErr(t, err, ErrAuthFailed, []string{"git fetch " + url, "authentication failed"}, wrong)
	})
	t.Run("wrong token", func(t *testing.T) {
		t.Parallel()
		const wrong = "ghp_wrongtokenvalue"
		r := newTestRemote(t, url, &Auth{BearerToken: wrong})
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrAuthFailed, []string{"authentication failed"}, wrong)
	})
	t.Run("password in the URL", func(t *testing.T) {
		t.Parallel()
		const wrong = "url-embedded-secret"
		withPass := strings.Replace(url, "http://", "http://"+httpUser+":"+wrong+"@", 1)
		r := newTestRemote(t, withPass, nil)
		if strings.Contains(r.URL(), wrong) {
			t.Errorf("URL() = %s shows the password", r.URL())
		}
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrAuthFailed, []string{"authentication failed (check the credentials in the URL)"}, wrong)
	})
	t.Run("no credentials", func(t *testing.T) {
		t.Parallel()
		r := newTestRemote(t, url, nil)
		_, err := r.Resolve(ctx, main)
		checkErr(t, err, ErrAuthFailed, []string{"authentication required, and no credentials are configured"})
	})
}

// A token is sent as the basic-auth password of user "git" (or of
// Username), which is what git hosts accept for tokens.
func TestRemoteHTTPToken(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"a": "a"}, "first")
	repo.Push(t)
	const token = "glpat-0123456789"
	srv := gitserver.StartHTTP(t, repo.Root, "git", token)
	r := newTestRemote(t, srv.URL(repo.Name), &Auth{BearerToken: token})
	if h := mustResolve(t, r, "main"); h.Commit != c1 {
		t.Errorf("Resolve = %s, want %s", h.Commit, c1)
	}

	srv2 := gitserver.StartHTTP(t, repo.Root, "x-access-token", token)
	r2 := newTestRemote(t, srv2.URL(repo.Name), &Auth{Username: "x-access-token", BearerToken: token})
	mustFetch(t, r2, mustResolve(t, r2, "main"))
}

func TestRemoteHTTPTagsAndSemver(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"version": "1.0.0"}, "1.0.0")
	repo.Tag(t, "v1.0.0", c1)
	c2 := repo.Commit(t, map[string]string{"version": "1.1.0"}, "1.1.0")
	repo.AnnotatedTag(t, "v1.1.0", c2, "release 1.1.0")
	c3 := repo.Commit(t, map[string]string{"version": "1.2.0"}, "1.2.0")
	repo.Tag(t, "1.2.0", c3) // no "v": still a version
	c4 := repo.Commit(t, map[string]string{"version": "2.0.0-rc.1"}, "2.0.0-rc.1")
	repo.AnnotatedTag(t, "v2.0.0-rc.1", c4, "release candidate")
	repo.Tag(t, "latest", c4)
	repo.Commit(t, map[string]string{"version": "dev"}, "development")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)

	tests := []struct {
		ref        string
		wantRef    Ref
		wantName   string
		wantCommit string
	}{
		{"tag:v1.0.0", Ref{KindTag, "v1.0.0"}, "refs/tags/v1.0.0", c1},
		{"refs/tags/v1.1.0", Ref{KindTag, "v1.1.0"}, "refs/tags/v1.1.0", c2}, // annotated: peeled to the commit
		{"v1.1.0", Ref{KindTag, "v1.1.0"}, "refs/tags/v1.1.0", c2},           // bare name, no such branch
		{"semver:>=1.0.0 <2", Ref{KindSemver, ">=1.0.0 <2"}, "refs/tags/1.2.0", c3},
		{"semver:~1.1", Ref{KindSemver, "~1.1"}, "refs/tags/v1.1.0", c2},
		{"semver:>=2.0.0-0", Ref{KindSemver, ">=2.0.0-0"}, "refs/tags/v2.0.0-rc.1", c4},
		{"HEAD", Ref{KindBranch, "main"}, "refs/heads/main", ""},
	}
	for _, tt := range tests {
		h := mustResolve(t, r, tt.ref)
		if h.Ref != tt.wantRef || h.RefName != tt.wantName || (tt.wantCommit != "" && h.Commit != tt.wantCommit) {
			t.Errorf("Resolve(%s) = %+v, want ref %v, name %s, commit %s", tt.ref, h, tt.wantRef, tt.wantName, shortHash(tt.wantCommit))
		}
	}

	// An annotated tag fetches and exports like any other ref.
	h := mustResolve(t, r, "tag:v1.1.0")
	mustFetch(t, r, h)
	if got := exportFiles(t, r, h.Commit, ""); got["version"] != "1.1.0" {
		t.Errorf("Export(v1.1.0) = %v", got)
	}
	if h.String() != "tag:v1.1.0 at "+shortHash(c2) {
		t.Errorf("Head.String() = %q", h.String())
	}
	if s := mustResolve(t, r, "semver:1.2.x").String(); s != "semver:1.2.x (1.2.0) at "+shortHash(c3) {
		t.Errorf("Head.String() = %q", s)
	}

	_, err := r.Resolve(context.Background(), mustParseRef(t, "semver:^3"))
	checkErr(t, err, ErrRefNotFound, []string{`no tag matches semver "^3"`, "highest first: v2.0.0-rc.1, 1.2.0, v1.1.0, v1.0.0"})
}

func TestRemoteHTTPPinnedCommit(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"v": "1"}, "one")
	c2 := repo.Commit(t, map[string]string{"v": "2"}, "two")
	repo.Switch(t, "side")
	c3 := repo.Commit(t, map[string]string{"v": "3"}, "three")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)

	// The branch first, shallow: the cache then holds c2 without history.
	mustFetch(t, r, mustResolve(t, r, "branch:main"))

	before := srv.Requests()
	pinned := mustResolve(t, r, "commit:"+c1)
	if srv.Requests() != before {
		t.Error("Resolve of a pinned commit touched the network")
	}
	if pinned != (Head{Ref: Ref{Kind: KindCommit, Name: c1}, Commit: c1}) {
		t.Errorf("Resolve(commit) = %+v", pinned)
	}
	// An ancestor of the shallow tip: the fetch must deepen the cache.
	mustFetch(t, r, pinned)
	if got := exportFiles(t, r, c1, ""); got["v"] != "1" {
		t.Errorf("Export(c1) = %v", got)
	}
	// A commit only on another branch.
	mustFetch(t, r, mustResolve(t, r, c3))
	if got := exportFiles(t, r, c3, ""); got["v"] != "3" {
		t.Errorf("Export(c3) = %v", got)
	}
	_ = c2

	missing := strings.Repeat("0", 39) + "1"
	err := r.Fetch(context.Background(), mustResolve(t, r, missing))
	checkErr(t, err, ErrCommitNotFound, []string{"commit " + missing + " not found", srv.URL(repo.Name)})
}

func TestRemoteHTTPNotFoundErrors(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"platform/p.yaml": "p", "README": "r"}, "first")
	repo.Tag(t, "v1.0.0", c1)
	repo.Switch(t, "dev")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	url := srv.URL(repo.Name)
	r := newTestRemote(t, url, nil)
	ctx := context.Background()

	_, err := r.Resolve(ctx, mustParseRef(t, "branch:mian"))
	checkErr(t, err, ErrRefNotFound, []string{url, `branch "mian" not found`, "branches: dev, main", "tags: v1.0.0"})
	_, err = r.Resolve(ctx, mustParseRef(t, "v9"))
	checkErr(t, err, ErrRefNotFound, []string{`branch or tag "v9" not found`})
	_, err = r.Resolve(ctx, mustParseRef(t, "tag:main"))
	checkErr(t, err, ErrRefNotFound, []string{`tag "main" not found`})

	mustFetch(t, r, mustResolve(t, r, "main"))
	err = r.Export(ctx, c1, "platforms/demo", t.TempDir())
	checkErr(t, err, ErrPathNotFound, []string{"git export " + url, "commit " + shortHash(c1) + " has no directory platforms/demo", "top level: README, platform/"})
	err = r.Export(ctx, c1, "README", t.TempDir())
	checkErr(t, err, ErrPathNotFound, []string{"README is a file in commit " + shortHash(c1)})
	err = r.Export(ctx, c1, "../outside", t.TempDir())
	checkErr(t, err, nil, []string{"not inside the repository"})
	err = r.Export(ctx, strings.Repeat("b", 40), "", t.TempDir())
	checkErr(t, err, ErrCommitNotFound, []string{"commit bbbbbbb is not in the cache; Fetch it first"})

	gone := newTestRemote(t, srv.URL("nope.git"), nil)
	_, err = gone.Resolve(ctx, mustParseRef(t, "main"))
	checkErr(t, err, ErrRepositoryNotFound, []string{srv.URL("nope.git"), "repository not found"})

	empty := gitserver.NewRepoIn(t, repo.Root, "empty.git")
	_ = empty
	_, err = newTestRemote(t, srv.URL("empty.git"), nil).Resolve(ctx, mustParseRef(t, "main"))
	checkErr(t, err, nil, []string{"the repository is empty"})
}

// A branch that moves between Resolve and Fetch is reported, not silently
// replaced by the newer commit the loop has not seen.
func TestRemoteHTTPRefMoved(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"v": "1"}, "one")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)
	head := mustResolve(t, r, "main")
	c2 := repo.Commit(t, map[string]string{"v": "2"}, "two")
	repo.Push(t)
	err := r.Fetch(context.Background(), head)
	checkErr(t, err, ErrRefMoved, []string{"refs/heads/main moved from " + shortHash(c1) + " to " + shortHash(c2), "resolve it again"})
	if !errors.Is(err, ErrRefMoved) {
		t.Fatal(err)
	}
	mustFetch(t, r, mustResolve(t, r, "main"))
}
