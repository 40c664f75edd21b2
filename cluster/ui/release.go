package ui

import (
	"context"
	"fmt"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmsdk"
)

// Bounds of a release page.
const (
	maxRevisions = 20
	maxObjects   = 300
)

// ClusterReleases reads release details through the Helm SDK and the
// dynamic client.
type ClusterReleases struct {
	helm   *helmsdk.Client
	dyn    dynamic.Interface
	mapper meta.RESTMapper
}

// NewClusterReleases returns a reader for the cluster rc points at.
func NewClusterReleases(rc *rest.Config) (*ClusterReleases, error) {
	h, err := helmsdk.NewClient(rc, helmsdk.ClientOptions{})
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return nil, err
	}
	return &ClusterReleases{helm: h, dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}, nil
}

// Release reads the newest revisions and the objects of the newest one.
func (c *ClusterReleases) Release(ctx context.Context, namespace, name string) (*ReleaseDetail, error) {
	hist, err := c.helm.History(ctx, namespace, name, maxRevisions+1)
	if err != nil {
		return nil, err
	}
	d := &ReleaseDetail{History: []Revision{}, Objects: []Object{}}
	if len(hist) > maxRevisions {
		hist, d.Truncated = hist[:maxRevisions], true
	}
	for _, h := range hist {
		commit, signer := Origin(h.Description)
		d.History = append(d.History, Revision{Revision: h.Revision, Updated: h.Updated.UTC(), Status: h.Status, Chart: h.Chart, ChartVersion: h.ChartVersion,
			Description: h.Description, Commit: commit, Signer: signer})
	}
	rel, err := c.helm.GetRelease(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	d.Description = rel.Description
	objs, err := compiler.SplitManifest([]byte(rel.Manifest))
	if err != nil {
		return nil, fmt.Errorf("release %s/%s manifest: %w", namespace, name, err)
	}
	for i, o := range objs {
		if i == maxObjects {
			d.Truncated = true
			break
		}
		ns := o.Namespace
		if ns == "" {
			ns = namespace
		}
		d.Objects = append(d.Objects, Object{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Status: c.objectStatus(ctx, o.APIVersion, o.Kind, ns, o.Name)})
	}
	return d, nil
}

// objectStatus summarises one live object: missing, or its readiness for
// workloads and pods, or "present".
func (c *ClusterReleases) objectStatus(ctx context.Context, apiVersion, kind, namespace, name string) string {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return "unknown kind"
	}
	m, err := c.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: kind}, gv.Version)
	if err != nil {
		return "unknown kind"
	}
	var ri dynamic.ResourceInterface = c.dyn.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = c.dyn.Resource(m.Resource).Namespace(namespace)
	}
	u, err := ri.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return "missing"
		}
		return "not read: " + err.Error()
	}
	return liveStatus(u)
}

func liveStatus(u *unstructured.Unstructured) string {
	num := func(path ...string) int64 {
		v, _, _ := unstructured.NestedInt64(u.Object, path...)
		return v
	}
	switch u.GetKind() {
	case "Deployment", "StatefulSet":
		want := int64(1)
		if v, ok, _ := unstructured.NestedInt64(u.Object, "spec", "replicas"); ok {
			want = v
		}
		return fmt.Sprintf("%d/%d ready", num("status", "readyReplicas"), want)
	case "DaemonSet":
		return fmt.Sprintf("%d/%d ready", num("status", "numberReady"), num("status", "desiredNumberScheduled"))
	case "Job":
		switch {
		case num("status", "succeeded") > 0:
			return "Completed"
		case num("status", "failed") > 0:
			return "Failed"
		}
		return "Running"
	case "Pod":
		var p corev1.Pod
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &p); err == nil {
			st, _ := status.PodStatus(&p)
			return st
		}
	}
	return "present"
}

var (
	originCommit = regexp.MustCompile(`\bcommit ([0-9a-f]{7,64})\b`)
	originSigner = regexp.MustCompile(`\bsigned by ([^)]+)\)`)
)

// Origin reads the commit and signer pono appends to a revision's
// description ("pono apply: upgrade (commit 0123abcd signed by Alice)").
func Origin(description string) (commit, signer string) {
	if m := originCommit.FindStringSubmatch(description); m != nil {
		commit = m[1]
	}
	if m := originSigner.FindStringSubmatch(description); m != nil {
		signer = m[1]
	}
	return commit, signer
}
