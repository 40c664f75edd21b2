package workflow

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// ChartKeyword marks a Kaapana v2 workflow chart.
const ChartKeyword = "kaapanaworkflow-v2"

// DefaultDocumentation is Kaapana's documentation annotation for v2
// workflows.
const DefaultDocumentation = "user_guide/extensions.html#task-api-workflows"

// ContentHash is Kaapana's workflow.configMapHash: the sha256 of every
// file under files/, concatenated in path order, cut to 8 hex digits.
func ContentHash(files map[string][]byte) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		h.Write(files[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// chartFiles builds the kaapanaworkflow-v2 chart. It renders what
// Kaapana's workflow-helpers library renders for a workflow chart, written
// out instead of included (see docs/workflows.md for each difference):
// the ConfigMap <name>-configmap-<content hash> with one key per file, and
// the installer Job, named by the content hash and the installer's
// settings instead of the Helm revision so it runs only when one changed.
func chartFiles(rw *resolvedWorkflow, files map[string][]byte, version string) (map[string][]byte, error) {
	name, w := rw.name, rw.w
	hash := ContentHash(files)
	annotations := map[string]string{
		"documentation":   orDefault(w.Chart.Documentation, DefaultDocumentation),
		"ui-visible-name": orDefault(w.Chart.UIVisibleName, w.title(name)),
	}
	chartYAML, err := yaml.Marshal(map[string]any{
		"apiVersion":  "v2",
		"name":        name,
		"version":     version,
		"appVersion":  version,
		"description": orDefault(w.Chart.Description, "Kaapana workflow "+w.title(name)),
		"keywords":    []string{ChartKeyword},
		"annotations": annotations,
	})
	if err != nil {
		return nil, err
	}
	var images []string
	for _, cn := range slices.Sorted(maps.Keys(rw.containers)) {
		if rc := rw.containers[cn]; rc.byName {
			images = append(images, cn)
		}
	}
	global := map[string]any{"pull_policy_images": "IfNotPresent"}
	if rw.plat.BuildVersion != "" {
		global["kaapana_build_version"] = rw.plat.BuildVersion
	}
	values, err := yaml.Marshal(map[string]any{
		"global":               global,
		"processingContainers": orEmptyStrings(images),
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{
		"Chart.yaml":               chartYAML,
		"values.yaml":              values,
		"templates/configmap.yaml": []byte(configMapTemplate(name, hash, files)),
		"templates/job.yaml":       []byte(jobTemplate(name, hash)),
	}
	for fn, b := range files {
		out["files/"+fn] = b
	}
	return out, nil
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func orEmptyStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// binaryFile says whether a file goes to binaryData (a ConfigMap's data
// must be UTF-8 text; Kaapana's helper would break on a PNG icon).
func binaryFile(name string) bool {
	return strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".jpg") || strings.HasSuffix(name, ".jpeg")
}

// configMapTemplate reads each file with .Files.Get, so that a "{{" in the
// DAG or workflow.json is never taken for a Helm template.
func configMapTemplate(name, hash string, files map[string][]byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: v1
kind: ConfigMap
metadata:
  name: %s-configmap-%s
  namespace: {{ .Values.global.services_namespace | default "services" }}
  labels:
    app: %s
data:
`, name, hash, name)
	var binary []string
	for _, fn := range slices.Sorted(maps.Keys(files)) {
		if binaryFile(fn) {
			binary = append(binary, fn)
			continue
		}
		fmt.Fprintf(&b, "  %s: |\n{{ .Files.Get %q | indent 4 }}\n", fn, "files/"+fn)
	}
	if len(binary) > 0 {
		b.WriteString("binaryData:\n")
		for _, fn := range binary {
			fmt.Fprintf(&b, "  %s: {{ .Files.Get %q | b64enc }}\n", fn, "files/"+fn)
		}
	}
	return b.String()
}

// jobTemplate is Kaapana's installer Job. Its name carries a hash of the
// workflow's content and of everything else in the Job's spec, so an
// unchanged workflow leaves the Job (and workflow-api) alone, and a
// changed one gets a new Job instead of a patch of an immutable one. It
// has no ttlSecondsAfterFinished: Helm, and pono's drift correction, would
// recreate a Job that disappeared, and each run registers a new version.
func jobTemplate(name, hash string) string {
	return strings.NewReplacer("@NAME@", name, "@HASH@", hash).Replace(`{{- $ns := .Values.global.services_namespace | default "services" -}}
{{- $registry := .Values.global.registry_url -}}
{{- $version := .Values.global.kaapana_build_version -}}
{{- $pull := .Values.global.pull_policy_images | default "IfNotPresent" -}}
{{- $hash := print "@HASH@" $ns $registry $version $pull | sha256sum | trunc 8 -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: workflow-installer-@NAME@-{{ $hash }}
  namespace: {{ $ns }}
  labels:
    app: @NAME@
    component: workflow-installer
  annotations:
    pono.dev/workflow-content: "@HASH@"
spec:
  backoffLimit: 1
  template:
    metadata:
      labels:
        app: @NAME@
        component: workflow-installer
    spec:
      initContainers:
        - name: service-checker
          image: "{{ $registry }}/service-checker:{{ $version }}"
          imagePullPolicy: {{ $pull }}
          env:
            - name: WAIT
              value: "workflow-api,workflow-api.{{ $ns }}.svc,80,/v1/health"
            - name: DELAY
              value: "2"
            - name: TIMEOUT
              value: "10"
      containers:
        - name: workflow-installer
          image: "{{ $registry }}/workflow-installer:{{ $version }}"
          imagePullPolicy: {{ $pull }}
          env:
            - name: WORKFLOW_API_URL
              value: "http://workflow-api.{{ $ns }}.svc:80/v1"
          volumeMounts:
            - name: workflow-files
              mountPath: /workflows
      volumes:
        - name: workflow-files
          configMap:
            name: @NAME@-configmap-@HASH@
      restartPolicy: Never
      imagePullSecrets:
        - name: registry-secret
`)
}
