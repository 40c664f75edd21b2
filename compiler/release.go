package compiler

import "github.com/pono-gitops/pono/internal/ownership"

// Version is pono's version, stamped into release labels and the releases file.
var Version = "0.1.0-dev"

// RenderVersion changes whenever pono's rendering or value computation
// changes in a way that could alter a release's manifests. It is part of every
// release digest, so a new pono re-applies releases it would render differently.
const RenderVersion = "r1"

// Labels pono puts on every Helm release it owns, named here for the
// compiler's code; package ownership holds the one copy.
const (
	LabelManagedBy = ownership.LabelManagedBy
	LabelPlatform  = ownership.LabelPlatform
	LabelExtension = ownership.LabelExtension
	LabelInstance  = ownership.LabelInstance
	ManagedByValue = ownership.ManagedByValue
)

// Release is one Helm release the platform wants: everything needed to
// install it through the Helm SDK without re-reading the platform.
type Release struct {
	// Name is the Helm release name (chart name, or <chart>-<instance>).
	Name string `json:"name"`
	// Namespace is where Helm stores the release and where namespace-less
	// resources land (the admin namespace by default, as in Kaapana).
	Namespace string `json:"namespace"`
	// Extension is the platform's key for the extension; Instance is set for
	// instances of multi-installable charts.
	Extension string `json:"extension"`
	Instance  string `json:"instance,omitempty"`
	// Kind is application, workflow, workflow-v2, platform or other.
	Kind         string   `json:"kind"`
	Experimental bool     `json:"experimental,omitempty"`
	Chart        ChartRef `json:"chart"`
	// Values are the values pono passes to Helm (chart defaults excluded),
	// after applying globals, the chart's own globals, parameters and
	// explicit values, in that order.
	Values map[string]any `json:"values"`
	// Sensitive lists value paths (dot-separated) whose content must never be
	// printed: parameters the platform marks sensitive.
	Sensitive []string `json:"sensitive,omitempty"`
	// ValuesFrom are values taken from Secrets and ConfigMaps in the
	// cluster; Values hold placeholders there until ResolveValuesFrom.
	ValuesFrom []ValueRef `json:"valuesFrom,omitempty"`
	// Labels are the Helm release labels (Kaapana's kaapana.ai/<keyword> plus
	// pono's ownership labels).
	Labels map[string]string `json:"labels"`
	// Needs are release names that must be ready before this one.
	Needs []string `json:"needs,omitempty"`
	// Digest identifies (chart digest, values, render version): equal digests
	// mean an apply has nothing to do for this release.
	Digest string `json:"digest"`
	// ManifestFile is the path of the rendered manifests, relative to the
	// compile output directory.
	ManifestFile string `json:"manifestFile"`
}

// ChartRef pins the chart a release is installed from.
type ChartRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Source is the platform's name for the chart source.
	Source string `json:"source"`
	// Location is where the chart came from: a directory, a .tgz path, a
	// repository URL or an oci:// reference.
	Location string `json:"location"`
	// Digest is sha256:<hex> of the chart content (archive bytes for
	// packaged charts, a canonical file listing for directories).
	Digest string `json:"digest"`
}
