package compiler

import (
	"fmt"
	"regexp"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
)

// crdDir matches templates in a chart's (or subchart's) crds/ directory:
// Helm creates those only when missing, so two charts may ship one.
var crdDir = regexp.MustCompile(`^[^/]+(/charts/[^/]+)*/crds/`)

// objectKey identifies an object in the cluster.
type objectKey struct{ group, kind, namespace, name string }

type owner struct {
	release string
	source  string
	hook    bool
}

// objectOwners finds what apply would fail on: an object rendered twice in
// one release (Helm's install fails on the second create) and an object of
// two releases (Helm refuses to adopt an object another release owns).
// Hooks count across releases: a hook named like another release's object
// or hook fails to be created, or (Helm's default before-hook-creation
// policy) deletes the other release's. Within one release hooks are left
// out of the duplicate check: Helm creates and deletes them one by one
// around each event. A List nested in a List is refused too: Helm's
// resource builder fails on it.
type objectOwners map[objectKey]owner

// add records the resources of rel and returns a message for each
// conflict. Releases are added in a fixed order, so the message names the
// later release and the earlier one.
func (w objectOwners) add(rel Release, objs []manifest.Object, scopes *manifest.Scopes) []string {
	var msgs []string
	mine := map[objectKey]string{}
	for _, o := range objs {
		ns := scopes.Namespace(o, rel.Namespace)
		id := o.Kind + "/" + o.Name
		if ns != "" {
			id = o.Kind + "/" + ns + "/" + o.Name
		}
		if o.ListDepth > 1 {
			msgs = append(msgs, fmt.Sprintf("%s%s is in a List inside a List: Helm cannot apply nested Lists (it fails on the inner one)", id, o.Origin()))
		}
		if crdDir.MatchString(o.Source) {
			continue
		}
		k := objectKey{o.Group(), o.Kind, ns, o.Name}
		if !o.Hook {
			if src, ok := mine[k]; ok {
				msgs = append(msgs, fmt.Sprintf("%s%s is rendered twice (also in %s): Helm fails installing a release with a duplicate object", id, o.Origin(), src))
				continue
			}
			mine[k] = o.Source
		}
		other, ok := w[k]
		switch {
		case ok && other.release == rel.Name:
			// A hook of this release beside its own object: not a conflict
			// between releases.
		case ok && (o.Hook || other.hook):
			msgs = append(msgs, fmt.Sprintf("%s%s is also %s of release %s (%s): a hook named like another release's object or hook fails to be created, or deletes it (Helm's before-hook-creation policy)", hookWord(o.Hook)+id, o.Origin(), hookArticle(other.hook), other.release, other.source))
		case ok:
			msgs = append(msgs, fmt.Sprintf("%s%s is also an object of release %s (%s): two releases cannot own one object, Helm refuses to install the second", id, o.Origin(), other.release, other.source))
		default:
			w[k] = owner{release: rel.Name, source: o.Source, hook: o.Hook}
		}
	}
	return msgs
}

func hookWord(hook bool) string {
	if hook {
		return "hook "
	}
	return ""
}

func hookArticle(hook bool) string {
	if hook {
		return "a hook"
	}
	return "an object"
}
