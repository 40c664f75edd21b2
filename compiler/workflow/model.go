package workflow

import (
	"encoding/json"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// Workflows is a platform's `workflows` field: workflow name → workflow.
// The name is the generated chart's name (and so its release's).
type Workflows map[string]Workflow

// Workflow is one Kaapana v2 workflow: a DAG of Task API tasks and the form
// a user fills in to start it.
type Workflow struct {
	// Title is Kaapana's workflow title (default: the workflow's name); the
	// DAG id becomes <title>_v<N> when workflow-api registers version N.
	Title string `json:"title,omitempty"`
	// Engine is Kaapana's workflow_engine; only "airflow" is generated.
	Engine string `json:"engine,omitempty"`
	// Labels become workflow.json's labels; provider and category are
	// required by Kaapana's workflow-installer.
	Labels map[string]string `json:"labels,omitempty"`
	// UIVisible is the DAG's ui_visible default arg (default true).
	UIVisible *bool `json:"ui_visible,omitempty"`
	// Owner is the DAG's owner default arg (default "kaapana").
	Owner string `json:"owner,omitempty"`
	// Icon is a path in the platform repository to an icon.png, .svg, .jpg
	// or .jpeg shipped beside workflow.json.
	Icon string `json:"icon,omitempty"`
	// Definition is the DAG file's name (default workflow_definition.py).
	Definition string `json:"definition,omitempty"`
	// Chart holds what only the generated chart carries.
	Chart ChartOptions `json:"chart,omitempty"`

	Containers map[string]Container `json:"containers,omitempty"`
	Tasks      map[string]Task      `json:"tasks,omitempty"`
	// Parameters are Kaapana's workflow_parameters, in the order the form
	// shows them.
	Parameters []Parameter `json:"parameters,omitempty"`
}

// ChartOptions are the generated chart's metadata.
type ChartOptions struct {
	// Version is the chart version: empty follows the platform's build
	// version (as Kaapana's build stamps 0.0.0); otherwise an exact semver.
	Version string `json:"version,omitempty"`
	// Description is Chart.yaml's description (default: the title).
	Description string `json:"description,omitempty"`
	// Documentation and UIVisibleName are Kaapana's chart annotations
	// documentation and ui-visible-name.
	Documentation string `json:"documentation,omitempty"`
	UIVisibleName string `json:"ui_visible_name,omitempty"`
}

// Container is an image the workflow's tasks run.
type Container struct {
	// Image is the full image reference; empty means
	// <registry>/<container name>:<build version>, as Kaapana's DAGs write
	// f"{DEFAULT_REGISTRY}/<name>:{KAAPANA_BUILD_VERSION}".
	Image string `json:"image,omitempty"`
	// ProcessingContainer says where the image's processing-container.json
	// is read from.
	ProcessingContainer PCSource `json:"processing_container"`
}

// PCSource is where a processing-container.json comes from: exactly one
// field is set.
type PCSource struct {
	// Path is a file in the platform repository, Kaapana's
	// processing-containers/<c>/processing-container.json layout.
	Path string `json:"path,omitempty"`
	// FromImage reads /processing-container.json from the image itself
	// (as Kaapana's Task API does), in its registry; the compiler pins the
	// image's digest in pono.lock (Input.ImageFile).
	FromImage bool `json:"from_image,omitempty"`
}

// Task is one DAG node: a template of a container, its bindings and
// overrides.
type Task struct {
	Container string `json:"container"`
	// Template is the identifier of a template in the container's
	// processing-container.json.
	Template string `json:"template"`
	// Env overrides template env variables; values are strings, numbers or
	// booleans and reach the operator as strings (see EnvValue).
	Env map[string]EnvValue `json:"env,omitempty"`
	// Command replaces the template's command.
	Command []string `json:"command,omitempty"`
	// Resources replace the template's resources (Kaapana's merge is
	// shallow).
	Resources   *taskapi.Resources `json:"resources,omitempty"`
	Labels      map[string]string  `json:"labels,omitempty"`
	Annotations map[string]string  `json:"annotations,omitempty"`
	// Registry are credentials for an image in an external registry.
	Registry *Registry `json:"registry,omitempty"`
	// Inputs bind each input channel of the template to
	// "<upstream task>.<output channel>".
	Inputs Bindings `json:"inputs,omitempty"`
	// After are ordering-only dependencies: tasks that must finish first.
	After []string `json:"after,omitempty"`
}

// Registry are the credentials KaapanaTaskOperator turns into a pull
// secret (registryUrl, registryUsername, registryPassword).
type Registry struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	// PasswordSecret names the Secret holding the password; a password is
	// never written in the platform.
	PasswordSecret SecretRef `json:"password_secret"`
	// Password exists only to refuse a literal with a clear message.
	Password string `json:"password,omitempty"`
}

// SecretRef is a key of a Kubernetes Secret.
type SecretRef struct {
	Name string `json:"name"`
	// Key defaults to "password".
	Key string `json:"key,omitempty"`
}

// Parameter binds one env variable of one task to a form field.
type Parameter struct {
	Task   string `json:"task"`
	Env    string `json:"env"`
	UIForm UIForm `json:"ui_form"`
}

// UIForm is Kaapana's ui_form, discriminated by Type. Fields that only some
// types carry are pointers (or raw JSON) so that "absent" is visible.
type UIForm struct {
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Help        string          `json:"help,omitempty"`
	Required    bool            `json:"required,omitempty"`
	Default     json.RawMessage `json:"default,omitempty"`

	// bool
	TrueLabel  *string `json:"true_label,omitempty"`
	FalseLabel *string `json:"false_label,omitempty"`
	// int, float
	Minimum *json.Number `json:"minimum,omitempty"`
	Maximum *json.Number `json:"maximum,omitempty"`
	// list
	Options         []string `json:"options,omitempty"`
	Multiselectable bool     `json:"multiselectable,omitempty"`
	// str
	RegexPattern *string `json:"regex_pattern,omitempty"`
	// data_entity: passed through as written.
	Query      json.RawMessage `json:"query,omitempty"`
	Limit      json.RawMessage `json:"limit,omitempty"`
	Pagination json.RawMessage `json:"pagination,omitempty"`
	// file
	Accept   *string `json:"accept,omitempty"`
	Multiple bool    `json:"multiple,omitempty"`
	// terms
	TermsText *string `json:"terms_text,omitempty"`
}

// Defaults filled in for fields the user leaves out.
const (
	DefaultEngine     = "airflow"
	DefaultOwner      = "kaapana"
	DefaultDefinition = "workflow_definition.py"
	DefaultSecretKey  = "password"
)

func (w *Workflow) title(name string) string {
	if w.Title != "" {
		return w.Title
	}
	return name
}

func (w *Workflow) engine() string {
	if w.Engine != "" {
		return w.Engine
	}
	return DefaultEngine
}

func (w *Workflow) owner() string {
	if w.Owner != "" {
		return w.Owner
	}
	return DefaultOwner
}

func (w *Workflow) uiVisible() bool { return w.UIVisible == nil || *w.UIVisible }

func (w *Workflow) definition() string {
	if w.Definition != "" {
		return w.Definition
	}
	return DefaultDefinition
}

func (s SecretRef) key() string {
	if s.Key != "" {
		return s.Key
	}
	return DefaultSecretKey
}
