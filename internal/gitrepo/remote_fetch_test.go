package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/pono-gitops/pono/test/gitserver"
)

// fetchCall records one fetch the remote attempted.
type fetchCall struct{ depth int }

// recordFetches makes r's shallow fetches fail with shallowErr (nil: no
// failure) and records every attempt.
func recordFetches(r *Remote, shallowErr error) *[]fetchCall {
	var calls []fetchCall
	real := r.fetchFn
	r.fetchFn = func(ctx context.Context, specs []config.RefSpec, depth int) error {
		calls = append(calls, fetchCall{depth: depth})
		if depth == 1 && shallowErr != nil {
			return shallowErr
		}
		return real(ctx, specs, depth)
	}
	return &calls
}

// go-git's shallow fetches have known bugs (objects missing from the pack,
// "object not found"); a failing shallow fetch is retried in full.
func TestRemoteFetchFallsBackToFullFetch(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	repo.Commit(t, map[string]string{"v": "1"}, "one")
	c2 := repo.Commit(t, map[string]string{"v": "2"}, "two")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)
	calls := recordFetches(r, fmt.Errorf("shallow fetch: %w", plumbing.ErrObjectNotFound))

	mustFetch(t, r, mustResolve(t, r, "main"))
	if got := *calls; len(got) != 2 || got[0].depth != 1 || got[1].depth != 0 {
		t.Errorf("fetches = %+v, want a shallow one then a full one", got)
	}
	if got := exportFiles(t, r, c2, ""); got["v"] != "2" {
		t.Errorf("Export = %v", got)
	}
}

// Errors a second fetch cannot fix are not retried.
func TestRemoteFetchDoesNotRetryAuthFailure(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"v": "1"}, "one")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "u", "p")
	r := newTestRemote(t, srv.URL(repo.Name), &Auth{Username: "u", Password: "nope"})
	calls := recordFetches(r, nil)
	err := r.Fetch(context.Background(), Head{Ref: Ref{Kind: KindBranch, Name: "main"}, RefName: "refs/heads/main", Commit: c1})
	checkErr(t, err, ErrAuthFailed, []string{"authentication failed"}, "nope")
	if len(*calls) != 1 {
		t.Errorf("fetches = %+v, want exactly one", *calls)
	}
}

func TestRemoteCanceledContext(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	c1 := repo.Commit(t, map[string]string{"v": "1"}, "one")
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Resolve(ctx, Ref{Kind: KindBranch, Name: "main"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Resolve with a canceled context = %v, want context.Canceled", err)
	}
	err := r.Fetch(ctx, Head{Ref: Ref{Kind: KindBranch, Name: "main"}, RefName: "refs/heads/main", Commit: c1})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch with a canceled context = %v, want context.Canceled", err)
	}
}

// One Remote shared by goroutines (the loop and, say, a status endpoint).
func TestRemoteConcurrentUse(t *testing.T) {
	t.Parallel()
	repo := gitserver.NewRepo(t)
	var commits []string
	for i := range 3 {
		commits = append(commits, repo.Commit(t, map[string]string{"v": fmt.Sprint(i)}, fmt.Sprint("commit ", i)))
		repo.Tag(t, fmt.Sprintf("v0.%d.0", i), commits[i])
	}
	repo.Push(t)
	srv := gitserver.StartHTTP(t, repo.Root, "", "")
	r := newTestRemote(t, srv.URL(repo.Name), nil)

	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		wg.Go(func() {
			ctx := context.Background()
			ref := Ref{Kind: KindTag, Name: fmt.Sprintf("v0.%d.0", i%3)}
			h, err := r.Resolve(ctx, ref)
			if err == nil {
				err = r.Fetch(ctx, h)
			}
			if err == nil {
				err = r.Export(ctx, h.Commit, "", t.TempDir())
			}
			if err == nil {
				_, err = r.CommitInfo(h.Commit)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
