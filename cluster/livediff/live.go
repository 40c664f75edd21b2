// Package livediff is `pono diff --live` and the reconciler's drift check:
// a compiled platform against the cluster on three layers, the platform
// (git), the release Helm stored and the live objects (server-side apply
// dry runs). It reports in package diff's types and formats, and plans
// through cluster/observe, as apply does, without linking the apply engine.
package livediff

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/observe"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/mask"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/values"
	"github.com/pono-gitops/pono/plan"
)

// Layers a live difference can come from.
const (
	// LayerGit: the platform (git) wants something else than the release
	// Helm has stored.
	LayerGit = "git"
	// LayerCluster: a live object differs from the release Helm stored: an
	// out-of-band edit (drift).
	LayerCluster = "cluster"
	// LayerRelease: the Helm release itself is missing, failed or pending.
	LayerRelease = "release"
)

// LiveDiff compares a compiled platform with a cluster on three layers:
// desired (git) vs the release Helm stored vs the live objects.
type LiveDiff struct {
	Env     string
	Offline bool
	// Locked fails when pono.lock is missing an entry or would change.
	Locked bool
	// Namespaces restricts the releases read (Apply.Namespaces).
	Namespaces []string

	cfg     *compiler.Config
	cluster *kube.Config // one Helm client for planning and reading
}

// NewLiveDiff returns a LiveDiff compiling with cfg against the cluster rc
// points at.
func NewLiveDiff(cfg *compiler.Config, rc *rest.Config) *LiveDiff {
	return &LiveDiff{cfg: cfg, cluster: &kube.Config{RESTConfig: rc}}
}

// Run compiles dir and compares it with the cluster. It changes nothing:
// live objects are compared through server-side apply dry runs.
func (d *LiveDiff) Run(ctx context.Context, dir string) (*diff.Report, error) {
	c := compiler.NewCompile(d.cfg)
	c.Env, c.Offline, c.Locked = d.Env, d.Offline, d.Locked
	res, err := c.Run(ctx, dir)
	if err != nil {
		return nil, err
	}
	return d.Compare(ctx, res)
}

// Compare compares an already compiled platform with the cluster (the
// reconciler's pending changes). It changes nothing.
func (d *LiveDiff) Compare(ctx context.Context, res *compiler.Result) (*diff.Report, error) {
	h, err := d.cluster.Client()
	if err != nil {
		return nil, err
	}
	// The plan apply would carry out (observe.Plan is apply's own step),
	// with the values from Secrets and ConfigMaps; the stored manifests
	// hold them, so they are masked as the placeholders are.
	vr := observe.ValuesFrom(ctx, h.Kubernetes(), res)
	p, err := observe.Plan(ctx, h, vr.Result, observe.Scope{Prune: true, Namespaces: d.Namespaces})
	if err != nil {
		return nil, err
	}
	lc := newLiveClient(h)
	r := &diff.Report{Platform: res.Platform.Name, Base: "cluster", Head: "platform"}
	masker := compiler.MaskSet(res, vr.Result, storedValues(ctx, h, res, p))
	for _, step := range p.Steps {
		rel, hasRel := res.Release(step.Name)
		rc := diff.ReleaseChange{Name: step.Name, Namespace: step.Namespace, Action: string(step.Action), Reason: step.Reason}
		if f := vr.Failed[step.Name]; f != nil {
			rc.Reason = f.Error()
		}
		if hasRel {
			rc.Extension, rc.Instance, rc.ChartTo = rel.Extension, rel.Instance, diff.ChartLabel(rel.Chart)
		}
		var stored *helmsdk.ReleaseDetail
		if step.Observed != nil && step.Observed.Revision > 0 && step.Action != plan.Conflict {
			stored, err = lc.helm.GetRelease(ctx, step.Namespace, step.Name)
			if err != nil {
				return nil, err
			}
			rc.ChartFrom = stored.Chart + " " + stored.ChartVersion
		}
		rc.Change = string(step.Action.Change())
		switch step.Action.Change() {
		case plan.ChangeAdded:
			rc.Layer = LayerRelease
			r.Summary.Added++
			rc.Objects, err = diff.ObjectDiffs(nil, withoutHooks(res.Manifests[step.Name]), masker)
		case plan.ChangeRemoved:
			rc.Layer = LayerGit
			r.Summary.Removed++
			rc.Objects, err = diff.ObjectDiffs([]byte(stored.Manifest), nil, masker)
		case plan.ChangeConflict:
			rc.Layer = LayerRelease
			r.Summary.Conflicts++
		case plan.ChangeDrifted:
			rc.Layer = LayerRelease
			r.Summary.Drifted++
		case plan.ChangeUpgraded, plan.ChangeReconfigured:
			rc.Layer = LayerGit
			if step.Action == plan.Upgrade {
				r.Summary.Upgraded++
			} else {
				r.Summary.Reconfigured++
			}
			rc.Objects, err = diff.ObjectDiffs([]byte(stored.Manifest), withoutHooks(res.Manifests[step.Name]), masker)
		case plan.ChangeNone:
			drift, derr := lc.drift(ctx, stored.Manifest, step.Namespace, masker)
			if derr != nil {
				return nil, derr
			}
			if len(drift) == 0 {
				r.Summary.Unchanged++
				continue
			}
			rc.Change, rc.Layer, rc.Reason = diff.ChangeDrifted, LayerCluster, "changed in the cluster out of band"
			rc.Objects = drift
			r.Summary.Drifted++
		}
		if err != nil {
			return nil, err
		}
		r.Releases = append(r.Releases, rc)
	}
	return r, nil
}

