// Package helmsdk is pono's release client: it performs Helm release
// actions (install, upgrade, rollback, uninstall, list, get, wait) against
// a cluster for the apply engine and the reconciler. Charts are loaded and
// rendered by internal/helmchart, the other package that imports
// helm.sh/helm/v3; the few chart names the cluster side uses are forwarded
// here. Keeping Helm behind these two packages keeps its API surface, its
// logging and its version in one place.
package helmsdk
