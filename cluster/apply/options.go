package apply

import "time"

// Options are the settings of an apply run. `pono apply` and the GitOps
// loop (cluster/reconcile) both start from DefaultOptions, so a default
// changed here reaches both.
type Options struct {
	// Prune uninstalls owned releases the platform no longer has.
	Prune bool
	// DryRun plans and reports without changing anything.
	DryRun bool
	// Concurrency bounds releases operated on at once.
	Concurrency int
	// Wait waits for each release to be ready before it counts as done.
	Wait bool
	// Timeout bounds one release's operation including its wait.
	Timeout time.Duration
	// Retries is how many times a failed operation is retried when the
	// failure looks transient (API errors, conflicts, unknown kinds).
	Retries int
	// Backoff is the first retry delay; it doubles each retry.
	Backoff time.Duration
	// RollbackOnFailure rolls a failed upgrade back to the last good
	// revision.
	RollbackOnFailure bool
	// UninstallOnFailure uninstalls a failed first install.
	UninstallOnFailure bool
	// MaxHistory caps stored revisions per release.
	MaxHistory int
	// LeaseDuration is how long a per-release Lease stays valid without
	// renewal; a release left pending by a dead run is recovered once it
	// expired.
	LeaseDuration time.Duration
	// Namespaces, when set, restricts apply to releases stored in these
	// namespaces: only they are listed (namespaced RBAC is enough) and a
	// platform with a release elsewhere is refused before any change.
	Namespaces []string
}

// DefaultOptions are pono's defaults.
func DefaultOptions() Options {
	return Options{
		Prune: true, Concurrency: 8, Wait: true, Timeout: 5 * time.Minute, Retries: 2,
		Backoff: time.Second, RollbackOnFailure: true, UninstallOnFailure: true,
		MaxHistory: 5, LeaseDuration: 30 * time.Second,
	}
}
