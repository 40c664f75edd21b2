// Package ownership holds the names by which pono marks, and later
// recognises, what it owns in a cluster: the labels the compiler stamps on
// every Helm release and apply reads back before upgrading or pruning, the
// standard managed-by label on pono's own objects, and pono's namespace.
// It is one set of constants so the writer and every reader agree; it
// imports nothing, so pure and cluster-side packages can both use it.
package ownership

// Labels on every Helm release pono owns. Later stages prune and upgrade
// only releases whose LabelManagedBy is ManagedByValue and whose
// LabelPlatform is the platform's name.
const (
	LabelManagedBy = "pono.dev/managed-by"
	LabelPlatform  = "pono.dev/platform"
	LabelExtension = "pono.dev/extension"
	LabelInstance  = "pono.dev/instance"
	ManagedByValue = "pono"
)

// K8sManagedBy is the Kubernetes recommended label that pono sets to
// ManagedByValue on the objects it keeps for itself (release leases, the
// GitOps status ConfigMap, bootstrap Secrets).
const K8sManagedBy = "app.kubernetes.io/managed-by"

// SystemNamespace is where pono itself runs (bootstrap, pono reconcile)
// unless told otherwise.
const SystemNamespace = "pono-system"
