package policy

import "github.com/pono-gitops/pono/compiler/internal/manifest"

// PodSpec is the pod spec of a Pod, a workload controller's template or
// a CronJob's job template; nil for other objects.
func PodSpec(o manifest.Object) map[string]any { return podSpec(o) }
