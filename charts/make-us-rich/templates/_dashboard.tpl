{{/* Name of the dashboard's Deployment, Service and Ingress: fullname cut so "-dashboard" still fits 63 characters. */}}
{{- define "make-us-rich.dashboardName" -}}
{{- printf "%s-dashboard" (include "make-us-rich.fullname" . | trunc 53 | trimSuffix "-") }}
{{- end }}

{{/* Labels selecting the dashboard pods; a Deployment's selector is immutable, so these never change between versions. */}}
{{- define "make-us-rich.dashboardSelectorLabels" -}}
{{ include "make-us-rich.selectorLabels" . }}
app.kubernetes.io/component: dashboard
{{- end }}

{{/* Labels of the dashboard's objects: the common labels plus the component. */}}
{{- define "make-us-rich.dashboardLabels" -}}
{{ include "make-us-rich.labels" . }}
app.kubernetes.io/component: dashboard
{{- end }}

{{/* Secret the dashboard reads its API token from: dashboard.token.secretName, else the chart's API-token Secret. */}}
{{- define "make-us-rich.dashboardTokenSecretName" -}}
{{- .Values.dashboard.token.secretName | default (include "make-us-rich.tokenSecretName" .) }}
{{- end }}

{{/* JSON list of the namespaces the dashboard lists ForecastModels in; [] means every namespace. dashboard.discovery.namespaces,
else the operator's watchNamespaces, else the namespaces with the chart's Secrets when secretNamespaces names any. */}}
{{- define "make-us-rich.dashboardDiscoveryNamespaces" -}}
{{- if .Values.dashboard.discovery.namespaces }}
{{- .Values.dashboard.discovery.namespaces | uniq | toJson }}
{{- else if .Values.watchNamespaces }}
{{- .Values.watchNamespaces | uniq | toJson }}
{{- else if .Values.secretNamespaces }}
{{- include "make-us-rich.secretNamespaces" . }}
{{- else }}
{{- list | toJson }}
{{- end }}
{{- end }}
