// Package platformgen writes synthetic Kaapana-like platforms for
// benchmarks: N extensions, each with its own local chart of a few templates
// and a couple of typed parameters.
package platformgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Options shape the generated platform.
type Options struct {
	Extensions int
	// Variant changes the first Changed extensions' parameters, to make a
	// second revision of the same platform (for diff benchmarks).
	Variant int
	Changed int
}

// Write writes the platform into dir (platform.yaml plus charts/).
func Write(dir string, o Options) error {
	var p strings.Builder
	p.WriteString("name: bench\nsources:\n  local:\n    path: charts\nextensions:\n")
	for i := 0; i < o.Extensions; i++ {
		name := fmt.Sprintf("ext-%03d", i)
		greeting := "hello"
		if i < o.Changed && o.Variant > 0 {
			greeting = fmt.Sprintf("hello-v%d", o.Variant)
		}
		fmt.Fprintf(&p, "  %s:\n    chart: %s-chart\n    version: \"1.0.0\"\n    parameters:\n      greeting: %q\n      size: medium\n", name, name, greeting)
		if err := writeChart(filepath.Join(dir, "charts", name+"-chart"), name+"-chart"); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "platform.yaml"), []byte(p.String()), 0o644)
}

func writeChart(dir, name string) error {
	files := map[string]string{
		"Chart.yaml": fmt.Sprintf("apiVersion: v2\nname: %s\nversion: 1.0.0\ndescription: benchmark chart\nkeywords: [kaapanaapplication]\n", name),
		"values.yaml": `global:
  services_namespace: ""
replicas: 1
extension_params:
  greeting:
    type: string
    default: hi
  size:
    type: list_single
    value: [small, medium, large]
    default: small
`,
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Values.global.services_namespace }}
  labels:
    app.kubernetes.io/name: {{ .Chart.Name }}
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      containers:
      - name: app
        image: "example/{{ .Chart.Name }}:{{ .Chart.Version }}"
        env:
        - name: GREETING
          value: {{ .Values.global.greeting | quote }}
        - name: SIZE
          value: {{ .Values.global.size | quote }}
        resources:
          requests: {cpu: 10m, memory: 16Mi}
`,
		"templates/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Values.global.services_namespace }}
spec:
  selector:
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
  - port: 80
`,
		"templates/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
  namespace: {{ .Values.global.services_namespace }}
data:
  greeting: {{ .Values.global.greeting | quote }}
  size: {{ .Values.global.size | quote }}
`,
	}
	for f, c := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			return err
		}
	}
	return nil
}
