package charts

import (
	"os"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// freeForm values are Kubernetes objects or maps passed through as they
// are; the docs describe them as a whole.
var freeForm = map[string]bool{
	"resources": true, "podSecurityContext": true, "securityContext": true,
	"nodeSelector": true, "tolerations": true, "affinity": true,
	"podAnnotations": true, "podLabels": true, "imagePullSecrets": true,
	"serviceAccount.annotations": true, "service.annotations": true, "ingress.annotations": true, "ingress.tls": true,
}

// valuePaths are the dotted paths of values.yaml's leaves.
func valuePaths(prefix string, m map[string]any, out *[]string) {
	for k, v := range m {
		p := prefix + k
		if sub, ok := v.(map[string]any); ok && !freeForm[p] {
			valuePaths(p+".", sub, out)
			continue
		}
		*out = append(*out, p)
	}
}

// docs/install.md's values table names every value of the chart.
func TestValuesInInstallDoc(t *testing.T) {
	b, err := os.ReadFile("pono/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(b, &values); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/install.md")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	valuePaths("", values, &paths)
	sort.Strings(paths)
	for _, p := range paths {
		if !strings.Contains(string(doc), "`"+p+"`") {
			t.Errorf("docs/install.md does not document the value %s", p)
		}
	}
}
