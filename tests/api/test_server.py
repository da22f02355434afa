"""The simulated kube-apiserver against upstream's REST semantics and messages."""

from __future__ import annotations

import ipaddress
import random

import pytest

from kspec.api.server import APIServer
from kspec.clock import Clock
from kspec.errors import ApiError
from kspec.events import EventRecorder
from kspec.objects import clone, get_condition, parse_timestamp
from kspec.store import MemoryStore

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
CONFLICT = ('Operation cannot be fulfilled on pods "web": the object has been modified; please apply your '
            "changes to the latest version and try again")


def _api(seed: int = 0) -> APIServer:
    api = APIServer(MemoryStore(), Clock(), random.Random(seed))
    api.bootstrap()
    api.clock.run_now()
    return api


def _pod(name: str = "web", ns: str = "default", **spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec}}


def _svc(name: str, **spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80}], **spec}}


def _deploy(name: str = "web", replicas: int = 2) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}}


def _error(fn, *args, **kwargs) -> ApiError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    return info.value


# -- create -------------------------------------------------------------------------------
def test_create_applies_defaults_and_server_set_metadata() -> None:
    api = _api()
    api.clock.run_for(5000)
    pod = api.create(_pod())
    md = pod["metadata"]
    assert md["uid"] and len(md["uid"]) == 36
    assert md["creationTimestamp"] == "2025-01-01T00:00:05Z"
    assert int(md["resourceVersion"]) == api.store.revision
    assert md["generation"] == 1
    assert pod["spec"]["restartPolicy"] == "Always"
    assert pod["spec"]["terminationGracePeriodSeconds"] == 30
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert api.get("pods", "web") is pod


def test_create_ignores_client_set_server_fields() -> None:
    api = _api()
    body = _pod()
    body["metadata"].update(resourceVersion="999", deletionTimestamp="2025-01-01T00:00:00Z")
    md = api.create(body)["metadata"]
    assert "deletionTimestamp" not in md
    assert md["resourceVersion"] != "999"


def test_create_does_not_change_the_callers_object() -> None:
    api = _api()
    body = _pod()
    before = clone(body)
    api.create(body)
    assert body == before


def test_generate_name() -> None:
    api = _api()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "cfg-", "namespace": "default"}}
    a = api.create(body)["metadata"]["name"]
    b = api.create(body)["metadata"]["name"]
    assert a.startswith("cfg-") and len(a) == len("cfg-") + 5 and a != b
    assert set(a[4:]) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_objects_without_spec_have_no_generation() -> None:
    api = _api()
    cm = api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}})
    assert "generation" not in cm["metadata"]
    assert cm["metadata"]["namespace"] == "default"


def test_missing_namespace() -> None:
    err = _error(_api().create, _pod(ns="nope"))
    assert (err.code, err.reason, err.message) == (404, "NotFound", 'namespaces "nope" not found')


def test_unknown_kind() -> None:
    err = _error(_api().create, {"apiVersion": "v1", "kind": "Pood", "metadata": {"name": "x"}})
    assert err.message == 'no matches for kind "Pood" in version "v1"'


def test_invalid_name_message_is_kube_apiservers() -> None:
    err = _error(_api().create, _pod("Bad_Name"))
    assert err.code == 422 and err.reason == "Invalid"
    assert err.message == f'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": {SUBDOMAIN_MSG}'


def test_already_exists() -> None:
    api = _api()
    api.create(_pod())
    err = _error(api.create, _pod())
    assert (err.code, err.reason, err.message) == (409, "AlreadyExists", 'pods "web" already exists')
    dep = _deploy()
    api.create(dep)
    assert _error(api.create, dep).message == 'deployments.apps "web" already exists'


def test_cluster_scoped_objects_drop_a_namespace() -> None:
    api = _api()
    ns = api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team", "namespace": "x"}})
    assert "namespace" not in ns["metadata"]
    assert ns["status"] == {"phase": "Active"}
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}


