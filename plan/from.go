package plan

import (
	"fmt"

	"github.com/pono-gitops/pono/compiler"
)

// DesiredFrom turns a compiled platform into plan input.
func DesiredFrom(res *compiler.Result) ([]Desired, error) {
	out := make([]Desired, 0, len(res.Releases))
	for _, r := range res.Releases {
		rs, err := resourcesIn(res, r.Name)
		if err != nil {
			return nil, fmt.Errorf("release %s: %w", r.Name, err)
		}
		out = append(out, Desired{
			Name: r.Name, Namespace: r.Namespace, Extension: r.Extension, Instance: r.Instance,
			Chart: r.Chart.Name, ChartVersion: r.Chart.Version, Digest: r.Digest,
			Needs: append([]string(nil), r.Needs...), Resources: rs,
		})
	}
	return out, nil
}

// ObservedFrom describes a compiled platform as if it were deployed: each
// release deployed at revision 1 with the labels apply would have written.
// `pono diff OLD NEW` plans with Compute(Input{Desired: DesiredFrom(new),
// Observed: ObservedFrom(old)}).
func ObservedFrom(res *compiler.Result) ([]Observed, error) {
	des, err := DesiredFrom(res)
	if err != nil {
		return nil, err
	}
	out := make([]Observed, 0, len(des))
	for i, d := range des {
		out = append(out, Observed{
			Name: d.Name, Namespace: d.Namespace,
			Labels:       ReleaseLabels(res.Releases[i].Labels, d, nil),
			Digest:       DigestLabel(d.Digest),
			ChartVersion: VersionLabel(d.ChartVersion),
			Status:       StatusDeployed, Revision: 1,
			Resources: d.Resources,
		})
	}
	return out, nil
}

// ReleaseLabels are the labels apply stores on a release: the compiler's
// labels, the digest and chart version, and one label per explicit need.
// Needs recorded on the previous revision (old) but gone now are set to
// "null", which Helm's upgrade removes.
func ReleaseLabels(base map[string]string, d Desired, old map[string]string) map[string]string {
	l := make(map[string]string, len(base)+2+len(d.Needs))
	for k, v := range base {
		l[k] = v
	}
	l[LabelDigest] = DigestLabel(d.Digest)
	l[LabelChartVersion] = VersionLabel(d.ChartVersion)
	for _, n := range d.Needs {
		l[NeedsLabelPrefix+n] = "true"
	}
	for k := range old {
		if _, ok := l[k]; !ok && len(k) > len(NeedsLabelPrefix) && k[:len(NeedsLabelPrefix)] == NeedsLabelPrefix {
			l[k] = "null"
		}
	}
	return l
}

// resourcesIn summarises a release's objects from what the compiler read,
// or, for a Result put together by hand, from its manifest.
func resourcesIn(res *compiler.Result, release string) (Resources, error) {
	if objs, ok := res.Objects[release]; ok {
		return ResourcesOf(objs), nil
	}
	return Inspect(res.Manifests[release])
}
