"""core/v1 defaulting: upstream's pkg/apis/core/v1/defaults_test.go through kspec's apply_defaults.

Upstream round-trips a v1 object through the legacy codec (which runs the registered defaulters) and checks
fields of the result; here the object is a manifest handed to :func:`kspec.api.defaults.apply_defaults`, the
defaulting the API server runs on create. Upstream's ``SetDefaults_PodSpec`` alone (no ``SetDefaults_Pod``) is
what a pod template gets, so PodSpec defaulting is read off a ReplicationController's template.
TestWorkloadDefaults / TestPodDefaults walk Go struct types by reflection and are not ported.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.defaults import apply_defaults
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/v1/defaults_test.go"

Obj = dict[str, Any]


def defaulted(kind: str, body: Obj, api_version: str = "v1") -> Obj:
    """roundTrip: a defaulted deep copy (metadata is left as given)."""
    obj = {"apiVersion": api_version, "kind": kind, **copy.deepcopy(body)}
    obj.setdefault("metadata", {})
    apply_defaults(obj)
    return obj


def pod(spec: Obj) -> Obj:
    return defaulted("Pod", {"spec": spec})


def template_spec(spec: Obj) -> Obj:
    """SetDefaults_PodSpec only: the spec of a ReplicationController's pod template."""
    return defaulted("ReplicationController", {"spec": {"template": {"spec": spec}}})["spec"]["template"]["spec"]


# --- TestPodHostNetworkDefaults -----------------------------------------------------------------------------

_HOST_PORT_GATE = ("the case turns DefaultHostNetworkHostPortsInPodTemplates on (off by default); kspec models the "
                   "default, under which a template's hostNetwork ports get no hostPort")
H = "TestPodHostNetworkDefaults"
HOST_NETWORK = [
    case(H, "gate disabled, hostNetwork=false", host_net=False, pod_default=False, spec_default=False),
    case(H, "gate disabled, hostNetwork=true", host_net=True, pod_default=True, spec_default=False),
    case(H, "gate enabled, hostNetwork=false", host_net=False, pod_default=False, spec_default=False),
    case(H, "gate enabled, hostNetwork=true", unmodelled=_HOST_PORT_GATE, host_net=True, pod_default=True,
         spec_default=True),
]


@pytest.mark.parametrize("c", HOST_NETWORK)
def test_pod_host_network_defaults(c: Obj) -> None:
    spec = {"hostNetwork": c["host_net"], "containers": [{"ports": [{"containerPort": 12345, "protocol": "TCP"}]}]}
    got_pod = pod(spec)["spec"]["containers"][0]["ports"][0].get("hostPort") or 0
    got_spec = template_spec(spec)["containers"][0]["ports"][0].get("hostPort") or 0
    assert (got_pod != 0, got_spec != 0) == (c["pod_default"], c["spec_default"])


# --- ReplicationController ----------------------------------------------------------------------------------

FOO = {"foo": "bar"}
R = "TestSetDefaultReplicationController"
RCS = [
    case(R, "tests[0]", rc={"spec": {"template": {"metadata": {"labels": FOO}}}}, labels=True, selector=True),
    case(R, "tests[1]", rc={"metadata": {"labels": {"bar": "foo"}},
                            "spec": {"template": {"metadata": {"labels": FOO}}}}, labels=False, selector=True),
    case(R, "tests[2]", rc={"metadata": {"labels": {"bar": "foo"}},
                            "spec": {"selector": {"some": "other"}, "template": {"metadata": {"labels": FOO}}}},
         labels=False, selector=False),
    case(R, "tests[3]", rc={"spec": {"selector": {"some": "other"}, "template": {"metadata": {"labels": FOO}}}},
         labels=True, selector=False),
]


@pytest.mark.parametrize("c", RCS)
def test_set_default_replication_controller(c: Obj) -> None:
    rc = defaulted("ReplicationController", c["rc"])
    template_labels = rc["spec"]["template"]["metadata"]["labels"]
    assert (rc["spec"].get("selector") == template_labels) == c["selector"]
    assert (rc["metadata"].get("labels") == template_labels) == c["labels"]


