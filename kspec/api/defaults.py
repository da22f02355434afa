"""Server-side defaulting, applied in place to objects held as plain dicts.

Mirrors kube-apiserver's registered defaulters for the external (v1) types:
pkg/apis/core/v1/defaults.go, apps/v1, batch/v1, autoscaling/v2 and policy/v1.
Every function only fills fields that are absent, so applying defaults twice is
the same as applying them once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from kspec.quantity import canonical, parse_with_format

Obj = dict[str, Any]

TERMINATION_MESSAGE_PATH = "/dev/termination-log"  # v1.TerminationMessagePathDefault
DEFAULT_SCHEDULER_NAME = "default-scheduler"  # v1.DefaultSchedulerName
DEFAULT_GRACE_PERIOD = 30  # v1.DefaultTerminationGracePeriodSeconds
CLIENT_IP_AFFINITY_SECONDS = 10800  # v1.DefaultClientIPServiceAffinitySeconds
DEFAULT_CPU_UTILIZATION = 80  # autoscaling.DefaultCPUUtilization
MAX_INT32 = 2**31 - 1
VOLUME_DEFAULT_MODE = 0o644  # Secret/ConfigMap/DownwardAPI/Projected default modes


def _sub(obj: Obj, key: str) -> Obj:
    """Return obj[key] as a dict, creating it when missing or null."""
    if not isinstance(obj.get(key), dict):
        obj[key] = {}
    return obj[key]


def _default(obj: Obj, key: str, value: Any) -> None:
    """Set obj[key] when absent, null or the Go zero value of a string."""
    if obj.get(key) in (None, ""):
        obj[key] = value


# ---------------------------------------------------------------------------
# Containers and pod specs
# ---------------------------------------------------------------------------


def image_tag(image: str) -> str:
    """Tag of an image reference as parsers.ParseImageName sees it ("latest" when only a digest is absent)."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return "" if digest else "latest"