// withoutHooks drops hook objects: Helm's stored manifest has none.
func withoutHooks(manifest []byte) []byte {
	objs, err := compiler.SplitManifest(manifest)
	if err != nil {
		return manifest
	}
	var b strings.Builder
	for _, o := range objs {
		if o.Hook {
			continue
		}
		b.WriteString("---\n")
		b.WriteString(diff.Render(o.Body))
	}
	return []byte(b.String())
}

// liveClient reads live objects and dry-runs applies.
type liveClient struct {
	helm   *helmsdk.Client
	dyn    dynamic.Interface
	mapper meta.RESTMapper
}

func newLiveClient(h *helmsdk.Client) *liveClient {
	return &liveClient{helm: h, dyn: h.Dynamic(), mapper: h.RESTMapper()}
}

// fieldManager is the server-side apply manager pono's dry runs use.
const fieldManager = "pono-diff"

// drift compares each object of a stored release manifest with the live
// object: the server applies the manifest in a dry run (so defaults and
// normalisation are the server's), and fields where the result differs
// from the live object are drift.
func (lc *liveClient) drift(ctx context.Context, manifest, releaseNS string, m *mask.Set) ([]diff.ObjectDiff, error) {
	objs, err := compiler.SplitManifest([]byte(manifest))
	if err != nil {
		return nil, err
	}
	var out []diff.ObjectDiff
	for _, o := range objs {
		gv, err := schema.ParseGroupVersion(o.APIVersion)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.ID, err)
		}
		mapping, err := lc.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: o.Kind}, gv.Version)
		if err != nil {
			out = append(out, diff.ObjectDiff{ID: o.ID, Change: "drifted", Field: fmt.Sprintf("kind not served by the cluster: %v", err)})
			continue
		}
		ns := o.Namespace
		var ri dynamic.ResourceInterface = lc.dyn.Resource(mapping.Resource)
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			if ns == "" {
				ns = releaseNS
			}
			ri = lc.dyn.Resource(mapping.Resource).Namespace(ns)
		}
		id := o.Kind + "/" + o.Name
		if ns != "" {
			id = o.Kind + "/" + ns + "/" + o.Name
		}
		live, err := ri.Get(ctx, o.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			out = append(out, diff.ObjectDiff{ID: id, Change: "deleted", Field: "deleted from the cluster out of band"})
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", id, err)
		}
		obj := &unstructured.Unstructured{Object: o.Body}
		if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
			obj.SetNamespace(ns)
		}
		applied, err := ri.Apply(ctx, o.Name, obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true, DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			out = append(out, diff.ObjectDiff{ID: id, Change: "drifted", Field: "the release's version cannot be applied (server-side dry run): " + m.Scrub(err.Error())})
			continue
		}
		a, b := comparable(live.Object), comparable(applied.Object)
		if reflect.DeepEqual(a, b) {
			continue
		}
		d := diff.ObjectDiff{ID: id, Change: "drifted"}
		if o.Kind == "Secret" && o.Group() == "" {
			ma, mb, keys := mask.SecretDiff(a, b)
			a, b, d.SecretKeys = ma, mb, keys
		}
		fields := changedPaths("", a, b)
		d.Field = "fields changed in the cluster: " + strings.Join(fields, ", ")
		ud, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: diff.Lines(m.Scrub(diff.Render(a))), B: diff.Lines(m.Scrub(diff.Render(b))),
			FromFile: "live/" + id, ToFile: "release/" + id, Context: 3,
		})
		if err != nil {
			return nil, err
		}
		d.Diff = ud
		out = append(out, d)
	}
	return out, nil
}

// comparable drops what the server manages on every write.
func comparable(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if k == "status" {
			continue
		}
		out[k] = v
	}
	if md, ok := obj["metadata"].(map[string]any); ok {
		clean := map[string]any{}
		for k, v := range md {
			switch k {
			case "managedFields", "resourceVersion", "generation", "uid", "creationTimestamp":
				continue
			}
			clean[k] = v
		}
		out["metadata"] = clean
	}
	return out
}

// changedPaths lists the leaf paths where a and b differ.
func changedPaths(prefix string, a, b any) []string {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		var out []string
		for _, k := range values.Keys(am, bm) {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, changedPaths(p, am[k], bm[k])...)
		}
		return out
	}
	al, ok1 := a.([]any)
	bl, ok2 := b.([]any)
	if ok1 && ok2 && len(al) == len(bl) {
		var out []string
		for i := range al {
			out = append(out, changedPaths(fmt.Sprintf("%s[%d]", prefix, i), al[i], bl[i])...)
		}
		return out
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return []string{prefix}
}