# -- update -------------------------------------------------------------------------------
def test_update_conflict_message() -> None:
    api = _api()
    stale = clone(api.create(_pod()))
    api.patch("pods", "web", "default", lambda p: p["metadata"]["labels"].__setitem__("v", "2"))
    stale["metadata"]["labels"]["v"] = "3"
    err = _error(api.update, stale)
    assert (err.code, err.reason, err.message) == (409, "Conflict", CONFLICT)


def test_update_of_missing_object() -> None:
    api = _api()
    assert _error(api.update, _pod()).message == 'pods "web" not found'


def test_generation_bumps_on_spec_change_only() -> None:
    api = _api()
    api.create(_deploy())
    d = api.patch("deployments", "web", "default", lambda o: o["metadata"]["labels"].__setitem__("a", "b")
                  if "labels" in o["metadata"] else o["metadata"].__setitem__("labels", {"a": "b"}))
    assert d["metadata"]["generation"] == 1
    d = api.patch("deployments", "web", "default", lambda o: o.setdefault("status", {}).__setitem__("replicas", 1),
                  status=True)
    assert d["metadata"]["generation"] == 1
    d = api.patch("deployments", "web", "default", lambda o: o["spec"].__setitem__("replicas", 5))
    assert d["metadata"]["generation"] == 2


def test_update_keeps_server_owned_metadata() -> None:
    api = _api()
    created = api.create(_pod())
    body = clone(created)
    for field in ("uid", "creationTimestamp", "generation"):
        del body["metadata"][field]
    body["status"] = {"phase": "Running"}  # status is ignored by a plain update
    updated = api.update(body)
    for field in ("uid", "creationTimestamp", "generation"):
        assert updated["metadata"][field] == created["metadata"][field]
    assert updated["status"]["phase"] == "Pending"


