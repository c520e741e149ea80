{{/* Labels every object of the release carries. */}}
{{- define "amber.labels" -}}
app.kubernetes.io/part-of: amber
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The image of one role: (dict "role" .Values.operator "root" .). */}}
{{- define "amber.image" -}}
{{- $image := .root.Values.image -}}
{{- printf "%s:%s" (.role.image.repository | default $image.repository) (.role.image.tag | default $image.tag | toString) -}}
{{- end }}

{{/* The DNS names in the agents' serving certificate: tls.agentName, the one the operator checks (a certificate
made ahead of time cannot name the pod IPs the agents are reached at), and the names of the agents' namespace. */}}
{{- define "amber.agentDnsNames" -}}
{{- $ns := .Release.Namespace -}}
{{- list .Values.tls.agentName (printf "amber-agent.%s" $ns) (printf "amber-agent.%s.svc" $ns) | uniq | toJson -}}
{{- end }}

{{/*
Where pods reach the API server, when the cluster has no kube-proxy behind the kubernetes Service
(scripts/cluster): KUBERNETES_SERVICE_HOST and _PORT, which client libraries read in-cluster.
*/}}
{{- define "amber.apiServerEnv" -}}
{{- with .Values.apiServer.host }}
- name: KUBERNETES_SERVICE_HOST
  value: {{ . | quote }}
- name: KUBERNETES_SERVICE_PORT
  value: {{ $.Values.apiServer.port | default "443" | quote }}
{{- end }}
{{- end }}
