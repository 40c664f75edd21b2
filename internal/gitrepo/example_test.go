package gitrepo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pono-gitops/pono/internal/gitrepo"
)

// One round of a reconcile loop: resolve (one ls-remote), fetch only when
// the commit is new, verify, export the platform directory.
func ExampleRemote() {
	ctx := context.Background()
	auth, err := gitrepo.AuthFromDir("/etc/pono/git-credentials")
	if err != nil {
		panic(err)
	}
	remote, err := gitrepo.NewRemote(gitrepo.RemoteOptions{
		URL:      "https://git.example.org/platforms/kaapana.git",
		Auth:     auth,
		CacheDir: "/var/cache/pono/git",
		Logger:   slog.Default(),
	})
	if err != nil {
		panic(err)
	}
	ref, err := gitrepo.ParseRef("semver:>=0.6 <1")
	if err != nil {
		panic(err)
	}
	verifier, err := gitrepo.LoadVerifier("", "/etc/pono/allowed_signers")
	if err != nil {
		panic(err)
	}

	head, err := remote.Resolve(ctx, ref)
	if errors.Is(err, gitrepo.ErrAuthFailed) || errors.Is(err, gitrepo.ErrHostKey) {
		panic(err) // configuration: retrying will not help
	}
	if err != nil {
		panic(err) // maybe transient: retry with backoff
	}
	if err := remote.Fetch(ctx, head); err != nil { // free when already cached
		panic(err)
	}
	signer, err := remote.Verify(head.Commit, verifier)
	if err != nil {
		panic(err) // errors.Is(err, gitrepo.ErrUnsigned) / gitrepo.ErrUntrusted
	}
	if err := remote.Export(ctx, head.Commit, "platforms/kaapana", "/tmp/pono-scratch"); err != nil {
		panic(err)
	}
	info, _ := remote.CommitInfo(head.Commit)
	fmt.Printf("%s: %q by %s, signed by %s\n", head, info.Subject, info.Author, signer)
}
