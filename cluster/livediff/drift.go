package livediff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/internal/helmsdk"
)

// DriftCheck finds out-of-band changes to the objects of deployed releases,
// cheaply enough to run on every reconcile cycle. It lists object metadata
// once per kind and namespace and compares resourceVersions with those it
// last confirmed clean; only an object whose resourceVersion moved is
// compared in full, with a server-side apply dry run as `pono diff --live`
// does. Stored manifests are cached by release revision. A DriftCheck is
// meant to live as long as the process; it is not safe for concurrent Runs.
type DriftCheck struct {
	lc   *liveClient
	meta metadata.Interface

	mu        sync.Mutex
	manifests map[string]storedManifest // namespace/name -> manifest at a revision
	clean     map[string]string         // object key + object digest -> resourceVersion confirmed clean
}

type storedManifest struct {
	revision int
	objects  []driftObject
}

// driftObject is one object of a stored manifest, resolved to its resource.
type driftObject struct {
	obj      compiler.Object
	gvr      schema.GroupVersionResource
	ns       string // "" for cluster-scoped
	id       string // Kind/ns/name as reported
	digest   string // of the object as stored
	manifest string // the object alone, as YAML, for a full comparison
	unserved string // set when the cluster does not serve the kind
}

// DriftRelease is a deployed release to check.
type DriftRelease struct {
	Name, Namespace string
	// Revision is the release's current revision; the stored manifest is
	// read again only when it changes.
	Revision int
}

// NewDriftCheck returns a DriftCheck for the cluster rc points at.
func NewDriftCheck(rc *rest.Config) (*DriftCheck, error) {
	h, err := helmsdk.NewClient(rc, helmsdk.ClientOptions{})
	if err != nil {
		return nil, err
	}
	return NewDriftCheckWith(h), nil
}

// NewDriftCheckWith returns a DriftCheck reading through h (its dynamic
// and metadata clients and its REST mapper), for a process that holds one
// Helm client.
func NewDriftCheckWith(h *helmsdk.Client) *DriftCheck {
	return &DriftCheck{lc: newLiveClient(h), meta: h.Metadata(), manifests: map[string]storedManifest{}, clean: map[string]string{}}
}

// Run checks rels and returns the drifted objects of each drifted release,
// keyed by namespace/name. res, when set, masks the platform's sensitive
// values in the reported diffs.
func (d *DriftCheck) Run(ctx context.Context, res *compiler.Result, rels []DriftRelease) (map[string][]diff.ObjectDiff, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := compiler.MaskSet()
	if res != nil {
		m = compiler.MaskSet(res)
	}
	type owned struct {
		release string
		obj     *driftObject
	}
	groups := map[string][]owned{} // gvr|ns -> objects to look up
	groupGVR := map[string]schema.GroupVersionResource{}
	groupNS := map[string]string{}
	want := map[string]bool{}
	out := map[string][]diff.ObjectDiff{}
	for _, r := range rels {
		key := r.Namespace + "/" + r.Name
		want[key] = true
		sm, err := d.manifest(ctx, r)
		if err != nil {
			return nil, err
		}
		for i := range sm.objects {
			o := &sm.objects[i]
			if o.unserved != "" {
				out[key] = append(out[key], diff.ObjectDiff{ID: o.id, Change: "drifted", Field: o.unserved})
				continue
			}
			g := o.gvr.String() + "|" + o.ns
			groups[g] = append(groups[g], owned{release: key, obj: o})
			groupGVR[g], groupNS[g] = o.gvr, o.ns
		}
	}
	for key := range d.manifests {
		if !want[key] {
			delete(d.manifests, key)
		}
	}
	seen := map[string]bool{}
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		ri := d.meta.Resource(groupGVR[g])
		var list *metav1.PartialObjectMetadataList
		var err error
		if ns := groupNS[g]; ns != "" {
			list, err = ri.Namespace(ns).List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		} else {
			list, err = ri.List(ctx, metav1.ListOptions{ResourceVersion: "0"})
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", groupGVR[g].Resource, err)
		}
		versions := make(map[string]string, len(list.Items))
		for _, it := range list.Items {
			versions[it.Name] = it.ResourceVersion
		}
		for _, ow := range groups[g] {
			o := ow.obj
			ck := o.gvr.String() + "/" + o.ns + "/" + o.obj.Name + "@" + o.digest
			seen[ck] = true
			rv, ok := versions[o.obj.Name]
			if !ok {
				out[ow.release] = append(out[ow.release], diff.ObjectDiff{ID: o.id, Change: "deleted", Field: "deleted from the cluster out of band"})
				delete(d.clean, ck)
				continue
			}
			if d.clean[ck] == rv {
				continue
			}
			diffs, err := d.lc.drift(ctx, o.manifest, o.ns, m)
			if err != nil {
				return nil, err
			}
			if len(diffs) == 0 {
				// The dry run may itself have moved nothing; remember the
				// version we compared so the next cycle skips it.
				d.clean[ck] = rv
				continue
			}
			delete(d.clean, ck)
			out[ow.release] = append(out[ow.release], diffs...)
		}
	}
	for ck := range d.clean {
		if !seen[ck] {
			delete(d.clean, ck)
		}
	}
	for k := range out {
		sort.SliceStable(out[k], func(i, j int) bool { return out[k][i].ID < out[k][j].ID })
	}
	return out, nil
}

// manifest returns the release's stored manifest, resolved to resources,
// reading it from the cluster only when the revision changed.
func (d *DriftCheck) manifest(ctx context.Context, r DriftRelease) (storedManifest, error) {
	key := r.Namespace + "/" + r.Name
	if sm, ok := d.manifests[key]; ok && sm.revision == r.Revision {
		return sm, nil
	}
	stored, err := d.lc.helm.GetRelease(ctx, r.Namespace, r.Name)
	if err != nil {
		return storedManifest{}, err
	}
	objs, err := compiler.SplitManifest([]byte(stored.Manifest))
	if err != nil {
		return storedManifest{}, fmt.Errorf("release %s: %w", key, err)
	}
	sm := storedManifest{revision: stored.Revision}
	unserved := false
	for _, o := range objs {
		do := driftObject{obj: o, manifest: diff.Render(o.Body)}
		sum := sha256.Sum256([]byte(do.manifest))
		do.digest = hex.EncodeToString(sum[:8])
		gv, err := schema.ParseGroupVersion(o.APIVersion)
		if err != nil {
			return storedManifest{}, fmt.Errorf("release %s: %s: %w", key, o.ID, err)
		}
		mapping, err := d.lc.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: o.Kind}, gv.Version)
		if err != nil {
			do.id = o.Kind + "/" + o.Name
			do.unserved = fmt.Sprintf("kind not served by the cluster: %v", err)
			unserved = true
			sm.objects = append(sm.objects, do)
			continue
		}
		do.gvr = mapping.Resource
		do.id = o.Kind + "/" + o.Name
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			do.ns = o.Namespace
			if do.ns == "" {
				do.ns = r.Namespace
			}
			do.id = o.Kind + "/" + do.ns + "/" + o.Name
		}
		sm.objects = append(sm.objects, do)
	}
	if !unserved {
		d.manifests[key] = sm
	} else if r, ok := d.lc.mapper.(interface{ Reset() }); ok {
		// A kind may be served by the next cycle (a CRD being installed):
		// read discovery again then.
		r.Reset()
	}
	return sm, nil
}
