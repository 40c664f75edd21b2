// Package policy is Kaapana's upload check done properly: it looks at every
// rendered object of a release, hooks and the items of Lists included
// (the objects Helm sends, see manifest.Parse), and rejects resources in the
// admin namespace (explicit or implied by the release namespace),
// cluster-scoped resources and privileged containers, unless the platform
// allows the extension to.
package policy

import (
	"fmt"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
	"github.com/pono-gitops/pono/internal/values"
)

// Rules.
const (
	AdminNamespace = "admin-namespace"
	ClusterScoped  = "cluster-scoped"
	Privileged     = "privileged"
)

// Violation is one broken rule.
type Violation struct {
	Object string // kind/namespace/name
	Rule   string
	Detail string
}

// Input is what the check needs to know about one release.
type Input struct {
	ReleaseNamespace string
	AdminNamespace   string
	Objects          []manifest.Object
	Scopes           *manifest.Scopes
	Allowed          map[string]bool
}

// Check returns the violations of one release, in object order, each
// once.
func Check(in Input) []Violation {
	var out []Violation
	seen := map[Violation]bool{}
	add := func(o manifest.Object, rule, detail string) {
		if in.Allowed[rule] {
			return
		}
		v := Violation{Object: describe(o, in), Rule: rule, Detail: detail}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, o := range in.Objects {
		if in.Scopes.ClusterScoped(o) {
			add(o, ClusterScoped, "cluster-scoped resources can affect the whole cluster")
		} else {
			ns := o.Namespace
			implicit := ns == ""
			if implicit {
				ns = in.ReleaseNamespace
			}
			if ns == in.AdminNamespace {
				if implicit {
					add(o, AdminNamespace, fmt.Sprintf("no metadata.namespace, so it lands in the release namespace %q, the admin namespace", ns))
				} else {
					add(o, AdminNamespace, fmt.Sprintf("placed in the admin namespace %q", ns))
				}
			}
		}
		for _, c := range privilegedContainers(o) {
			add(o, Privileged, fmt.Sprintf("container %q sets securityContext.privileged: true", c))
		}
	}
	return out
}

func describe(o manifest.Object, in Input) string {
	kind := o.Kind
	if o.Hook {
		kind = "hook " + kind
	}
	id := kind + "/" + o.Name
	if ns := in.Scopes.Namespace(o, in.ReleaseNamespace); ns != "" {
		id = kind + "/" + ns + "/" + o.Name
	}
	return id + o.Origin()
}

// privilegedContainers finds privileged containers in any pod template:
// Pods, workload controllers and CronJobs.
func privilegedContainers(o manifest.Object) []string {
	spec := podSpec(o)
	if spec == nil {
		return nil
	}
	var out []string
	for _, key := range []string{"initContainers", "containers", "ephemeralContainers"} {
		list, _ := spec[key].([]any)
		for _, c := range list {
			cm, _ := c.(map[string]any)
			sc, _ := cm["securityContext"].(map[string]any)
			if p, _ := sc["privileged"].(bool); p {
				name, _ := cm["name"].(string)
				out = append(out, name)
			}
		}
	}
	return out
}

func podSpec(o manifest.Object) map[string]any {
	path := []string{"spec", "template", "spec"}
	switch o.Kind {
	case "Pod":
		path = []string{"spec"}
	case "CronJob":
		path = []string{"spec", "jobTemplate", "spec", "template", "spec"}
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
	default:
		return nil
	}
	spec, _ := values.Get(o.Body, path...)
	m, _ := spec.(map[string]any)
	return m
}