def test_update_status_leaves_spec_alone() -> None:
    api = _api()
    api.create(_pod())

    def change(p: dict) -> None:
        p["status"]["phase"] = "Running"
        p["spec"]["containers"][0]["image"] = "evil:1"

    pod = api.patch("pods", "web", "default", change, status=True)
    assert pod["status"]["phase"] == "Running"
    assert pod["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_patch_that_changes_nothing_writes_nothing() -> None:
    api = _api()
    api.create(_pod())
    rev = api.store.revision
    api.patch("pods", "web", "default", lambda p: None)
    assert api.store.revision == rev


# -- apply --------------------------------------------------------------------------------
def test_apply_creates_then_three_way_merges() -> None:
    api = _api()
    first = _deploy()
    first["metadata"]["labels"] = {"tier": "web", "team": "a"}
    first["metadata"]["annotations"] = {"note": "x"}
    api.apply(first)
    # someone else adds a label and the controller writes status
    api.patch("deployments", "web", "default", lambda o: o["metadata"]["labels"].__setitem__("added", "by-hand"))
    api.patch("deployments", "web", "default", lambda o: o.setdefault("status", {}).__setitem__("replicas", 2),
              status=True)
    second = clone(first)
    second["metadata"]["labels"] = {"tier": "frontend"}  # team removed, tier changed
    del second["metadata"]["annotations"]["note"]
    second["spec"]["replicas"] = 3
    live = api.apply(second)
    assert live["metadata"]["labels"] == {"tier": "frontend", "added": "by-hand"}
    assert "note" not in live["metadata"].get("annotations", {})
    assert live["spec"]["replicas"] == 3
    assert live["spec"]["strategy"]["type"] == "RollingUpdate"  # a server default survives
    assert live["status"]["replicas"] == 2
    assert live["metadata"]["generation"] == 2


def test_apply_removing_a_field_from_the_manifest_removes_it() -> None:
    api = _api()
    dep = _deploy()
    template = dep["spec"]["template"]["spec"]
    template["containers"][0]["env"] = [{"name": "A", "value": "1"}]
    template["nodeSelector"] = {"disk": "ssd"}
    api.apply(dep)
    live = api.apply(_deploy())
    spec = live["spec"]["template"]["spec"]
    assert "nodeSelector" not in spec
    assert "env" not in spec["containers"][0]
    assert spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"  # defaults are not "removed"


def test_pod_spec_is_immutable_through_apply() -> None:
    api = _api()
    api.apply(_pod())
    changed = _pod()
    changed["spec"]["nodeSelector"] = {"disk": "ssd"}
    err = _error(api.apply, changed)
    assert err.message.startswith('Pod "web" is invalid: spec: Forbidden: pod updates may not change fields')


def test_apply_keeps_an_allocated_cluster_ip() -> None:
    api = _api()
    ip = api.apply(_svc("web"))["spec"]["clusterIP"]
    svc = _svc("web")
    svc["metadata"]["labels"] = {"x": "y"}
    assert api.apply(svc)["spec"]["clusterIP"] == ip


# -- delete -------------------------------------------------------------------------------
def test_delete_unscheduled_pod_goes_at_once() -> None:
    api = _api()
    api.create(_pod())
    assert api.delete("pods", "web") is None
    assert api.try_get("pods", "web") is None
    assert _error(api.delete, "pods", "web").message == 'pods "web" not found'


def _scheduled(api: APIServer, name: str = "web", **spec: object) -> dict:
    api.create(_pod(name, **spec))
    return api.bind("default", name, "node-1")


def test_delete_scheduled_pod_is_graceful() -> None:
    api = _api()
    api.clock.run_for(1000)
    before = _scheduled(api)
    pod = api.delete("pods", "web")
    assert pod is not None
    md = pod["metadata"]
    assert md["deletionGracePeriodSeconds"] == 30
    assert parse_timestamp(md["deletionTimestamp"]) == 1000 + 30_000
    assert md["generation"] == before["metadata"]["generation"] + 1  # BeforeDelete bumps it once


def test_delete_uses_the_pods_termination_grace_period() -> None:
    api = _api()
    _scheduled(api, terminationGracePeriodSeconds=5)
    assert api.delete("pods", "web")["metadata"]["deletionGracePeriodSeconds"] == 5


def test_second_delete_may_only_shorten_the_grace_period() -> None:
    api = _api()
    _scheduled(api)
    api.delete("pods", "web")  # t=0, due at 30s
    api.clock.run_for(10_000)
    longer = api.delete("pods", "web", grace_period_seconds=60)
    assert longer["metadata"]["deletionGracePeriodSeconds"] == 30
    shorter = api.delete("pods", "web", grace_period_seconds=25)
    md = shorter["metadata"]
    assert md["deletionGracePeriodSeconds"] == 25
    # rest.BeforeDelete: the old deadline moved back by the old period, forward by the new one
    assert parse_timestamp(md["deletionTimestamp"]) == 25_000
    assert md["generation"] == 2  # shortening is not a new deletion


def test_shortening_past_the_deadline_keeps_one_second() -> None:
    api = _api()
    _scheduled(api)
    api.delete("pods", "web")
    api.clock.run_for(20_000)
    md = api.delete("pods", "web", grace_period_seconds=5)["metadata"]
    assert md["deletionGracePeriodSeconds"] == 1
    assert parse_timestamp(md["deletionTimestamp"]) == 20_000


def test_second_delete_with_zero_grace_removes_the_pod() -> None:
    api = _api()
    _scheduled(api)
    api.delete("pods", "web")
    assert api.delete("pods", "web", grace_period_seconds=0) is None
    assert api.try_get("pods", "web") is None


def test_finished_pod_is_deleted_at_once() -> None:
    api = _api()
    _scheduled(api)
    api.patch("pods", "web", "default", lambda p: p["status"].__setitem__("phase", "Succeeded"), status=True)
    assert api.delete("pods", "web") is None


def test_status_update_of_a_terminating_pod_does_not_delete_it() -> None:
    api = _api()
    _scheduled(api)
    api.delete("pods", "web")
    api.patch("pods", "web", "default", lambda p: p["status"].__setitem__("phase", "Running"), status=True)
    assert api.try_get("pods", "web") is not None  # only the kubelet's grace-0 delete removes it


def test_finalizer_holds_deletion_until_removed() -> None:
    api = _api()
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "c", "namespace": "default", "finalizers": ["example.com/hold"]}}
    api.create(cm)
    held = api.delete("configmaps", "c")
    assert held is not None
    assert held["metadata"]["deletionTimestamp"] == "2025-01-01T00:00:00Z"
    assert held["metadata"]["deletionGracePeriodSeconds"] == 0
    again = api.delete("configmaps", "c")  # a repeat changes nothing
    assert again is not None and again["metadata"]["resourceVersion"] == held["metadata"]["resourceVersion"]
    api.remove_finalizer("configmaps", "c", "default", "example.com/hold")
    assert api.try_get("configmaps", "c") is None