def default_pull_policy(image: str) -> str:
    """SetDefaults_Container: Always for the `latest` tag, IfNotPresent otherwise."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


def _default_probe(probe: Obj | None) -> None:
    # SetDefaults_Probe and SetDefaults_HTTPGetAction
    if not isinstance(probe, dict):
        return
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = value
    _default_http_get(probe.get("httpGet"))


def _default_http_get(action: Obj | None) -> None:
    if isinstance(action, dict):
        _default(action, "path", "/")
        _default(action, "scheme", "HTTP")


def _default_lifecycle(lifecycle: Obj | None) -> None:
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                _default_http_get(lifecycle[hook].get("httpGet"))


def _round_up_milli(value: Any) -> str:
    """SetDefaults_ResourceList's ``val.RoundUp(-3)``: a finer quantity is rounded up (away from zero) to milli
    precision ("1n" -> "1m"); the canonical string is stored."""
    amount, _ = parse_with_format(value)
    milli = amount * 1000
    if milli.denominator == 1:
        return canonical(value)
    whole = math.ceil(abs(milli))
    return canonical(Fraction(whole if milli > 0 else -whole, 1000))


def _default_resource_list(resources: Obj | None, kinds: tuple[str, ...] = ("limits", "requests")) -> None:
    """SetDefaults_ResourceList on each list: rounded up to milli precision, stored canonical."""
    if not isinstance(resources, dict):
        return
    for kind in kinds:
        values = resources.get(kind)
        if isinstance(values, dict):
            for name, value in values.items():
                try:
                    values[name] = _round_up_milli(value)
                except (ValueError, TypeError):
                    pass  # left for validation to report


def default_container(container: Obj) -> None:
    """SetDefaults_Container plus the nested defaulters for ports, probes and env fieldRefs (``_default`` and the
    nested defaulters' own tests inlined where a container usually has nothing for them: every pod has one)."""
    get = container.get
    if not get("imagePullPolicy"):
        container["imagePullPolicy"] = default_pull_policy(str(get("image") or ""))
    if get("terminationMessagePath") in (None, ""):
        container["terminationMessagePath"] = TERMINATION_MESSAGE_PATH
    if get("terminationMessagePolicy") in (None, ""):
        container["terminationMessagePolicy"] = "File"
    for port in get("ports") or []:
        if isinstance(port, dict) and port.get("protocol") in (None, ""):
            port["protocol"] = "TCP"
    for key in _PROBES:
        probe = get(key)
        if isinstance(probe, dict):
            _default_probe(probe)
    lifecycle = get("lifecycle")
    if isinstance(lifecycle, dict):
        _default_lifecycle(lifecycle)
    resources = get("resources")
    if isinstance(resources, dict):
        _default_resource_list(resources)
    for env in get("env") or []:
        field_ref = ((env or {}).get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict):
            _default(field_ref, "apiVersion", "v1")  # SetDefaults_ObjectFieldSelector


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def _default_volume(volume: Obj) -> None:
    """SetDefaults_Volume (emptyDir when no source) and the per-source defaultMode defaults."""
    sources = [k for k in volume if k != "name"]
    if not sources:
        volume["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        if isinstance(volume.get(key), dict):
            _default(volume[key], "defaultMode", VOLUME_DEFAULT_MODE)
    if isinstance(volume.get("hostPath"), dict) and "type" not in volume["hostPath"]:
        volume["hostPath"]["type"] = ""  # v1.HostPathUnset
    claim_template = (volume.get("ephemeral") or {}).get("volumeClaimTemplate") if isinstance(
        volume.get("ephemeral"), dict) else None
    if isinstance(claim_template, dict):
        _default_pvc_spec(_sub(claim_template, "spec"))


def default_pod_spec(spec: Obj) -> None:
    """SetDefaults_PodSpec and its nested defaulters; shared by pods and pod templates (``_default`` inlined)."""
    get = spec.get
    if get("dnsPolicy") in (None, ""):
        spec["dnsPolicy"] = "ClusterFirst"
    if get("restartPolicy") in (None, ""):
        spec["restartPolicy"] = "Always"
    if not isinstance(get("securityContext"), dict):
        spec["securityContext"] = {}
    if get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_GRACE_PERIOD
    if get("schedulerName") in (None, ""):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in get(key) or []:
            if isinstance(container, dict):
                default_container(container)
    for volume in get("volumes") or []:
        if isinstance(volume, dict):
            _default_volume(volume)


def _default_template(template: Obj | None) -> None:
    if isinstance(template, dict):
        default_pod_spec(_sub(template, "spec"))


def _requests_from_limits(container: Obj) -> None:
    # SetDefaults_Pod: each limit without a request becomes the request
    resources = container.get("resources")
    if not isinstance(resources, dict) or not isinstance(resources.get("limits"), dict):
        return
    requests = _sub(resources, "requests")
    for name, value in resources["limits"].items():
        requests.setdefault(name, value)


def default_pod(pod: Obj) -> None:
    """SetDefaults_Pod: requests from limits, enableServiceLinks, hostNetwork ports; then the spec."""
    spec = _sub(pod, "spec")
    for key in ("containers", "initContainers"):
        for container in spec.get(key) or []:
            if isinstance(container, dict):
                _requests_from_limits(container)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for key in ("containers", "initContainers"):
            for container in spec.get(key) or []:
                for port in (container or {}).get("ports") or []:
                    if isinstance(port, dict) and not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort")
    default_pod_spec(spec)


# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------


def _default_replicas(spec: Obj) -> None:
    if spec.get("replicas") is None:
        spec["replicas"] = 1


def default_deployment(obj: Obj) -> None:
    """SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%, history 10, deadline 600."""
    spec = _sub(obj, "spec")
    _default_replicas(spec)
    strategy = _sub(spec, "strategy")
    _default(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = _sub(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    _default_template(spec.get("template"))


def default_daemonset(obj: Obj) -> None:
    """SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, history 10."""
    spec = _sub(obj, "spec")
    strategy = _sub(spec, "updateStrategy")
    _default(strategy, "type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = _sub(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = 0
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _default_template(spec.get("template"))


def default_statefulset(obj: Obj) -> None:
    """SetDefaults_StatefulSet: OrderedReady, RollingUpdate partition 0, Retain/Retain, 1 replica."""
    spec = _sub(obj, "spec")
    _default(spec, "podManagementPolicy", "OrderedReady")
    strategy = _sub(spec, "updateStrategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        _sub(strategy, "rollingUpdate")
    rolling = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict) and rolling.get("partition") is None:
        rolling["partition"] = 0
    retention = _sub(spec, "persistentVolumeClaimRetentionPolicy")
    _default(retention, "whenDeleted", "Retain")
    _default(retention, "whenScaled", "Retain")
    _default_replicas(spec)
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _default_template(spec.get("template"))


def default_replicaset(obj: Obj) -> None:
    """SetDefaults_ReplicaSet: replicas 1."""
    spec = _sub(obj, "spec")
    _default_replicas(spec)
    _default_template(spec.get("template"))


def default_replication_controller(obj: Obj) -> None:
    """SetDefaults_ReplicationController: selector and labels from the template, replicas 1."""
    spec = _sub(obj, "spec")
    template = spec.get("template")
    labels = ((template or {}).get("metadata") or {}).get("labels") if isinstance(template, dict) else None
    if labels is not None:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        metadata = _sub(obj, "metadata")
        if not metadata.get("labels"):
            metadata["labels"] = dict(labels)
    _default_replicas(spec)
    _default_template(template)


def _default_job_spec(spec: Obj) -> None:
    # SetDefaults_Job (spec part)
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    _default(spec, "completionMode", "NonIndexed")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"
    policy = spec.get("podFailurePolicy")
    for rule in (policy.get("rules") or []) if isinstance(policy, dict) else []:
        patterns = rule.get("onPodConditions") if isinstance(rule, dict) else None
        for pattern in patterns if isinstance(patterns, list) else []:
            if isinstance(pattern, dict) and not pattern.get("status"):
                pattern["status"] = "True"  # a pod condition pattern's status defaults to True
    _default_template(spec.get("template"))


def default_job(obj: Obj) -> None:
    """SetDefaults_Job: completions/parallelism, backoffLimit 6, NonIndexed, labels from template."""
    spec = _sub(obj, "spec")
    _default_job_spec(spec)
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    metadata = _sub(obj, "metadata")
    if labels is not None and not metadata.get("labels"):
        metadata["labels"] = dict(labels)


def default_cronjob(obj: Obj) -> None:
    """SetDefaults_CronJob: Allow, not suspended, keep 3 successful and 1 failed job."""
    spec = _sub(obj, "spec")
    _default(spec, "concurrencyPolicy", "Allow")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    job_template = spec.get("jobTemplate")
    if isinstance(job_template, dict):
        _default_template(_sub(job_template, "spec").get("template"))


# ---------------------------------------------------------------------------
# Networking, autoscaling, policy and plain objects
# ---------------------------------------------------------------------------


def _externally_accessible(spec: Obj) -> bool:
    # service.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with externalIPs
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def _is_headless(spec: Obj) -> bool:
    return spec.get("clusterIP") == "None" or (spec.get("clusterIPs") or [None])[0] == "None"


def default_service(obj: Obj) -> None:
    """SetDefaults_Service plus the registry's single-stack IP family defaults."""
    spec = _sub(obj, "spec")
    _default(spec, "sessionAffinity", "None")
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = _sub(_sub(spec, "sessionAffinityConfig"), "clientIP")
        if client_ip.get("timeoutSeconds") is None:
            client_ip["timeoutSeconds"] = CLIENT_IP_AFFINITY_SECONDS
    _default(spec, "type", "ClusterIP")
    for port in spec.get("ports") or []:
        if isinstance(port, dict):
            _default(port, "protocol", "TCP")
            if port.get("targetPort") in (None, 0, ""):
                port["targetPort"] = port.get("port")
    if _externally_accessible(spec):
        _default(spec, "externalTrafficPolicy", "Cluster")
    if spec.get("internalTrafficPolicy") is None and spec["type"] in (
        "NodePort",
        "LoadBalancer",
        "ClusterIP",
    ):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    if spec["type"] == "LoadBalancer":
        # LoadBalancerIPMode (GA): an ingress IP without a mode is a VIP
        for ingress in ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if isinstance(ingress, dict) and ingress.get("ip") and ingress.get("ipMode") is None:
                ingress["ipMode"] = "VIP"
    _default_ip_families(spec)


def _default_ip_families(spec: Obj) -> None:
    """Registry defaulting (service REST alloc initIPFamilyFields) on a single-stack IPv4 cluster."""
    if spec["type"] == "ExternalName":
        return
    if spec.get("ipFamilyPolicy") is None:
        # headless services without a selector ask for every family the cluster has
        headless_no_selector = _is_headless(spec) and not spec.get("selector")
        spec["ipFamilyPolicy"] = "RequireDualStack" if headless_no_selector else "SingleStack"
    if not spec.get("ipFamilies"):
        spec["ipFamilies"] = ["IPv4"]


def default_hpa(obj: Obj) -> None:
    """autoscaling/v2 SetDefaults_HorizontalPodAutoscaler: minReplicas 1, cpu 80% when no metrics."""
    spec = _sub(obj, "spec")
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION},
                },
            }
        ]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        _default_hpa_behavior(behavior)


def _default_hpa_behavior(behavior: Obj) -> None:
    # SetDefaults_HorizontalPodAutoscalerBehavior (scale-down window is the controller default 300s)
    up = _sub(behavior, "scaleUp")
    if up.get("stabilizationWindowSeconds") is None:
        up["stabilizationWindowSeconds"] = 0
    _default(up, "selectPolicy", "Max")
    if not up.get("policies"):
        up["policies"] = [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ]
    down = _sub(behavior, "scaleDown")
    _default(down, "selectPolicy", "Max")
    if not down.get("policies"):
        down["policies"] = [{"type": "Percent", "value": 100, "periodSeconds": 15}]


def default_namespace(obj: Obj) -> None:
    """SetDefaults_Namespace (kubernetes.io/metadata.name label) and SetDefaults_NamespaceStatus."""
    metadata = _sub(obj, "metadata")
    if metadata.get("name"):
        _sub(metadata, "labels")["kubernetes.io/metadata.name"] = metadata["name"]
    _default(_sub(obj, "status"), "phase", "Active")


def default_node(obj: Obj) -> None:
    """SetDefaults_NodeStatus: allocatable defaults to capacity. A Node a client sends bare gets the empty spec
    and status every Go-encoded Node has (the components read both)."""
    _sub(obj, "spec")
    _sub(obj, "status")
    status = obj.get("status")
    if isinstance(status, dict) and status.get("capacity") is not None and status.get("allocatable") is None:
        status["allocatable"] = dict(status["capacity"])


def _default_pvc_spec(spec: Obj) -> None:
    """SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem."""
    _default(spec, "volumeMode", "Filesystem")


def default_persistent_volume(obj: Obj) -> None:
    """SetDefaults_PersistentVolume: phase Pending, reclaim policy Retain, volumeMode Filesystem."""
    _default(_sub(obj, "status"), "phase", "Pending")
    spec = _sub(obj, "spec")
    _default(spec, "persistentVolumeReclaimPolicy", "Retain")
    _default(spec, "volumeMode", "Filesystem")


def default_persistent_volume_claim(obj: Obj) -> None:
    """SetDefaults_PersistentVolumeClaim: phase Pending; the spec's volumeMode Filesystem."""
    _default(_sub(obj, "status"), "phase", "Pending")
    _default_pvc_spec(_sub(obj, "spec"))


def default_storage_class(obj: Obj) -> None:
    """storage/v1 SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate."""
    _default(obj, "reclaimPolicy", "Delete")
    _default(obj, "volumeBindingMode", "Immediate")


def default_csi_driver(obj: Obj) -> None:
    """storage/v1 SetDefaults_CSIDriver (its gates on in v1.35): attach required, no pod info on mount, no
    storage capacity, fsGroupPolicy ReadWriteOnceWithFSType, Persistent volumes only, no republish, no
    SELinux mount."""
    spec = _sub(obj, "spec")
    for key, value in (("attachRequired", True), ("podInfoOnMount", False), ("storageCapacity", False),
                       ("fsGroupPolicy", "ReadWriteOnceWithFSType"), ("requiresRepublish", False),
                       ("seLinuxMount", False)):
        if spec.get(key) is None:
            spec[key] = value
    if not spec.get("volumeLifecycleModes"):
        spec["volumeLifecycleModes"] = ["Persistent"]


def default_limit_range(obj: Obj) -> None:
    """SetDefaults_LimitRangeItem for Container items: the default limit from max, the default request from the
    default limit, else from min; every list rounded as SetDefaults_ResourceList does."""
    for item in (_sub(obj, "spec").get("limits") or []):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "Container":
            default, request = _sub(item, "default"), _sub(item, "defaultRequest")
            for source, target in (("max", default), ("default", request), ("min", request)):
                for name, value in list((item.get(source) or {}).items()):
                    target.setdefault(name, value)
        _default_resource_list(item, ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"))


def default_configmap(obj: Obj) -> None:
    """SetDefaults_ConfigMap exists upstream but leaves data nil on the wire; nothing to add."""


def default_secret(obj: Obj) -> None:
    """SetDefaults_Secret: type Opaque."""
    _default(obj, "type", "Opaque")


def default_endpoints(obj: Obj) -> None:
    """SetDefaults_Endpoints: port protocol TCP."""
    for subset in obj.get("subsets") or []:
        for port in (subset or {}).get("ports") or []:
            if isinstance(port, dict):
                _default(port, "protocol", "TCP")


def default_endpoint_slice(obj: Obj) -> None:
    """discovery/v1 SetDefaults_EndpointPort: a port's name defaults to "", its protocol to TCP."""
    for port in obj.get("ports") or []:
        if isinstance(port, dict):
            _default(port, "name", "")
            _default(port, "protocol", "TCP")


def default_network_policy(obj: Obj) -> None:
    """networking/v1 SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort: policyTypes is Ingress, plus
    Egress when egress rules exist; a port's protocol is TCP."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]
    for key in ("ingress", "egress"):
        for rule in spec.get(key) or []:
            for port in (rule.get("ports") or []) if isinstance(rule, dict) else []:
                if isinstance(port, dict):
                    _default(port, "protocol", "TCP")


def default_priority_class(obj: Obj) -> None:
    """scheduling/v1 SetDefaults_PriorityClass: preemptionPolicy PreemptLowerPriority."""
    _default(obj, "preemptionPolicy", "PreemptLowerPriority")


def default_pdb(obj: Obj) -> None:
    """policy/v1 has no defaulting for PodDisruptionBudget beyond the spec object itself."""
    _sub(obj, "spec")


DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "Pod": default_pod,
    "Service": default_service,
    "Deployment": default_deployment,
    "ReplicaSet": default_replicaset,
    "ReplicationController": default_replication_controller,
    "StatefulSet": default_statefulset,
    "DaemonSet": default_daemonset,
    "Job": default_job,
    "CronJob": default_cronjob,
    "HorizontalPodAutoscaler": default_hpa,
    "PodDisruptionBudget": default_pdb,
    "Namespace": default_namespace,
    "Node": default_node,
    "ConfigMap": default_configmap,
    "Secret": default_secret,
    "PriorityClass": default_priority_class,
    "Endpoints": default_endpoints,
    "EndpointSlice": default_endpoint_slice,
    "PersistentVolume": default_persistent_volume,
    "PersistentVolumeClaim": default_persistent_volume_claim,
    "StorageClass": default_storage_class,
    "CSIDriver": default_csi_driver,
    "LimitRange": default_limit_range,
    "NetworkPolicy": default_network_policy,
}


def apply_defaults(obj: Obj) -> None:
    """Fill in server-side defaults for obj in place; unknown kinds are left untouched."""
    defaulter = DEFAULTERS.get(str(obj.get("kind", "")))
    if defaulter is not None:
        defaulter(obj)


def _register_rbac() -> None:
    """rbac.authorization.k8s.io/v1 (kspec/api/validation_rbac.py)."""
    from kspec.api import validation_rbac

    DEFAULTERS.update(validation_rbac.DEFAULTERS)


_register_rbac()
