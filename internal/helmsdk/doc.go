// Package helmsdk is the only package in pono that imports helm.sh/helm/v3.
// It loads charts (directories with file:// dependencies, archives, HTTP
// repositories, OCI registries), renders them client-side for the compiler,
// and performs release actions (install, upgrade, rollback, uninstall, list)
// for the reconciler. Keeping Helm behind this package keeps its API surface,
// its logging and its version in one place.
package helmsdk