RR = "TestSetDefaultReplicationControllerReplicas"
RC_REPLICAS = [case(RR, f"tests[{i}]", replicas=given, want=want)
               for i, (given, want) in enumerate(((None, 1), (0, 0), (3, 3)))]


@pytest.mark.parametrize("c", RC_REPLICAS)
def test_set_default_replication_controller_replicas(c: Obj) -> None:
    spec: Obj = {"template": {"metadata": {"labels": FOO}}}
    if c["replicas"] is not None:
        spec["replicas"] = c["replicas"]
    assert defaulted("ReplicationController", {"spec": spec})["spec"]["replicas"] == c["want"]


HTTP_DEFAULTED = {"host": "localhost", "path": "/", "scheme": "HTTP"}
PROBE_DEFAULTED = {"httpGet": HTTP_DEFAULTED, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1,
                   "failureThreshold": 3}
IC = "TestSetDefaultReplicationControllerInitContainers"
RC_INIT = [
    case(IC, "imagePullIPolicy", init={"name": "install", "image": "busybox"},
         check=lambda c: c["imagePullPolicy"] == "Always"),
    case(IC, "FieldRef", init={"name": "fun", "image": "alpine", "env": [
        {"name": "MY_POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "", "fieldPath": "status.podIP"}}}]},
        check=lambda c: c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"),
    case(IC, "ContainerPort", init={"name": "fun", "image": "alpine", "ports": [{"name": "default"}]},
         check=lambda c: c["ports"] == [{"name": "default", "protocol": "TCP"}]),
    case(IC, "Resources", init={"name": "fun", "image": "alpine", "resources": {
        "limits": {"cpu": "100m", "memory": "100Mi"}, "requests": {"cpu": "100m", "memory": "100Mi"}}},
        check=lambda c: c["resources"] == {"limits": {"cpu": "100m", "memory": "100Mi"},
                                           "requests": {"cpu": "100m", "memory": "100Mi"}}),
    case(IC, "Probe", init={"name": "fun", "image": "alpine", "livenessProbe": {"httpGet": {"host": "localhost"}},
                           "readinessProbe": {"httpGet": {"host": "localhost"}}},
         check=lambda c: c["livenessProbe"] == PROBE_DEFAULTED and c["readinessProbe"] == PROBE_DEFAULTED),
    case(IC, "LifeCycle", init={"name": "fun", "image": "alpine", "ports": [{"name": "default"}], "lifecycle": {
        "postStart": {"httpGet": {"host": "localhost"}}, "preStop": {"httpGet": {"host": "localhost"}}}},
        check=lambda c: c["lifecycle"] == {"postStart": {"httpGet": HTTP_DEFAULTED},
                                           "preStop": {"httpGet": HTTP_DEFAULTED}}),
]


@pytest.mark.parametrize("c", RC_INIT)
def test_set_default_replication_controller_init_containers(c: Obj) -> None:
    got = template_spec({"initContainers": [c["init"]]})["initContainers"]
    assert len(got) == 1 and c["check"](got[0])


def test_default_request_is_not_set_for_replication_controller() -> None:
    """TestDefaultRequestIsNotSetForReplicationController: a template's limits are not copied to requests."""
    spec = {"containers": [{"resources": {"limits": {"cpu": "100m"}}}]}
    rc = defaulted("ReplicationController", {"spec": {"replicas": 3, "template": {
        "metadata": {"labels": FOO}, "spec": spec}}})
    assert (rc["spec"]["template"]["spec"]["containers"][0]["resources"].get("requests") or {}).get("cpu", "0") == "0"


# --- Service ------------------------------------------------------------------------------------------------


def service(spec: Obj, status: Obj | None = None) -> Obj:
    body: Obj = {"spec": spec}
    if status is not None:
        body["status"] = status
    return defaulted("Service", body)


def test_set_default_service() -> None:
    """TestSetDefaultService: affinity None without a config, type ClusterIP."""
    spec = service({})["spec"]
    assert (spec["sessionAffinity"], spec.get("sessionAffinityConfig"), spec["type"]) == ("None", None, "ClusterIP")


SA = "TestSetDefaultServiceSessionAffinityConfig"
AFFINITY = [
    case(SA, "SessionAffinityConfig is empty", spec={"sessionAffinity": "ClientIP"}),
    case(SA, "ClientIP is empty", spec={"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": None}}),
    case(SA, "TimeoutSeconds is empty", spec={"sessionAffinity": "ClientIP",
                                              "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": None}}}),
]


@pytest.mark.parametrize("c", AFFINITY)
def test_set_default_service_session_affinity_config(c: Obj) -> None:
    got = service(c["spec"])["spec"]
    assert got["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"] == 10800  # DefaultClientIPServiceAffinitySeconds


_IP_MODE_GATE = ("the case turns LoadBalancerIPMode off; the gate is GA and kspec always defaults an ingress IP's "
                 "ipMode to VIP")
LB = "TestSetDefaultServiceLoadbalancerIPMode"
IP_MODES = [
    case(LB, "Set IP but not set IPMode with LoadbalancerIPMode disabled", unmodelled=_IP_MODE_GATE,
         ingress=[{"ip": "1.2.3.4"}], want=[None]),
    case(LB, "Set IP but bot set IPMode with LoadbalancerIPMode enabled", ingress=[{"ip": "1.2.3.4"}], want=["VIP"]),
    case(LB, "Both IP and IPMode are set with LoadbalancerIPMode enabled",
         ingress=[{"ip": "1.2.3.4", "ipMode": "Proxy"}], want=["Proxy"]),
]


@pytest.mark.parametrize("c", IP_MODES)
def test_set_default_service_loadbalancer_ip_mode(c: Obj) -> None:
    svc = service({"type": "LoadBalancer"}, {"loadBalancer": {"ingress": c["ingress"]}})
    assert [i.get("ipMode") for i in svc["status"]["loadBalancer"]["ingress"]] == c["want"]


def test_set_default_service_target_port() -> None:
    """TestSetDefaultServiceTargetPort: targetPort defaults to port, a given one is kept."""
    assert service({"ports": [{"port": 1234}]})["spec"]["ports"][0]["targetPort"] == 1234
    assert service({"ports": [{"port": 1234, "targetPort": 5678}]})["spec"]["ports"][0]["targetPort"] == 5678


def test_set_default_service_port() -> None:
    """TestSetDefaultServicePort: protocol and targetPort kept when set, TCP and the port when zero."""
    out = service({"ports": [{"protocol": "UDP", "port": 9376, "targetPort": "p"},
                             {"protocol": "UDP", "port": 8675, "targetPort": 309}]})["spec"]["ports"]
    assert [(p["protocol"], p["targetPort"]) for p in out] == [("UDP", "p"), ("UDP", 309)]
    out = service({"ports": [{"protocol": "", "port": 9376, "targetPort": ""},
                             {"protocol": "", "port": 8675, "targetPort": 0}]})["spec"]["ports"]
    assert [(p["protocol"], p["targetPort"]) for p in out] == [("TCP", 9376), ("TCP", 8675)]


def test_set_default_service_external_traffic() -> None:
    """TestSetDefaultServiceExternalTraffic: Cluster only for externally-accessible services."""
    got = [service(spec)["spec"].get("externalTrafficPolicy", "") for spec in (
        {}, {"type": "NodePort"}, {"type": "LoadBalancer"}, {"type": "ClusterIP", "externalIPs": ["1.2.3.4"]},
        {"type": "ClusterIP"}, {"type": "ExternalName"})]
    assert got == ["", "Cluster", "Cluster", "Cluster", "", ""]


IT = "TestSetDefaultServiceInternalTrafficPolicy"
INTERNAL = [
    case(IT, "must set default internalTrafficPolicy", spec={}, want="Cluster"),
    case(IT, "must not set default internalTrafficPolicy when it's cluster",
         spec={"internalTrafficPolicy": "Cluster"}, want="Cluster"),
    case(IT, "must not set default internalTrafficPolicy when type is ExternalName", spec={"type": "ExternalName"},
         want=None),
    case(IT, "must not set default internalTrafficPolicy when it's local", spec={"internalTrafficPolicy": "Local"},
         want="Local"),
]


@pytest.mark.parametrize("c", INTERNAL)
def test_set_default_service_internal_traffic_policy(c: Obj) -> None:
    assert service(c["spec"])["spec"].get("internalTrafficPolicy") == c["want"]


# --- Volumes ------------------------------------------------------------------------------------------------


def _volume(source: Obj) -> Obj:
    return pod({"volumes": [source]})["spec"]["volumes"][0]


def test_set_default_secret_volume_source() -> None:
    """TestSetDefaultSecretVolumeSource: defaultMode 0644 (v1.SecretVolumeSourceDefaultMode)."""
    assert _volume({"secret": {}})["secret"]["defaultMode"] == 0o644


def test_set_default_config_map_volume_source() -> None:
    """TestSetDefaultConfigMapVolumeSource: defaultMode 0644."""
    assert _volume({"configMap": {}})["configMap"]["defaultMode"] == 0o644


def test_set_default_downward_api_volume_source() -> None:
    """TestSetDefaultDownwardAPIVolumeSource: defaultMode 0644."""
    assert _volume({"downwardAPI": {}})["downwardAPI"]["defaultMode"] == 0o644


def test_set_default_projected_volume_source() -> None:
    """TestSetDefaultProjectedVolumeSource: defaultMode 0644."""
    assert _volume({"projected": {}})["projected"]["defaultMode"] == 0o644


def test_set_default_host_path_volume_source() -> None:
    """TestSetDefaultHostPathVolumeSource: type "" (v1.HostPathUnset)."""
    assert _volume({"hostPath": {"path": "foo"}})["hostPath"]["type"] == ""


MODES = (("volume mode nil", None, "Filesystem"), ("volume mode filesystem", "Filesystem", "Filesystem"),
         ("volume mode block", "Block", "Block"))


def _with_mode(mode: str | None) -> Obj:
    return {} if mode is None else {"volumeMode": mode}


PV = "TestSetDefaultPersistentVolume"
PVS = [case(PV, name, mode=mode, want=want) for name, mode, want in MODES]


@pytest.mark.parametrize("c", PVS)
def test_set_default_persistent_volume(c: Obj) -> None:
    pv = defaulted("PersistentVolume", {"spec": _with_mode(c["mode"])})
    assert (pv["status"]["phase"], pv["spec"]["persistentVolumeReclaimPolicy"], pv["spec"]["volumeMode"]) == \
        ("Pending", "Retain", c["want"])


PVC = "TestSetDefaultPersistentVolumeClaim"
PVCS = [case(PVC, name, mode=mode, want=want) for name, mode, want in MODES]


@pytest.mark.parametrize("c", PVCS)
def test_set_default_persistent_volume_claim(c: Obj) -> None:
    pvc = defaulted("PersistentVolumeClaim", {"spec": _with_mode(c["mode"])})
    assert (pvc["status"]["phase"], pvc["spec"]["volumeMode"]) == ("Pending", c["want"])


EP = "TestSetDefaultEphemeral"
EPHEMERAL = [case(EP, name, mode=mode, want=want) for name, mode, want in MODES]


@pytest.mark.parametrize("c", EPHEMERAL)
def test_set_default_ephemeral(c: Obj) -> None:
    volume = _volume({"ephemeral": {"volumeClaimTemplate": {"spec": _with_mode(c["mode"])}}})
    assert volume["ephemeral"]["volumeClaimTemplate"]["spec"]["volumeMode"] == c["want"]


# --- Plain objects ------------------------------------------------------------------------------------------


def test_set_default_secret() -> None:
    """TestSetDefaultSecret: type Opaque."""
    assert defaulted("Secret", {})["type"] == "Opaque"


def test_set_default_endpoints_protocol() -> None:
    """TestSetDefaultEndpointsProtocol: an empty protocol becomes TCP, a given one stays."""
    out = defaulted("Endpoints", {"subsets": [{"ports": [{}, {"protocol": "UDP"}, {}]}]})
    assert [p["protocol"] for p in out["subsets"][0]["ports"]] == ["TCP", "UDP", "TCP"]


def test_set_default_namespace() -> None:
    """TestSetDefaultNamespace: phase Active."""
    assert defaulted("Namespace", {})["status"]["phase"] == "Active"


def test_set_default_namespace_labels() -> None:
    """TestSetDefaultNamespaceLabels: kubernetes.io/metadata.name carries the name."""
    ns = defaulted("Namespace", {"metadata": {"name": "default-ns-labels-are-great"}})
    assert ns["metadata"]["labels"]["kubernetes.io/metadata.name"] == "default-ns-labels-are-great"


CAPACITY = {"cpu": "1000m", "memory": "10G"}
ALLOCATABLE = {"cpu": "500m", "memory": "5G"}
NA = "TestSetDefaultNodeStatusAllocatable"
NODE_ALLOCATABLE = [
    case(NA, "tests[0] Everything set, no defaulting", capacity=CAPACITY, allocatable=ALLOCATABLE, want=ALLOCATABLE),
    case(NA, "tests[1] Allocatable set, no defaulting", capacity=None, allocatable=ALLOCATABLE, want=ALLOCATABLE),
    case(NA, "tests[2] Capacity set, allocatable defaults to capacity", capacity=CAPACITY, allocatable=None,
         want=CAPACITY),
    case(NA, "tests[3] Nothing set", capacity=None, allocatable=None, want=None),
]


@pytest.mark.parametrize("c", NODE_ALLOCATABLE)
def test_set_default_node_status_allocatable(c: Obj) -> None:
    from kspec.quantity import parse_quantity

    status = {k: dict(v) for k, v in (("capacity", c["capacity"]), ("allocatable", c["allocatable"])) if v}
    got = defaulted("Node", {"status": status})["status"].get("allocatable")
    # resourceListsEqual: same keys, Cmp equal
    assert ({k: parse_quantity(v) for k, v in got.items()} if got else None) == \
        ({k: parse_quantity(v) for k, v in c["want"].items()} if c["want"] else None)


# --- Pods ---------------------------------------------------------------------------------------------------


def test_set_default_pod_spec_host_network() -> None:
    """TestSetDefaultPodSpecHostNetwork: a host-network pod's ports get hostPort = containerPort."""
    spec = pod({"hostNetwork": True, "containers": [{"ports": [{"containerPort": 8080}]}],
                "initContainers": [{"ports": [{"containerPort": 8080}]}]})["spec"]
    assert spec["containers"][0]["ports"][0]["hostPort"] == 8080
    assert spec["initContainers"][0]["ports"][0]["hostPort"] == 8080


def test_set_default_object_field_selector_api_version() -> None:
    """TestSetDefaultObjectFieldSelectorAPIVersion: an env fieldRef's apiVersion defaults to v1."""
    spec = pod({"containers": [{"env": [{"valueFrom": {"fieldRef": {}}}]}]})["spec"]
    assert spec["containers"][0]["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"


def test_set_minimum_scale_pod() -> None:
    """TestSetMinimumScalePod: SetDefaults_ResourceList rounds quantities up to milli precision."""
    from kspec.quantity import parse_quantity

    resources = {"requests": {"memory": "1n"}, "limits": {"cpu": "2n"}}
    spec = pod({"containers": [{"resources": copy.deepcopy(resources)}],
                "initContainers": [{"resources": copy.deepcopy(resources)}]})["spec"]
    for key in ("containers", "initContainers"):
        assert parse_quantity(spec[key][0]["resources"]["requests"]["memory"]) == parse_quantity("1m")


def test_set_default_requests_pod() -> None:
    """TestSetDefaultRequestsPod: a limit without a request becomes the request; request 0 is kept."""
    resources = {"requests": {"memory": "0"}, "limits": {"cpu": "100m", "memory": "1Gi"}}
    spec = pod({"containers": [{"resources": copy.deepcopy(resources)}],
                "initContainers": [{"resources": copy.deepcopy(resources)}]})["spec"]
    for key in ("containers", "initContainers"):
        requests = spec[key][0]["resources"]["requests"]
        assert (requests["cpu"], requests["memory"]) == ("100m", "0")
    spec = pod({"containers": [{}], "initContainers": [{}]})["spec"]
    for key in ("containers", "initContainers"):
        assert ((spec[key][0].get("resources") or {}).get("requests") or {}).get("cpu", "0") == "0"


def test_set_default_probe() -> None:
    """TestSetDefaultProbe: an empty probe gets timeout 1, period 10, success 1, failure 3."""
    probe = pod({"containers": [{"livenessProbe": {}}]})["spec"]["containers"][0]["livenessProbe"]
    assert probe == {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}


def test_set_default_scheduler_name() -> None:
    """TestSetDefaultSchedulerName: default-scheduler."""
    assert pod({})["spec"]["schedulerName"] == "default-scheduler"


def test_set_default_enable_service_links() -> None:
    """TestSetDefaultEnableServiceLinks: true."""
    assert pod({})["spec"]["enableServiceLinks"] is True


def test_set_default_limit_range_item() -> None:
    """TestSetDefaultLimitRangeItem: default limit from max, default request from the limit, else from min."""
    limit_range = defaulted("LimitRange", {"metadata": {"name": "test-defaults"}, "spec": {"limits": [{
        "type": "Container", "max": {"cpu": "100m"}, "min": {"memory": "100Mi"}, "default": {},
        "defaultRequest": {}}]}})
    item = limit_range["spec"]["limits"][0]
    assert item["default"]["cpu"] == "100m"
    assert item["defaultRequest"]["cpu"] == "100m"
    assert item["defaultRequest"]["memory"] == "100Mi"


_RESIZE = "kspec does not default a container's resizePolicy (in-place pod resize is not modelled)"
RP = "TestSetDefaultResizePolicy"
NR, RC = "NotRequired", "RestartContainer"
RESIZE = [
    case(RP, "CPU and memory limits are specified", unmodelled=_RESIZE,
         container={"resources": {"limits": {"cpu": "100m", "memory": "200Mi"}}}, want=[("cpu", NR), ("memory", NR)]),
    case(RP, "CPU requests are specified", unmodelled=_RESIZE,
         container={"resources": {"requests": {"cpu": "100m"}}}, want=[("cpu", NR)]),
    case(RP, "Memory limits are specified", unmodelled=_RESIZE,
         container={"resources": {"limits": {"memory": "200Mi"}}}, want=[("memory", NR)]),
    case(RP, "No resources are specified", container={"name": "besteffort"}, want=[]),
    case(RP, "CPU and memory limits are specified with restartContainer resize policy for memory", unmodelled=_RESIZE,
         container={"resources": {"limits": {"cpu": "100m", "memory": "200Mi"}},
                    "resizePolicy": [{"resourceName": "memory", "restartPolicy": RC}]},
         want=[("memory", RC), ("cpu", NR)]),
    case(RP, "CPU requests and memory limits are specified with restartContainer resize policy for CPU",
         unmodelled=_RESIZE,
         container={"resources": {"limits": {"memory": "200Mi"}, "requests": {"cpu": "100m"}},
                    "resizePolicy": [{"resourceName": "cpu", "restartPolicy": RC}]},
         want=[("cpu", RC), ("memory", NR)]),
    case(RP, "CPU and memory requests are specified with restartContainer resize policy for both",
         container={"resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
                    "resizePolicy": [{"resourceName": "cpu", "restartPolicy": RC},
                                     {"resourceName": "memory", "restartPolicy": RC}]},
         want=[("cpu", RC), ("memory", RC)]),
    case(RP, "Ephemeral storage limits are specified",
         container={"resources": {"limits": {"ephemeral-storage": "500Mi"}}}, want=[]),
    case(RP, "Ephemeral storage requests and CPU limits are specified", unmodelled=_RESIZE,
         container={"resources": {"limits": {"cpu": "100m"}, "requests": {"ephemeral-storage": "500Mi"}}},
         want=[("cpu", NR)]),
    case(RP, "Ephemeral storage requests and limits, memory requests with restartContainer policy are specified",
         container={"resources": {"limits": {"ephemeral-storage": "500Mi"},
                                  "requests": {"ephemeral-storage": "500Mi", "memory": "200Mi"}},
                    "resizePolicy": [{"resourceName": "memory", "restartPolicy": RC}]},
         want=[("memory", RC)]),
]


@pytest.mark.parametrize("c", RESIZE)
def test_set_default_resize_policy(c: Obj) -> None:
    got = pod({"containers": [c["container"]]})["spec"]["containers"][0].get("resizePolicy") or []
    assert [(p["resourceName"], p["restartPolicy"]) for p in got] == c["want"]
