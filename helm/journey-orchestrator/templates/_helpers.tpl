{{/*
Names, labels and the job-folder helpers shared by the templates.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "journey-orchestrator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 45 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the FlinkDeployment and everything around it. At most 45 characters: the operator
derives longer names (e.g. <name>-rest, <name>-cluster-config-map) from it.
*/}}
{{- define "journey-orchestrator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "journey-orchestrator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select this release's pods (PodMonitor). */}}
{{- define "journey-orchestrator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "journey-orchestrator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "journey-orchestrator.labels" -}}
helm.sh/chart: {{ include "journey-orchestrator.chart" . }}
{{ include "journey-orchestrator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "journey-orchestrator.serviceAccountName" -}}
{{- required "serviceAccount.name is required" .Values.serviceAccount.name }}
{{- end }}

{{- define "journey-orchestrator.jobConfigMapName" -}}
{{- printf "%s-job" (include "journey-orchestrator.fullname" .) }}
{{- end }}

{{- define "journey-orchestrator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
The job folder's files as a dict: ConfigMap key -> path under the mount. Only what JobLoader
reads ships: job.yaml and the YAML files directly in patterns/, audiences/, suppressions/.
ConfigMap keys cannot hold '/', so patterns/a.yaml becomes the key patterns--a.yaml and the
volume's items put it back at its path. Fails when job/job.yaml is missing (nothing staged).
*/}}
{{- define "journey-orchestrator.jobFiles" -}}
{{- if not (.Files.Get "job/job.yaml") }}
{{- fail "job/job.yaml is missing in the chart: stage a job folder first, e.g. scripts/helm-package.sh jobs/telecom-demo (see the chart README)" }}
{{- end }}
{{- $files := dict "job.yaml" "job.yaml" }}
{{- if $.Files.Get "job/events.yaml" }}
{{- $_ := set $files "events.yaml" "events.yaml" }}
{{- end }}
{{- range $folder := list "patterns" "audiences" "suppressions" }}
{{- range $path, $_ := $.Files.Glob (printf "job/%s/*.{yaml,yml}" $folder) }}
{{- $rel := trimPrefix "job/" $path }}
{{- $key := replace "/" "--" $rel }}
{{- if hasKey $files $key }}
{{- fail (printf "two job files map to the ConfigMap key %s; rename one of them" $key) }}
{{- end }}
{{- $_ := set $files $key $rel }}
{{- end }}
{{- end }}
{{- toYaml $files }}
{{- end }}

{{/*
The Flink configuration the chart sets, nested like flink-conf/cluster/config.yaml (local-only
keys such as bind addresses and tmp folders left out: the operator and the image set those).
The FlinkDeployment merges .Values.flinkConfiguration over it.
*/}}
{{- define "journey-orchestrator.flinkConfiguration" -}}
taskmanager:
  numberOfTaskSlots: {{ .Values.taskManager.slots | int }}
  memory:
    managed:
      fraction: {{ .Values.taskManager.managedFraction }}
{{- /* Performance options as in flink-conf/cluster/config.yaml (see its comments for why);
FlinkPerformanceOptionsTest checks they agree. */}}
pipeline:
  object-reuse: true
  max-parallelism: 720
  generic-types: false
  auto-watermark-interval: 50ms
journey:
  engine:
    active-customers: 100000
    write-back-after: 5s
state:
  backend:
    type: rocksdb
    rocksdb:
      timer-service:
        factory: ROCKSDB
      predefined-options: DEFAULT
      use-bloom-filter: true
      memory:
        managed: true
execution:
  checkpointing:
    interval: {{ .Values.checkpoints.interval | quote }}
    timeout: 2min
    mode: EXACTLY_ONCE
    incremental: true
    min-pause: 2s
    max-concurrent-checkpoints: 1
    tolerable-failed-checkpoints: 3
    externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
    dir: {{ required "checkpoints.dir is required" .Values.checkpoints.dir | quote }}
    savepoint-dir: {{ required "checkpoints.savepointDir is required (savepoint upgrades)" .Values.checkpoints.savepointDir | quote }}
restart-strategy:
  type: exponential-delay
  exponential-delay:
    initial-backoff: 1s
    max-backoff: 15s
    backoff-multiplier: 2.0
    reset-backoff-threshold: 10min
    jitter-factor: 0.1
metrics:
  reporter:
    prom:
      factory:
        class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
      port: {{ .Values.metrics.port | quote }}
{{- if .Values.highAvailability.enabled }}
high-availability:
  type: kubernetes
  storageDir: {{ required "highAvailability.storageDir is required with HA" .Values.highAvailability.storageDir | quote }}
{{- end }}
env:
  java:
    opts:
      all: --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
{{- end }}
