package spec

import (
	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/workflow"
)

// Platform is the decoded, defaulted platform description.
type Platform struct {
	Name       string         `json:"name"`
	Kubernetes Kubernetes     `json:"kubernetes"`
	Registry   Registry       `json:"registry"`
	Namespaces Namespaces     `json:"namespaces"`
	Globals    map[string]any `json:"globals"`
	// ValuesFrom are globals taken from the cluster (values_from.go).
	ValuesFrom []ValueFrom `json:"valuesFrom,omitempty"`
	// GlobalsFrom names the extension whose chart's values.yaml globals
	// every extension receives beneath Globals (Kaapana's admin chart).
	GlobalsFrom string `json:"globalsFrom,omitempty"`
	// Projects are Kaapana's projects by name.
	Projects   map[string]Project   `json:"projects,omitempty"`
	Sources    map[string]Source    `json:"sources"`
	Extensions map[string]Extension `json:"extensions"`
	Policy     Policy               `json:"policy"`
	Workflows  workflow.Workflows   `json:"workflows,omitempty"`

	// Secrets are the paths whose values came from SOPS-encrypted files:
	// sensitive wherever they go.
	Secrets []Path `json:"-"`
	// SecretValues are those values, for scrubbing messages.
	SecretValues []any `json:"-"`
	// LoadWarnings are literal credentials found in plain files.
	LoadWarnings diag.List `json:"-"`
}

type Kubernetes struct {
	Version     string   `json:"version"`
	APIVersions []string `json:"apiVersions"`
}

type Registry struct {
	URL      string `json:"url"`
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
}

type Namespaces struct {
	Admin      string `json:"admin"`
	Services   string `json:"services"`
	Extensions string `json:"extensions"`
	Helm       string `json:"helm"`
	Releases   string `json:"releases,omitempty"`
}

// ReleaseNamespace is where extension releases are stored.
func (n Namespaces) ReleaseNamespace() string {
	if n.Releases != "" {
		return n.Releases
	}
	return n.Admin
}

type Source struct {
	Path                  string `json:"path,omitempty"`
	BuildVersion          string `json:"buildVersion,omitempty"`
	Repo                  string `json:"repo,omitempty"`
	OCI                   string `json:"oci,omitempty"`
	PlainHTTP             bool   `json:"plainHTTP"`
	InsecureSkipTLSVerify bool   `json:"insecureSkipTLSVerify"`
}

type Extension struct {
	Chart      string              `json:"chart,omitempty"`
	Source     string              `json:"source,omitempty"`
	Version    string              `json:"version"`
	Parameters map[string]any      `json:"parameters"`
	Sensitive  []string            `json:"sensitive"`
	Values     map[string]any      `json:"values"`
	Namespace  string              `json:"namespace,omitempty"`
	Needs      []string            `json:"needs"`
	Instances  map[string]Instance `json:"instances"`
	// Project is the default project of the instances.
	Project string `json:"project,omitempty"`
	// ValuesFrom are values taken from the cluster (values_from.go).
	ValuesFrom []ValueFrom `json:"valuesFrom,omitempty"`
}

// Project is one of Kaapana's projects.
type Project struct {
	ID string `json:"id"`
}

// DefaultProject is the project an instance runs in unless it names one:
// Kaapana creates it at installation.
const DefaultProject = "admin"

type Instance struct {
	Project    string         `json:"project,omitempty"`
	Parameters map[string]any `json:"parameters"`
	Values     map[string]any `json:"values"`
	Needs      []string       `json:"needs"`
	ValuesFrom []ValueFrom    `json:"valuesFrom,omitempty"`
}

type Policy struct {
	Allow map[string][]string `json:"allow"`
}
