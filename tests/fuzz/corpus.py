"""Valid manifests the fuzzer mutates: one or more of every kind a scenario usually applies."""

from __future__ import annotations

_POD_SPEC = """
      containers:
      - name: app
        image: nginx:1.27
        ports:
        - containerPort: 80
          name: http
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 500m, memory: 128Mi}
        readinessProbe:
          httpGet: {path: /healthz, port: 80}
          periodSeconds: 5
        env:
        - name: MODE
          value: fast
"""

CORPUS: dict[str, str] = {
    "pod": """
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
  annotations: {team: blue}
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 30
  containers:
  - name: app
    image: nginx:1.27
    command: [nginx, -g, daemon off;]
    ports:
    - {containerPort: 80, protocol: TCP}
    resources:
      requests: {cpu: 250m, memory: 64Mi}
    livenessProbe:
      tcpSocket: {port: 80}
      initialDelaySeconds: 3
""",
    "pod-affinity": """
apiVersion: v1
kind: Pod
metadata:
  name: placed
spec:
  nodeSelector: {disk: ssd}
  tolerations:
  - {key: dedicated, operator: Equal, value: db, effect: NoSchedule}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - {key: zone, operator: In, values: [a, b]}
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 50
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector: {matchLabels: {app: db}}
  containers:
  - name: db
    image: postgres:16
""",
    "pod-init": """
apiVersion: v1
kind: Pod
metadata:
  name: setup
spec:
  initContainers:
  - name: init
    image: busybox:1.36
    command: [sh, -c, "echo ready"]
  containers:
  - name: app
    image: busybox:1.36
    env:
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
  volumes:
  - name: scratch
    emptyDir: {}
""",
    "deployment": """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:""" + _POD_SPEC,
    "deployment-recreate": """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  minReadySeconds: 5
  progressDeadlineSeconds: 120
  strategy: {type: Recreate}
  selector:
    matchExpressions:
    - {key: app, operator: In, values: [api]}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: api:2
""",
    "replicaset": """
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: cache
spec:
  replicas: 2
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
      - name: redis
        image: redis:7
""",
    "replicationcontroller": """
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata:
      labels: {app: legacy}
    spec:
      containers:
      - name: app
        image: legacy:1
""",
    "statefulset": """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  podManagementPolicy: OrderedReady
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 0}
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: postgres:16
        ports:
        - {containerPort: 5432, name: pg}
""",
    "daemonset": """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app: agent}
    spec:
      tolerations:
      - {operator: Exists}
      containers:
      - name: agent
        image: agent:1
""",
    "job": """
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 4
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 60
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: migrate:1
""",
    "job-indexed": """
apiVersion: batch/v1
kind: Job
metadata:
  name: shards
spec:
  completionMode: Indexed
  completions: 4
  parallelism: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: shard
        image: busybox:1.36
""",
    "cronjob": """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "*/5 * * * *"
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 100
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: busybox:1.36
""",
    "service": """
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
  sessionAffinity: ClientIP
""",
    "service-nodeport": """
apiVersion: v1
kind: Service
metadata:
  name: edge
spec:
  type: NodePort
  selector: {app: edge}
  externalTrafficPolicy: Local
  ports:
  - {name: https, port: 443, targetPort: https, nodePort: 30443}
""",
    "service-headless": """
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports:
  - {port: 5432}
""",
    "configmap": """
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {tier: config}
data:
  mode: fast
  retries: "3"
binaryData:
  blob: aGVsbG8=
""",
    "secret": """
apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
data:
  password: c2VjcmV0
stringData:
  user: admin
""",
    "hpa": """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 70}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      policies:
      - {type: Percent, value: 50, periodSeconds: 30}
""",
    "pdb": """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
""",
    "priorityclass": """
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
value: 100000
globalDefault: false
preemptionPolicy: PreemptLowerPriority
description: important work
""",
    "namespace": """
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels: {owner: a}
""",
    "serviceaccount": """
apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
automountServiceAccountToken: false
""",
    "list": """
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: one}
  data: {a: "1"}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: two}
""",
    "multi": """
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers:
      - name: cart
        image: cart:1
""",
}
