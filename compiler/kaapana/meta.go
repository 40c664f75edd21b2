package kaapana

import (
	"fmt"
	"slices"
	"sort"

	"sigs.k8s.io/yaml"
)

// Kinds of extensions, from Chart.yaml keywords (or kaapana_type).
const (
	KindApplication = "application"
	KindWorkflow    = "workflow"
	KindWorkflowV2  = "workflow-v2"
	KindPlatform    = "platform"
	KindCollection  = "collection"
	KindLibrary     = "library"
	KindOther       = "other"
)

// Keywords Kaapana gives meaning to.
const (
	KeywordApplication      = "kaapanaapplication"
	KeywordWorkflow         = "kaapanaworkflow"
	KeywordWorkflowV2       = "kaapanaworkflow-v2"
	KeywordPlatform         = "kaapanaplatform"
	KeywordExperimental     = "kaapanaexperimental"
	KeywordMultiInstallable = "kaapanamultiinstallable"
	KeywordGPU              = "gpurequired"
	KeywordInternal         = "kaapanaint"
)

// Meta is what Kaapana's extension page knows about a chart.
type Meta struct {
	Name             string   `json:"name"`
	Version          string   `json:"version"`
	Description      string   `json:"description,omitempty"`
	Keywords         []string `json:"keywords,omitempty"`
	Kind             string   `json:"kind"`
	Experimental     bool     `json:"experimental"`
	MultiInstallable bool     `json:"multiInstallable"`
	GPU              bool     `json:"gpu"`
	Internal         bool     `json:"internal"`
	// Params are the declared extension_params, sorted by name.
	Params []Param `json:"params,omitempty"`
	// OwnGlobals is the chart's own values.yaml global map.
	OwnGlobals map[string]any `json:"-"`
}

// chartFile is the part of Chart.yaml pono reads beyond Helm's own fields.
type chartFile struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Description  string            `json:"description"`
	Type         string            `json:"type"`
	Keywords     []string          `json:"keywords"`
	KaapanaType  string            `json:"kaapana_type"`
	Annotations  map[string]string `json:"annotations"`
	Dependencies []dependency      `json:"dependencies"`
}

// kaapanaType is the chart's kaapana_type. `helm package` writes Chart.yaml
// anew with Helm's fields only, dropping kaapana_type, so a packaged chart
// (a .tgz, OCI) says it in an annotation, or is known by name as Kaapana's
// build knows its platform charts; the kind is then the same however the
// chart was read.
func (cf chartFile) kaapanaType() string {
	switch {
	case cf.KaapanaType != "":
		return cf.KaapanaType
	case cf.Annotations["kaapana_type"] != "":
		return cf.Annotations["kaapana_type"]
	case cf.Annotations["kaapana.ai/type"] != "":
		return cf.Annotations["kaapana.ai/type"]
	}
	return platformCharts[cf.Name]
}

// platformCharts are the charts Kaapana's build deploys as platforms
// (platforms/*/Chart.yaml with kaapana_type: platform).
var platformCharts = map[string]string{"kaapana-admin-chart": "platform"}

type dependency struct {
	Name string `json:"name"`
}

// Read builds Meta from a chart's Chart.yaml, values.yaml and (for apiVersion
// v1 charts) requirements.yaml; values and requirements may be nil.
func Read(chartYAML, valuesYAML, requirementsYAML []byte) (Meta, error) {
	var cf chartFile
	if err := yaml.Unmarshal(chartYAML, &cf); err != nil {
		return Meta{}, fmt.Errorf("Chart.yaml: %w", err)
	}
	var values map[string]any
	if len(valuesYAML) > 0 {
		if err := yaml.Unmarshal(valuesYAML, &values); err != nil {
			return Meta{}, fmt.Errorf("values.yaml: %w", err)
		}
	}
	deps := make([]string, 0, len(cf.Dependencies))
	for _, d := range cf.Dependencies {
		deps = append(deps, d.Name)
	}
	if len(requirementsYAML) > 0 {
		var req struct {
			Dependencies []dependency `json:"dependencies"`
		}
		if err := yaml.Unmarshal(requirementsYAML, &req); err != nil {
			return Meta{}, fmt.Errorf("requirements.yaml: %w", err)
		}
		for _, d := range req.Dependencies {
			deps = append(deps, d.Name)
		}
	}
	m := FromChart(cf.Name, cf.Version, cf.Keywords, values, deps)
	m.Description = cf.Description
	if k := kindFromType(cf.kaapanaType(), cf.Type); k != "" && m.Kind == KindOther {
		m.Kind = k
	}
	params, err := ParseParams(values)
	if err != nil {
		return Meta{}, err
	}
	m.Params = params
	return m, nil
}

// FromChart derives Meta from already-parsed chart data. deps are the names
// of the chart's dependencies in declaration order. Params are not parsed
// here; call ParseParams.
func FromChart(name, version string, keywords []string, values map[string]any, deps []string) Meta {
	has := func(k string) bool { return slices.Contains(keywords, k) }
	m := Meta{
		Name:             name,
		Version:          version,
		Keywords:         append([]string(nil), keywords...),
		Experimental:     has(KeywordExperimental),
		MultiInstallable: has(KeywordMultiInstallable),
		GPU:              has(KeywordGPU),
		Internal:         has(KeywordInternal),
	}
	switch {
	case has(KeywordWorkflow):
		m.Kind = KindWorkflow
	case has(KeywordWorkflowV2):
		m.Kind = KindWorkflowV2
	case has(KeywordApplication):
		m.Kind = KindApplication
	case has(KeywordPlatform):
		m.Kind = KindPlatform
	case len(deps) > 0 && deps[0] == "dag-installer-chart":
		// Kaapana's build treats a chart whose first requirement is the
		// DAG installer as a v1 workflow even without the keyword.
		m.Kind = KindWorkflow
	default:
		m.Kind = KindOther
	}
	if g, ok := values["global"].(map[string]any); ok {
		m.OwnGlobals = g
	}
	return m
}

func kindFromType(kaapanaType, helmType string) string {
	switch kaapanaType {
	case "platform":
		return KindPlatform
	case "extension-collection":
		return KindCollection
	}
	if helmType == "library" {
		return KindLibrary
	}
	return ""
}

// Stability is "experimental" or "stable", as the Extensions page shows it.
func (m Meta) Stability() string {
	if m.Experimental {
		return "experimental"
	}
	return "stable"
}

// Labels are the Helm release labels Kaapana sets: kaapana.ai/<keyword>=True
// for each keyword, sorted by construction of the map.
func (m Meta) Labels() map[string]string {
	out := map[string]string{}
	kws := append([]string(nil), m.Keywords...)
	sort.Strings(kws)
	for _, k := range kws {
		if k == "" {
			continue
		}
		out["kaapana.ai/"+k] = "True"
	}
	return out
}
