"""Every kind kspec serves deserialises into the official Python client's model (its required fields are there).

No server: the objects a busy cluster holds go through the client's own deserialiser.
"""

from __future__ import annotations

import json

import pytest

from kspec.api.kinds import KINDS
from kspec.cluster import Cluster
from tests.manifests import deployment

kubernetes = pytest.importorskip("kubernetes")

WORKLOADS = deployment(containers="[{name: web, image: nginx, ports: [{containerPort: 80}], "
                                  "resources: {requests: {cpu: 100m}}}]") + """\
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}], type: LoadBalancer}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres, volumeMounts: [{name: data, mountPath: /d}]}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: busybox}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron}
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: Never, containers: [{name: j, image: busybox}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec: {hard: {pods: "50"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec: {limits: [{type: Container, defaultRequest: {memory: 64Mi}}]}
---
apiVersion: v1
kind: Secret
metadata: {name: token}
stringData: {token: abc}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  rules:
  - host: web.example
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 1
  selector: {app: rc}
  template:
    metadata: {labels: {app: rc}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: ebs.csi.aws.com}
spec: {attachRequired: true}
"""


def _model(kind: str, version: str) -> str:
    # the client's names: core/v1 Event is CoreV1Event (events.k8s.io's is EventsV1Event)
    return "CoreV1Event" if kind == "Event" else f"{version.capitalize()}{kind}"


def test_every_served_object_deserialises_into_the_client_model() -> None:
    from kubernetes.client import ApiClient

    cluster = Cluster(nodes=2)
    cluster.apply(WORKLOADS)
    cluster.run_for("3m")
    client = ApiClient()
    failures: dict[str, str] = {}
    checked = 0
    for kind in KINDS:
        for version in (kind.version, *kind.extra_versions):
            api_version = f"{kind.group}/{version}" if kind.group else version
            for obj in cluster.api.list(kind.resource, None):
                doc = json.dumps({**obj, "apiVersion": api_version, "kind": kind.kind})
                try:
                    client.deserialize(doc, _model(kind.kind, version), "application/json")
                    checked += 1
                except Exception as exc:  # noqa: BLE001 - collected and reported together
                    failures.setdefault(f"{api_version} {kind.kind}", str(exc).splitlines()[0])
    assert failures == {}
    assert checked > 100
