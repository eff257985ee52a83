{{/* Chart name, or nameOverride; cut to 63 characters, the longest label value. */}}
{{- define "make-us-rich.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-<chart>" (the release name alone when it already holds the chart name), or fullnameOverride; cut to 63 characters. */}}
{{- define "make-us-rich.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the operator's objects (Deployment, ServiceAccount, RBAC, metrics Service, Lease): fullname cut so "-operator" still fits 63 characters. */}}
{{- define "make-us-rich.operatorName" -}}
{{- printf "%s-operator" (include "make-us-rich.fullname" . | trunc 54 | trimSuffix "-") }}
{{- end }}

{{/* Value of the helm.sh/chart label: "<chart>-<version>". */}}
{{- define "make-us-rich.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object the chart writes. */}}
{{- define "make-us-rich.labels" -}}
helm.sh/chart: {{ include "make-us-rich.chart" . }}
{{ include "make-us-rich.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: make-us-rich
{{- end }}

{{/* Labels that tell this release's objects apart from another release's. */}}
{{- define "make-us-rich.selectorLabels" -}}
app.kubernetes.io/name: {{ include "make-us-rich.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels selecting the operator pods; a Deployment's selector is immutable, so these never change between versions. */}}
{{- define "make-us-rich.operatorSelectorLabels" -}}
{{ include "make-us-rich.selectorLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Labels of the operator's own objects: the common labels plus the component. */}}
{{- define "make-us-rich.operatorLabels" -}}
{{ include "make-us-rich.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/* ServiceAccount the operator runs as: the one the chart creates, or the one named, or "default". */}}
{{- define "make-us-rich.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "make-us-rich.operatorName" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference from (dict "image" <image block> "root" $): "[registry/]repository@digest", or ":tag" defaulting to the appVersion. */}}
{{- define "make-us-rich.image" -}}
{{- $repository := .image.repository }}
{{- with include "make-us-rich.imageRegistry" .root }}
{{- $repository = printf "%s/%s" (trimSuffix "/" .) $repository }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $repository .image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* Name of the S3 credentials Secret the operator hands to trainers and inference pods: the existing one, or the chart's. */}}
{{- define "make-us-rich.s3SecretName" -}}
{{- .Values.s3.existingSecret | default .Values.s3.secretName }}
{{- end }}

{{/* Name of the API-token Secret inference pods mount by default: the existing one, or the chart's. */}}
{{- define "make-us-rich.tokenSecretName" -}}
{{- .Values.apiTokens.existingSecret | default .Values.apiTokens.secretName }}
{{- end }}

{{/* JSON list of the namespaces that get the chart's Secrets: the watched ones (else the release namespace) plus secretNamespaces. */}}
{{- define "make-us-rich.secretNamespaces" -}}
{{- $watched := .Values.watchNamespaces | default (list .Release.Namespace) }}
{{- concat $watched .Values.secretNamespaces | uniq | toJson }}
{{- end }}

{{/* The operator's RBAC rules as generated from operator/rbac.ts into files/rbac-rules.yaml, with the S3 Secret name filled in. */}}
{{- define "make-us-rich.generatedRules" -}}
{{- tpl (.Files.Get "files/rbac-rules.yaml") . }}
{{- end }}

{{/* Registry in front of every image: global.imageRegistry (a parent chart's) when set, else imageRegistry. */}}
{{- define "make-us-rich.imageRegistry" -}}
{{- $global := .Values.global | default dict }}
{{- $global.imageRegistry | default .Values.imageRegistry }}
{{- end }}

{{/* Pod securityContext: the "restricted" Pod Security Standard defaults, each key given in the argument replacing the default's (user 10001 is the one the images' Dockerfiles create). */}}
{{- define "make-us-rich.podSecurityContext" -}}
{{- $context := dict "runAsNonRoot" true "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001 "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- /* set, not mergeOverwrite: mergeOverwrite skips false and 0, so readOnlyRootFilesystem: false would be lost. */}}
{{- range $key, $value := . }}
{{- $_ := set $context $key $value }}
{{- end }}
{{- toYaml $context }}
{{- end }}

{{/* Container securityContext: the "restricted" defaults, each key given in the argument replacing the default's. */}}
{{- define "make-us-rich.containerSecurityContext" -}}
{{- $context := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- range $key, $value := . }}
{{- $_ := set $context $key $value }}
{{- end }}
{{- toYaml $context }}
{{- end }}

{{/* Name of the PodMonitor of the inference pods: fullname cut so "-inference" still fits 63 characters. */}}
{{- define "make-us-rich.inferenceMonitorName" -}}
{{- printf "%s-inference" (include "make-us-rich.fullname" . | trunc 53 | trimSuffix "-") }}
{{- end }}
