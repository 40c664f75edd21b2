package taskapi

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
)

// ProcessingContainer is an image's /processing-container.json.
type ProcessingContainer struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	APIVersion  Integer        `json:"api_version,omitempty"`
	Templates   []TaskTemplate `json:"templates"`
}

// Template returns the template with the given identifier.
func (pc *ProcessingContainer) Template(identifier string) (*TaskTemplate, bool) {
	for i := range pc.Templates {
		if pc.Templates[i].Identifier == identifier {
			return &pc.Templates[i], true
		}
	}
	return nil, false
}

// Identifiers lists the template identifiers in file order.
func (pc *ProcessingContainer) Identifiers() []string {
	ids := make([]string, 0, len(pc.Templates))
	for _, t := range pc.Templates {
		ids = append(ids, t.Identifier)
	}
	return ids
}

// TaskTemplate is one predefined way of running the image.
type TaskTemplate struct {
	Identifier  string        `json:"identifier"`
	Description string        `json:"description"`
	Inputs      []IOMount     `json:"inputs"`
	Outputs     []IOMount     `json:"outputs"`
	Env         []TemplateEnv `json:"env"`
	Command     []string      `json:"command,omitempty"`
	Resources   *Resources    `json:"resources,omitempty"`
}

// TemplateEnv is an environment variable with its default value.
type TemplateEnv struct {
	Name        string  `json:"name"`
	Value       string  `json:"value"`
	Choices     Choices `json:"choices,omitempty"`
	Description string  `json:"description,omitempty"`
}

// IOMount is a template channel: its name and where it is mounted.
type IOMount struct {
	Name        string     `json:"name"`
	MountedPath string     `json:"mounted_path"`
	ScaleRule   *ScaleRule `json:"scale_rule,omitempty"`
	Description string     `json:"description,omitempty"`
}

// Resources are Kubernetes-style resource maps.
type Resources struct {
	Limits   ResourceList `json:"limits,omitempty"`
	Requests ResourceList `json:"requests,omitempty"`
}

// ResourceList maps a resource name (memory, cpu, ...) to a quantity string.
// JSON numbers are accepted and kept in their decimal form.
type ResourceList map[string]QuantityString

// QuantityString is a Kubernetes quantity as written in the file.
type QuantityString string

// UnmarshalJSON accepts a JSON string or number.
func (q *QuantityString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*q = QuantityString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		// Left empty for the schema to report (an error would stop the
		// decoding of the rest of the document).
		return nil
	}
	*q = QuantityString(n.String())
	return nil
}

// Integer is an integer field. As Kaapana's pydantic models do, it
// accepts an integral number written as a float (2.0) or a string ("2");
// the validator warns about the string form.
type Integer int64

// UnmarshalJSON accepts 2, 2.0 and "2".
func (n *Integer) UnmarshalJSON(b []byte) error {
	text := string(b)
	if s, err := strconv.Unquote(text); err == nil && len(b) > 0 && b[0] == '"' {
		text = s
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = Integer(i)
		return nil
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		*n = Integer(f)
		return nil
	}
	// Anything else is left at 0 for the schema to report: an error here
	// would stop encoding/json from decoding the rest of the document.
	return nil
}

// Choices are an env variable's allowed values. The schema wants strings;
// numbers and booleans are kept as written so that messages can show them.
type Choices []string

// UnmarshalJSON accepts a list of JSON scalars.
func (c *Choices) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = make(Choices, 0, len(raw))
	for _, r := range raw {
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			s = string(r)
		}
		*c = append(*c, s)
	}
	return nil
}

// ScaleRuleType says which resource map a scale rule raises.
type ScaleRuleType string

// ScaleRuleMode says how a channel's size is measured.
type ScaleRuleMode string

const (
	ScaleLimit   ScaleRuleType = "limit"
	ScaleRequest ScaleRuleType = "request"

	// ModeSum sums the sizes of all matching files.
	ModeSum ScaleRuleMode = "sum"
	// ModeMaxFileSize takes the largest matching file.
	ModeMaxFileSize ScaleRuleMode = "max_file_size"
	// ModeMaxItemSum sums matching files per direct subdirectory ("item") of
	// the channel and takes the largest item.
	ModeMaxItemSum ScaleRuleMode = "max_item_sum"
)

// ScaleRule derives memory from the size of a channel's data. Nil pointer
// fields take Kaapana's defaults: target_dir "", target_regex ".*",
// target_glob "*".
type ScaleRule struct {
	ScaleFactor Integer       `json:"scale_factor"`
	Type        ScaleRuleType `json:"type"`
	Mode        ScaleRuleMode `json:"mode"`
	TargetDir   *string       `json:"target_dir,omitempty"`
	TargetRegex *string       `json:"target_regex,omitempty"`
	TargetGlob  *string       `json:"target_glob,omitempty"`
}