def test_terminating_pod_with_finalizer_waits_for_both() -> None:
    api = _api()
    api.create({**_pod(), "metadata": {"name": "web", "namespace": "default", "finalizers": ["x/y"]}})
    api.bind("default", "web", "node-1")
    api.delete("pods", "web")
    api.remove_finalizer("pods", "web", "default", "x/y")
    assert api.try_get("pods", "web") is not None  # grace period still running
    assert api.delete("pods", "web", grace_period_seconds=0) is None


def test_delete_of_a_cluster_scoped_object() -> None:
    api = _api()
    api.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "hi"},
                "value": 1000})
    assert api.delete("priorityclasses", "hi") is None
    assert api.try_get("priorityclasses", "hi") is None


def test_namespace_deletion_marks_terminating_and_forbids_new_content() -> None:
    api = _api()
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    api.create(_pod(ns="team"))
    ns = api.delete("namespaces", "team")
    assert ns is not None and ns["status"]["phase"] == "Terminating"
    assert ns["metadata"]["deletionTimestamp"]
    err = _error(api.create, _pod("other", ns="team"))
    assert (err.code, err.reason) == (403, "Forbidden")
    assert err.message == ('pods "other" is forbidden: unable to create new content in namespace team because '
                           "it is being terminated")


# -- services -------------------------------------------------------------------------------
def test_bootstrap_services() -> None:
    api = _api()
    assert api.get("services", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1"
    assert api.get("services", "kube-dns", "kube-system")["spec"]["clusterIP"] == "10.96.0.10"
    assert [n["metadata"]["name"] for n in api.list("namespaces")] == [
        "default", "kube-node-lease", "kube-public", "kube-system"]


def test_cluster_ips_are_random_but_deterministic_and_unique() -> None:
    def ips(seed: int) -> list[str]:
        api = _api(seed)
        return [api.create(_svc(f"s{i}"))["spec"]["clusterIP"] for i in range(40)]

    first = ips(1)
    assert first == ips(1)
    assert first != ips(2)
    assert len(set(first)) == len(first)
    net = ipaddress.ip_network("10.96.0.0/12")
    for ip in first:
        assert ipaddress.ip_address(ip) in net
        assert ip not in ("10.96.0.0", "10.96.0.1", "10.96.0.10", "10.111.255.255")


def test_service_defaults() -> None:
    svc = _api().create(_svc("web"))
    spec = svc["spec"]
    assert spec["type"] == "ClusterIP" and spec["sessionAffinity"] == "None"
    assert spec["ports"][0]["protocol"] == "TCP" and spec["ports"][0]["targetPort"] == 80
    assert spec["clusterIPs"] == [spec["clusterIP"]]
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"


def test_headless_service_has_no_cluster_ip() -> None:
    spec = _api().create(_svc("db", clusterIP="None"))["spec"]
    assert spec["clusterIP"] == "None" and spec["clusterIPs"] == ["None"]


def test_requested_cluster_ip_in_use() -> None:
    api = _api()
    api.create(_svc("a", clusterIP="10.96.0.50"))
    err = _error(api.create, _svc("b", clusterIP="10.96.0.50"))
    assert err.code == 422
    # alloc.go allocIPs: field.Invalid(spec.clusterIPs, ClusterIPs, "failed to allocate IP ...: " + ErrAllocated)
    assert err.message == ('Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.50"]: failed to '
                           "allocate IP 10.96.0.50: provided IP is already allocated")
    err = _error(api.create, _svc("c", clusterIP="10.96.0.10"))
    assert "provided IP is already allocated" in err.message


def test_requested_cluster_ip_out_of_range() -> None:
    err = _error(_api().create, _svc("b", clusterIP="10.200.0.1"))
    assert err.message == ('Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.200.0.1"]: failed to '
                           "allocate IP 10.200.0.1: the provided IP (10.200.0.1) is not in the valid range. The "
                           "range of valid IPs is 10.96.0.0/12")


def test_deleted_service_releases_its_ip() -> None:
    api = _api()
    api.create(_svc("a", clusterIP="10.96.0.50"))
    api.delete("services", "a")
    assert api.create(_svc("b", clusterIP="10.96.0.50"))["spec"]["clusterIP"] == "10.96.0.50"


def test_failed_create_releases_its_ip() -> None:
    api = _api()
    api.create(_svc("a"))
    bad = _svc("a", clusterIP="10.96.0.77")  # already exists: rejected before or after allocation
    _error(api.create, bad)
    assert api.create(_svc("b", clusterIP="10.96.0.77"))["spec"]["clusterIP"] == "10.96.0.77"


def test_node_ports_in_range_and_unique() -> None:
    api = _api()
    ports = []
    for i in range(30):
        svc = api.create(_svc(f"np{i}", type="NodePort"))
        assert svc["spec"]["externalTrafficPolicy"] == "Cluster"
        ports.append(svc["spec"]["ports"][0]["nodePort"])
    assert all(30000 <= p <= 32767 for p in ports)
    assert len(set(ports)) == len(ports)


def test_requested_node_port_in_use() -> None:
    api = _api()
    api.create(_svc("a", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    err = _error(api.create, _svc("b", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    assert err.message == ('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port '
                           "is already allocated")
    err = _error(api.create, _svc("c", type="NodePort", ports=[{"port": 80, "nodePort": 40000}]))
    assert err.message == ('Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port '
                           "is not in the valid range. The range of valid ports is 30000-32767")


def test_update_keeps_node_ports() -> None:
    api = _api()
    port = api.create(_svc("a", type="NodePort"))["spec"]["ports"][0]["nodePort"]
    svc = api.patch("services", "a", "default", lambda s: s["metadata"].__setitem__("labels", {"x": "y"}))
    assert svc["spec"]["ports"][0]["nodePort"] == port



DNS_PORTS = [{"name": "dns-tcp", "port": 53, "protocol": "TCP"}, {"name": "dns", "port": 53, "protocol": "UDP"},
             {"name": "metrics", "port": 9153, "protocol": "TCP"}]


def test_ports_with_one_number_share_a_node_port() -> None:
    # alloc.go initNodePorts: one node port per service port number, whatever the protocol
    api = _api()
    ports = api.create(_svc("dns", type="NodePort", ports=DNS_PORTS))["spec"]["ports"]
    assert ports[0]["nodePort"] == ports[1]["nodePort"] != ports[2]["nodePort"]
    assert len(api.node_ports.used) == 2
    api.delete("services", "dns")
    assert api.node_ports.used == set()


def test_reapplying_keeps_a_shared_node_port() -> None:
    api = _api()
    first = [p["nodePort"] for p in api.apply(_svc("dns", type="NodePort", ports=DNS_PORTS))["spec"]["ports"]]
    again = [p["nodePort"] for p in api.apply(_svc("dns", type="NodePort", ports=DNS_PORTS,
                                                   sessionAffinity="ClientIP"))["spec"]["ports"]]
    assert again == first
    assert len(api.node_ports.used) == 2


def test_a_node_port_asked_for_twice_in_one_service_is_allocated_once() -> None:
    api = _api()
    ports = [{"name": "a", "port": 53, "protocol": "TCP", "nodePort": 30053},
             {"name": "b", "port": 53, "protocol": "UDP", "nodePort": 30053}]
    created = api.create(_svc("dns", type="NodePort", ports=ports))["spec"]["ports"]
    assert [p["nodePort"] for p in created] == [30053, 30053]
    svc = api.patch("services", "dns", "default", lambda s: s["metadata"].__setitem__("labels", {"x": "y"}))
    assert [p["nodePort"] for p in svc["spec"]["ports"]] == [30053, 30053]


def test_a_load_balancer_may_opt_out_of_node_ports() -> None:
    api = _api()
    svc = api.create(_svc("lb", type="LoadBalancer", allocateLoadBalancerNodePorts=False))
    assert "nodePort" not in svc["spec"]["ports"][0]


def test_changing_the_type_wipes_what_the_old_type_needed() -> None:
    # strategy.go dropTypeDependentFields: applying a NodePort Service over a LoadBalancer one succeeds
    api = _api()
    api.apply(_svc("web", type="LoadBalancer", externalTrafficPolicy="Local"))
    assert len(api.node_ports.used) == 2  # the service's node port and the health check node port
    svc = api.apply(_svc("web", type="NodePort"))
    assert "allocateLoadBalancerNodePorts" not in svc["spec"]
    assert "healthCheckNodePort" not in svc["spec"]
    assert len(api.node_ports.used) == 1
    # a PUT (not an apply: the defaulted externalTrafficPolicy would stay and be refused, as upstream)
    svc = api.update(_svc("web", type="ClusterIP"))
    assert "nodePort" not in svc["spec"]["ports"][0]
    assert api.node_ports.used == set()


def test_switching_to_external_name_releases_the_cluster_ip() -> None:
    api = _api()
    ip = api.apply(_svc("web"))["spec"]["clusterIP"]
    svc = api.apply({**_svc("web", type="ExternalName", externalName="example.com"), "spec": {
        "type": "ExternalName", "externalName": "example.com"}})
    assert "clusterIP" not in svc["spec"]
    assert api.create(_svc("other", clusterIP=ip))["spec"]["clusterIP"] == ip


# -- bind ---------------------------------------------------------------------------------
def test_bind_sets_node_and_pod_scheduled() -> None:
    api = _api()
    api.create(_pod())
    pod = api.bind("default", "web", "node-2")
    assert pod["spec"]["nodeName"] == "node-2"
    assert get_condition(pod, "PodScheduled")["status"] == "True"
    err = _error(api.bind, "default", "web", "node-3")
    assert err.code == 409
    assert err.message == 'pod web is already assigned to node "node-2"'
    assert _error(api.bind, "default", "nope", "node-1").message == 'pods "nope" not found'


# -- events -------------------------------------------------------------------------------
def test_events_aggregate_repeats() -> None:
    api = _api()
    events = EventRecorder(api)
    pod = api.create(_pod())
    events.event(pod, "Warning", "BackOff", "Back-off restarting failed container", component="kubelet")
    api.clock.run_for(10_000)
    events.event(pod, "Warning", "BackOff", "Back-off restarting failed container", component="kubelet")
    events.event(pod, "Normal", "Pulled", "done", component="kubelet")
    stored = events.for_object("Pod", "web")
    assert [(e["reason"], e["count"]) for e in stored] == [("BackOff", 2), ("Pulled", 1)]
    backoff = stored[0]
    assert backoff["firstTimestamp"] == "2025-01-01T00:00:00Z"
    assert backoff["lastTimestamp"] == "2025-01-01T00:00:10Z"
    assert backoff["involvedObject"]["uid"] == pod["metadata"]["uid"]
    assert backoff["source"] == {"component": "kubelet"}
    assert len(events.log) == 3


def test_writes_count_as_change_and_reach_informers() -> None:
    api = _api()
    seen: list[str] = []
    api.informers.on("pods", on_add=lambda o: seen.append(o["metadata"]["name"]))
    before = api.clock.changes
    api.create(_pod())
    api.clock.run_now()
    assert seen == ["web"]
    assert api.clock.changes == before + 1


def test_a_rejected_service_allocates_nothing() -> None:
    api = _api()
    api.create(_svc("a", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    _error(api.create, _svc("b", type="NodePort", clusterIP="10.96.0.99", ports=[{"port": 80, "nodePort": 30080}]))
    assert api.create(_svc("c", clusterIP="10.96.0.99"))["spec"]["clusterIP"] == "10.96.0.99"
