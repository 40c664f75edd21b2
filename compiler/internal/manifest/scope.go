package manifest

// clusterScoped lists the built-in kinds that are not namespaced, by group.
var clusterScoped = map[string]bool{
	"/Namespace": true, "/Node": true, "/PersistentVolume": true, "/ComponentStatus": true,
	"rbac.authorization.k8s.io/ClusterRole": true, "rbac.authorization.k8s.io/ClusterRoleBinding": true,
	"apiextensions.k8s.io/CustomResourceDefinition":                 true,
	"storage.k8s.io/StorageClass":                                   true,
	"storage.k8s.io/CSIDriver":                                      true,
	"storage.k8s.io/CSINode":                                        true,
	"storage.k8s.io/VolumeAttachment":                               true,
	"storage.k8s.io/VolumeAttributesClass":                          true,
	"scheduling.k8s.io/PriorityClass":                               true,
	"node.k8s.io/RuntimeClass":                                      true,
	"networking.k8s.io/IngressClass":                                true,
	"networking.k8s.io/IPAddress":                                   true,
	"networking.k8s.io/ServiceCIDR":                                 true,
	"admissionregistration.k8s.io/ValidatingWebhookConfiguration":   true,
	"admissionregistration.k8s.io/MutatingWebhookConfiguration":     true,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicy":        true,
	"admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding": true,
	"admissionregistration.k8s.io/MutatingAdmissionPolicy":          true,
	"admissionregistration.k8s.io/MutatingAdmissionPolicyBinding":   true,
	"apiregistration.k8s.io/APIService":                             true,
	"certificates.k8s.io/CertificateSigningRequest":                 true,
	"certificates.k8s.io/ClusterTrustBundle":                        true,
	"flowcontrol.apiserver.k8s.io/FlowSchema":                       true,
	"flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration":       true,
	"resource.k8s.io/DeviceClass":                                   true,
	"resource.k8s.io/ResourceSlice":                                 true,
	"policy/PodSecurityPolicy":                                      true,
}

// Scopes knows which kinds are cluster-scoped: the built-in ones plus those
// declared by CustomResourceDefinitions the platform itself installs.
type Scopes struct{ custom map[string]bool }

// NewScopes learns the scope of custom kinds from the CRDs among objs.
func NewScopes(objs []Object) *Scopes {
	s := &Scopes{custom: map[string]bool{}}
	for _, o := range objs {
		if o.Kind != "CustomResourceDefinition" {
			continue
		}
		spec, _ := o.Body["spec"].(map[string]any)
		group, _ := spec["group"].(string)
		names, _ := spec["names"].(map[string]any)
		kind, _ := names["kind"].(string)
		scope, _ := spec["scope"].(string)
		s.custom[group+"/"+kind] = scope == "Cluster"
	}
	return s
}

// ClusterScoped reports whether objects of o's kind live outside namespaces.
// Unknown kinds count as namespaced: the admin-namespace rule then still
// applies to them.
func (s *Scopes) ClusterScoped(o Object) bool {
	key := o.Group() + "/" + o.Kind
	if v, ok := s.custom[key]; ok {
		return v
	}
	return clusterScoped[key]
}

// Namespace is the namespace the object lands in: its own, else the
// release namespace for a namespaced kind, "" for a cluster-scoped one.
func (s *Scopes) Namespace(o Object, releaseNS string) string {
	if s.ClusterScoped(o) {
		return ""
	}
	if o.Namespace != "" {
		return o.Namespace
	}
	return releaseNS
}
