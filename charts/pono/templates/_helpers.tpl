{{/* Chart name, overridable. */}}
{{- define "pono.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name: the prefix of every object. A release already named like the
chart ("pono", "pono-staging") is used as is, so objects are not named
"pono-pono".
*/}}
{{- define "pono.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "pono.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable across upgrades (a Deployment's selector is immutable). */}}
{{- define "pono.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pono.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pono.labels" -}}
helm.sh/chart: {{ include "pono.chart" . }}
{{ include "pono.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: reconciler
{{- end -}}

{{- define "pono.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pono.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pono.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
Seconds in a duration of h, m and s units ("2m", "1h30m", "45s"), the only
units values.schema.json lets through; Go templates cannot parse Go
durations themselves.
*/}}
{{- define "pono.seconds" -}}
{{- $h := regexFind "[0-9]+h" . | trimSuffix "h" | default "0" | atoi -}}
{{- $m := regexFind "[0-9]+m" . | trimSuffix "m" | default "0" | atoi -}}
{{- $s := regexFind "[0-9]+s" . | trimSuffix "s" | default "0" | atoi -}}
{{- add (mul $h 3600) (mul $m 60) $s -}}
{{- end -}}

{{/*
Checks what values.schema.json cannot express, or what a user may have
bypassed with --skip-schema-validation. Rendered once, by the Deployment.
*/}}
{{- define "pono.validate" -}}
{{- if not .Values.git.url -}}
{{- fail "git.url is required: the URL of the git repository holding the platform (--set git.url=https://git.example.org/platform.git)" -}}
{{- end -}}
{{- if not (has .Values.mode (list "apply" "observe")) -}}
{{- fail (printf "mode must be apply or observe, not %q" .Values.mode) -}}
{{- end -}}
{{- if not (has .Values.rbac.mode (list "cluster-admin" "least-privilege")) -}}
{{- fail (printf "rbac.mode must be cluster-admin or least-privilege, not %q" .Values.rbac.mode) -}}
{{- end -}}
{{- if and (eq .Values.rbac.mode "least-privilege") (empty .Values.rbac.namespaces) -}}
{{- fail "rbac.mode least-privilege needs rbac.namespaces: the namespaces pono may manage (--set 'rbac.namespaces={kaapana,services}')" -}}
{{- end -}}
{{- if and (not .Values.schedule) (not .Values.interval) -}}
{{- fail "set schedule (cron) or interval (e.g. 5m)" -}}
{{- end -}}
{{- if and .Values.verify.secret (not .Values.verify.keyring) (not .Values.verify.allowedSigners) -}}
{{- fail "verify.secret is set but neither verify.keyring nor verify.allowedSigners: say which keys the Secret holds" -}}
{{- end -}}
{{- end -}}
