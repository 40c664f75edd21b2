package ui

import (
	"time"

	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/workflow"
)

// Snapshot is everything the page shows except per-release details, as of
// one cycle (or refresh). Nothing in it is secret: values are masked when
// the snapshot is built, errors scrubbed.
type Snapshot struct {
	// Generation grows with each published snapshot; the events stream
	// sends it.
	Generation uint64    `json:"generation"`
	Updated    time.Time `json:"updated"`
	Platform   Platform  `json:"platform"`
	// Extensions are the platform's releases, then releases found in its
	// namespaces that it does not have, in plan order.
	Extensions []Row      `json:"extensions"`
	Workflows  []Workflow `json:"workflows"`

	// result is the compiled platform the rows come from (desired values
	// for release pages); never serialised.
	result *compiler.Result
}

// Platform is the platform view: where it comes from and what the last
// cycle did (the reconciler's status document, as in its status
// ConfigMap).
type Platform struct {
	Name string `json:"name"`
	// Local: served by `pono ui DIR`, not by a reconciler (no repository,
	// no attempts).
	Local bool   `json:"local,omitempty"`
	Dir   string `json:"dir,omitempty"`
	statusdoc.ReconcilerStatus
	Windows []string `json:"windows,omitempty"`
	// Leader is false on a replica that does not run cycles; such a
	// follower shows the leader's status, read from the status ConfigMap.
	Leader bool `json:"leader"`
	// Error is why the snapshot is incomplete (a failed status read).
	Error string `json:"error,omitempty"`
}

// Row is one line of the Extensions table.
type Row struct {
	Release   string `json:"release"`
	Namespace string `json:"namespace"`
	Extension string `json:"extension,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Stability string `json:"stability,omitempty"`
	// Multi: the chart is multi-installable; Instances are the platform's
	// instances of the extension.
	Multi     bool     `json:"multiInstallable"`
	Instances []string `json:"instances,omitempty"`
	// Parameters are the extension parameters as set, sensitive ones
	// hidden.
	Parameters      []Param  `json:"parameters,omitempty"`
	Chart           string   `json:"chart,omitempty"`
	DesiredVersion  string   `json:"desiredVersion,omitempty"`
	DeployedVersion string   `json:"deployedVersion,omitempty"`
	HelmStatus      string   `json:"helmStatus"`
	Revision        int      `json:"revision,omitempty"`
	KubeStatus      []string `json:"kubeStatus"`
	Ready           bool     `json:"ready"`
	UpToDate        bool     `json:"upToDate"`
	InPlatform      bool     `json:"inPlatform"`
	Owner           string   `json:"owner,omitempty"`
	// Drift lists the objects changed out of band (last cycle).
	Drift []string `json:"drift,omitempty"`
	// State summarises the row for the state filter: ready, pending,
	// failed, drifted or not-installed.
	State string `json:"state"`
	// Failure is the reason of the last failure (last cycle's error for
	// the release, or the status read's error).
	Failure string `json:"failure,omitempty"`
}

// Param is one parameter as set.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Key is namespace/name.
func (r *Row) Key() string { return r.Namespace + "/" + r.Release }

// States, as the state filter names them.
const (
	StateReady        = "ready"
	StatePending      = "pending"
	StateFailed       = "failed"
	StateDrifted      = "drifted"
	StateNotInstalled = "not-installed"
)

// Workflow is a workflow's view: its graph, form and release.
type Workflow struct {
	Name  string          `json:"name"`
	Title string          `json:"title"`
	Graph *workflow.Graph `json:"graph"`
	// Parameters are the form's fields in the order Kaapana shows them.
	Parameters []FormField `json:"parameters"`
	// Release is the workflow chart's release row, when the platform has
	// one.
	Release *Row `json:"release,omitempty"`
}

// FormField is one field of a workflow's form, as workflow.json registers
// it with Kaapana.
type FormField struct {
	Task string          `json:"task_title"`
	Env  string          `json:"env_variable_name"`
	Form workflow.UIForm `json:"ui_form"`
}

// ReleaseDetail is a release page's data read from the cluster.
type ReleaseDetail struct {
	History []Revision `json:"history"`
	Objects []Object   `json:"objects"`
	// Description is Helm's description of the newest revision (on a
	// failed revision: Helm's reason).
	Description string `json:"description,omitempty"`
	// Truncated: more revisions or objects than shown.
	Truncated bool `json:"truncated,omitempty"`
}

// Revision is one Helm revision with the commit and signer pono recorded
// in its description.
type Revision struct {
	Revision     int       `json:"revision"`
	Updated      time.Time `json:"updated"`
	Status       string    `json:"status"`
	Chart        string    `json:"chart"`
	Description  string    `json:"description"`
	Commit       string    `json:"commit,omitempty"`
	Signer       string    `json:"signer,omitempty"`
	ChartVersion string    `json:"chartVersion"`
}

// Object is one object of a release's manifest with its live status.
type Object struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Status    string `json:"status"`
}
