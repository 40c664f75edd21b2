package spec

// ValueFrom is one value taken from a Secret or ConfigMap in the cluster
// (#ValueFrom in cue/platform.cue), shaped like Flux's HelmRelease
// valuesFrom so Flux users recognise it. Exactly one of Parameter, Global
// and TargetPath says where the value goes; the compiler checks that.
type ValueFrom struct {
	// Kind is "Secret" or "ConfigMap".
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	ValuesKey string `json:"valuesKey"`
	// Parameter is a Kaapana extension parameter of the chart.
	Parameter string `json:"parameter,omitempty"`
	// Global is a global: global.<Global>.
	Global string `json:"global,omitempty"`
	// TargetPath is a dot-separated values path.
	TargetPath string `json:"targetPath,omitempty"`
	// Optional: a missing object or key leaves the chart's default.
	Optional bool `json:"optional"`
}

// Kinds of objects a ValueFrom reads.
const (
	KindSecret    = "Secret"
	KindConfigMap = "ConfigMap"
)
