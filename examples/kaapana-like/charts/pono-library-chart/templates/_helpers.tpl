{{- define "lib.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
{{- end -}}

{{- define "lib.image" -}}
{{ .Values.global.registry_url }}/{{ .image }}
{{- end -}}
