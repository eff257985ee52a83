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