// Dir returns target_dir with its default.
func (r *ScaleRule) Dir() string { return deref(r.TargetDir, "") }

// Regex returns target_regex with its default.
func (r *ScaleRule) Regex() string { return deref(r.TargetRegex, ".*") }

// Glob returns target_glob with its default.
func (r *ScaleRule) Glob() string { return deref(r.TargetGlob, "*") }

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

// Task instantiates a template with host paths, env, and runner config.
type Task struct {
	Name       string  `json:"name"`
	Image      string  `json:"image"`
	APIVersion Integer `json:"api_version,omitempty"`
	// TaskTemplate is either an identifier (TemplateRef) or inline.
	TaskTemplate TemplateRef `json:"taskTemplate"`
	Command      []string    `json:"command,omitempty"`
	Resources    *Resources  `json:"resources,omitempty"`
	Config       *Config     `json:"config,omitempty"`
	Inputs       []IOVolume  `json:"inputs,omitempty"`
	Outputs      []IOVolume  `json:"outputs,omitempty"`
	Env          []Env       `json:"env,omitempty"`
}

// TemplateRef is a task's taskTemplate: an identifier or an inline template.
type TemplateRef struct {
	Identifier string
	Inline     *TaskTemplate
}

// UnmarshalJSON accepts a string or a template object.
func (r *TemplateRef) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &r.Identifier); err == nil {
		return nil
	}
	if len(b) == 0 || b[0] != '{' {
		return &json.UnmarshalTypeError{Value: "non-template", Type: reflect.TypeFor[TemplateRef]()}
	}
	r.Inline = new(TaskTemplate)
	return json.Unmarshal(b, r.Inline)
}

// MarshalJSON writes the identifier or the inline template.
func (r TemplateRef) MarshalJSON() ([]byte, error) {
	if r.Inline != nil {
		return json.Marshal(r.Inline)
	}
	return json.Marshal(r.Identifier)
}

// IOVolume binds a channel to a host directory.
type IOVolume struct {
	Name         string         `json:"name"`
	VolumeSource HostPathVolume `json:"volume_source"`
	ScaleRule    *ScaleRule     `json:"scale_rule,omitempty"`
}

// HostPathVolume is a directory on the host that runs the container.
type HostPathVolume struct {
	HostPath string `json:"host_path"`
}

// Env is a name and a string value.
type Env struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// RunnerType names the runner a config was written for.
type RunnerType string

const (
	RunnerDocker RunnerType = "docker"
	RunnerK8s    RunnerType = "k8s"
)

// Config is the runner configuration. Docker uses Labels; Kubernetes uses
// every field. Kubernetes objects are kept as raw JSON and decoded by the
// pod builder.
type Config struct {
	Type             RunnerType        `json:"type,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`
	Annotations      map[string]string `json:"annotations,omitempty"`
	Namespace        string            `json:"namespace,omitempty"`
	RegistryURL      string            `json:"registryUrl,omitempty"`
	RegistryUsername string            `json:"registryUsername,omitempty"`
	RegistryPassword string            `json:"registryPassword,omitempty"`
	ImagePullSecrets []string          `json:"imagePullSecrets,omitempty"`
	EnvVars          []json.RawMessage `json:"env_vars,omitempty"`
	Volumes          []json.RawMessage `json:"volumes,omitempty"`
	VolumeMounts     []json.RawMessage `json:"volume_mounts,omitempty"`
}

// HasRegistryCredentials reports whether all three registry fields are set,
// the condition under which a pull secret is created.
func (c *Config) HasRegistryCredentials() bool {
	return c != nil && c.RegistryURL != "" && c.RegistryUsername != "" && c.RegistryPassword != ""
}

// Channel is a template channel bound to a host path: what a runner mounts.
type Channel struct {
	Name        string     `json:"name"`
	MountedPath string     `json:"mounted_path"`
	HostPath    string     `json:"host_path"`
	ScaleRule   *ScaleRule `json:"scale_rule,omitempty"`
	Description string     `json:"description,omitempty"`
}

// Instance is a task merged with its template: everything a runner needs.
type Instance struct {
	Name        string        `json:"name"`
	Image       string        `json:"image"`
	Identifier  string        `json:"identifier"`
	Description string        `json:"description,omitempty"`
	Command     []string      `json:"command,omitempty"`
	Resources   *Resources    `json:"resources,omitempty"`
	Config      Config        `json:"config"`
	Inputs      []Channel     `json:"inputs"`
	Outputs     []Channel     `json:"outputs"`
	Env         []TemplateEnv `json:"env"`
}

// EnvList returns the merged env as NAME=value strings, in order.
func (in *Instance) EnvList() []string {
	out := make([]string, 0, len(in.Env))
	for _, e := range in.Env {
		out = append(out, e.Name+"="+e.Value)
	}
	return out
}
