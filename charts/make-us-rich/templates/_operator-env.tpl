{{/* Environment of the operator container: every variable operator/config.ts reads, from the values (numbers through int, so large ones never print as 1e+06). */}}
{{- define "make-us-rich.operatorEnv" -}}
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: MUR_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: MUR_WATCH_NAMESPACES
  value: {{ join "," .Values.watchNamespaces | quote }}
- name: MUR_TRAINER_IMAGE
  value: {{ include "make-us-rich.image" (dict "image" .Values.trainer.image "root" .) | quote }}
- name: MUR_SERVER_IMAGE
  value: {{ include "make-us-rich.image" (dict "image" .Values.server.image "root" .) | quote }}
- name: MUR_IMAGE_PULL_POLICY
  value: {{ .Values.imagePullPolicy | quote }}
- name: MUR_ARTIFACT_BASE_URI
  value: {{ printf "s3://%s/%s" .Values.s3.bucket .Values.s3.prefix | quote }}
- name: MUR_S3_SECRET_NAME
  value: {{ include "make-us-rich.s3SecretName" . | quote }}
- name: MUR_TOKEN_SECRET_NAME
  value: {{ include "make-us-rich.tokenSecretName" . | quote }}
- name: MUR_JOB_TTL_SECONDS
  value: {{ .Values.trainer.jobTtlSeconds | int | quote }}
{{- with .Values.trainer.resources }}
- name: MUR_TRAINER_RESOURCES
  value: {{ toJson . | quote }}
{{- end }}
{{- with .Values.server.resources }}
- name: MUR_SERVER_RESOURCES
  value: {{ toJson . | quote }}
{{- end }}
{{- with include "make-us-rich.podDefaults" .Values.trainer }}
- name: MUR_TRAINING_DEFAULTS
  value: {{ . | quote }}
{{- end }}
{{- with include "make-us-rich.podDefaults" .Values.server }}
- name: MUR_SERVING_DEFAULTS
  value: {{ . | quote }}
{{- end }}
- name: MUR_WORKERS
  value: {{ .Values.operator.workers | int | quote }}
- name: MUR_RESYNC_SECONDS
  value: {{ .Values.operator.resyncSeconds | int | quote }}
- name: MUR_HTTP_PORT
  value: {{ .Values.operator.httpPort | int | quote }}
- name: MUR_LEADER_ELECT
  value: {{ .Values.operator.leaderElection.enabled | quote }}
- name: MUR_LEASE_NAME
  value: {{ include "make-us-rich.operatorName" . | quote }}
- name: MUR_LEASE_DURATION_SECONDS
  value: {{ .Values.operator.leaderElection.leaseDurationSeconds | int | quote }}
- name: MUR_LEASE_RETRY_SECONDS
  value: {{ .Values.operator.leaderElection.retryPeriodSeconds | int | quote }}
- name: MUR_CLUSTER_DOMAIN
  value: {{ .Values.operator.clusterDomain | quote }}
- name: MUR_LOG_LEVEL
  value: {{ .Values.operator.logLevel | quote }}
{{- end }}

{{/* JSON of the placement fields set (non-empty) in a trainer or server values block, or nothing: the operator's MUR_*_DEFAULTS. */}}
{{- define "make-us-rich.podDefaults" -}}
{{- $defaults := dict -}}
{{- range $field := list "nodeSelector" "tolerations" "affinity" "topologySpreadConstraints" "priorityClassName" "serviceAccountName" "imagePullSecrets" "podAnnotations" "podLabels" -}}
{{- with get $ $field }}{{ $_ := set $defaults $field . }}{{ end -}}
{{- end -}}
{{- with $defaults }}{{ toJson . }}{{ end -}}
{{- end }}
