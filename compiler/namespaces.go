package compiler

// Namespaces are the platform's namespaces, as PlatformInfo reports them
// (the same fields and JSON as the platform description's namespaces:
// PlatformInfo converts one into the other, so they cannot drift apart).
type Namespaces struct {
	Admin      string `json:"admin"`
	Services   string `json:"services"`
	Extensions string `json:"extensions"`
	Helm       string `json:"helm"`
	// Releases is where extension releases are stored ("": Admin).
	Releases string `json:"releases,omitempty"`
}
