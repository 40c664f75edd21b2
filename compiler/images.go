package compiler

import (
	"sort"

	"github.com/pono-gitops/pono/compiler/internal/manifest"
	"github.com/pono-gitops/pono/compiler/internal/policy"
)

// ImageRef is a container of a rendered object and the image it runs.
type ImageRef struct {
	Release, Extension string
	// Object is kind/namespace/name, Container the container's name.
	Object, Container string
	Image             string
	// PullPolicy is imagePullPolicy as rendered ("" when the chart leaves
	// it to Kubernetes' default).
	PullPolicy string
}

// ImageRefs are the containers of every rendered release (init and
// ephemeral containers included), sorted by release, object, container.
func (r *Result) ImageRefs() []ImageRef {
	var out []ImageRef
	for _, rel := range r.Releases {
		objs, err := manifest.ParseCanonical(string(r.Manifests[rel.Name]))
		if err != nil {
			continue // pono wrote it: it parses
		}
		for _, o := range objs {
			spec := policy.PodSpec(o)
			for _, key := range []string{"initContainers", "containers", "ephemeralContainers"} {
				list, _ := spec[key].([]any)
				for _, c := range list {
					cm, _ := c.(map[string]any)
					img, _ := cm["image"].(string)
					name, _ := cm["name"].(string)
					pp, _ := cm["imagePullPolicy"].(string)
					if img != "" {
						out = append(out, ImageRef{Release: rel.Name, Extension: rel.Extension, Object: o.ID(), Container: name, Image: img, PullPolicy: pp})
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Release != b.Release {
			return a.Release < b.Release
		}
		if a.Object != b.Object {
			return a.Object < b.Object
		}
		return a.Container < b.Container
	})
	return out
}
