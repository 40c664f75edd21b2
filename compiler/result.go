package compiler

import (
	"maps"
	"slices"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/internal/helmchart"
)

// Result is a compiled platform.
type Result struct {
	Platform PlatformInfo `json:"platform"`
	// Releases, sorted by name.
	Releases []Release `json:"releases"`
	// Extensions describe each extension as Kaapana's Extensions page
	// would, workflows (kind workflow-v2) included.
	Extensions []ExtensionInfo `json:"-"`
	// Workflows are the platform's workflows, sorted by name.
	Workflows []WorkflowInfo `json:"-"`
	// Manifests are the canonical rendered manifests by release name.
	Manifests map[string][]byte `json:"-"`
	// Objects are the objects of each release's manifest, hooks included,
	// in file order: read while compiling, so that planning, once per
	// reconcile cycle, need not parse the manifests again.
	Objects map[string][]ObjectRef `json:"-"`
	// Warnings found while compiling (nondeterministic fields, multi-
	// installable charts without instances...).
	Warnings diag.List `json:"-"`
	// LockChanges says how the lock differs from the one on disk.
	LockChanges []string `json:"-"`

	lock   *source.Lock
	charts map[string]*helmchart.Chart
}

// PlatformInfo is what later stages need from the platform itself.
type PlatformInfo struct {
	Name        string     `json:"name"`
	Namespaces  Namespaces `json:"namespaces"`
	KubeVersion string     `json:"kubeVersion"`
	APIVersions []string   `json:"apiVersions,omitempty"`
}

// ExtensionInfo is one row of `pono ext list`.
type ExtensionInfo struct {
	Name      string   `json:"name"`
	Chart     string   `json:"chart"`
	Version   string   `json:"version"`
	Kind      string   `json:"kind"`
	Stability string   `json:"stability"`
	Multi     bool     `json:"multiInstallable"`
	GPU       bool     `json:"gpu"`
	Internal  bool     `json:"internal"`
	Instances []string `json:"instances,omitempty"`
	// Projects are the instances' projects, by instance, with what
	// follows from each (namespace, bucket, index).
	Projects   map[string]ProjectInfo `json:"projects,omitempty"`
	Parameters []kaapana.Param        `json:"parameters,omitempty"`
	// Tasks and Containers are set for workflows: task ids in dependency
	// order, container names sorted.
	Tasks      []string `json:"tasks,omitempty"`
	Containers []string `json:"containers,omitempty"`
}

// Chart returns the loaded chart of a release, for installing it.
func (r *Result) Chart(release string) *helmchart.Chart { return r.charts[release] }

// Release returns the named release.
func (r *Result) Release(name string) (Release, bool) {
	for _, rel := range r.Releases {
		if rel.Name == name {
			return rel, true
		}
	}
	return Release{}, false
}

func (b *build) platformInfo() PlatformInfo {
	return PlatformInfo{Name: b.p.Name, Namespaces: Namespaces(b.p.Namespaces), KubeVersion: b.p.Kubernetes.Version, APIVersions: b.p.Kubernetes.APIVersions}
}

func (b *build) extensionInfo(name string, ext spec.Extension, rc resolvedChart) ExtensionInfo {
	return ExtensionInfo{
		Name: name, Chart: rc.meta.Name, Version: rc.chart.Version(), Kind: rc.meta.Kind,
		Stability: rc.meta.Stability(), Multi: rc.meta.MultiInstallable, GPU: rc.meta.GPU,
		Internal: rc.meta.Internal, Instances: slices.Sorted(maps.Keys(ext.Instances)), Projects: b.instanceProjects(ext), Parameters: rc.meta.Params,
	}
}

// LockDiff describes how other's resolved chart lock differs from r's.
func (r *Result) LockDiff(other *Result) []string {
	if r.lock == nil || other.lock == nil {
		return nil
	}
	return r.lock.Diff(other.lock)
}
