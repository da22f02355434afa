"""The admission plugins around a create: LimitRanger, PodSecurity, ResourceQuota, NamespaceLifecycle."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kspec.api.server import APIServer
from kspec.clock import Clock
from kspec.errors import ApiError
from kspec.store import MemoryStore

Obj = dict[str, Any]


def _api() -> APIServer:
    api = APIServer(MemoryStore(), Clock(), random.Random(0))
    api.bootstrap()
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    return api


def _quota(api: APIServer, name: str, hard: dict[str, str], used: dict[str, str] | None = None, **spec: Any) -> None:
    """A quota as the controller leaves it: status.hard from the spec, usage counted."""
    api.store.create("resourcequotas", {
        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": "dev"},
        "spec": {"hard": hard, **spec},
        "status": {"hard": hard, "used": used if used is not None else {k: "0" for k in hard}}})


def _pod(name: str, requests: dict[str, str] | None = None, **spec: Any) -> Obj:
    resources = {"requests": requests, "limits": requests} if requests else {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "dev"},
            "spec": {"containers": [{"name": "app", "image": "nginx", "resources": resources}], **spec}}


def _used(api: APIServer, name: str) -> dict[str, str]:
    return dict(api.store.get("resourcequotas", "dev", name)["status"]["used"])


def test_object_count_of_a_grouped_resource() -> None:
    api = _api()
    _quota(api, "apps", {"count/deployments.apps": "1"})
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "dev"},
              "spec": {"selector": {"matchLabels": {"a": "b"}},
                       "template": {"metadata": {"labels": {"a": "b"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    api.create({**deploy, "metadata": {"name": "one", "namespace": "dev"}})
    assert _used(api, "apps") == {"count/deployments.apps": "1"}
    with pytest.raises(ApiError) as exc:
        api.create({**deploy, "metadata": {"name": "two", "namespace": "dev"}})
    assert str(exc.value) == ('deployments.apps "two" is forbidden: exceeded quota: apps, requested: '
                              "count/deployments.apps=1, used: count/deployments.apps=1, limited: "
                              "count/deployments.apps=1")


def test_priority_class_scope_selector_charges_only_selected_pods() -> None:
    api = _api()
    for name, value in (("high", 1000), ("low", 10)):
        api.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                    "value": value})
    _quota(api, "high-pods", {"pods": "1"},
           scopeSelector={"matchExpressions": [{"scopeName": "PriorityClass", "operator": "In",
                                                "values": ["high"]}]})
    api.create(_pod("a", priorityClassName="high"))
    api.create(_pod("b", priorityClassName="low"))
    assert _used(api, "high-pods") == {"pods": "1"}
    with pytest.raises(ApiError, match="exceeded quota: high-pods, requested: pods=1, used: pods=1, limited: pods=1"):
        api.create(_pod("c", priorityClassName="high"))


def test_dry_run_does_not_charge_the_quota() -> None:
    api = _api()
    _quota(api, "compute", {"requests.cpu": "1"})
    api.create(_pod("a", {"cpu": "500m"}), dry_run=True)
    assert _used(api, "compute") == {"requests.cpu": "0"}
    api.create(_pod("a", {"cpu": "500m"}))
    assert _used(api, "compute") == {"requests.cpu": "500m"}


def test_a_quota_not_yet_counted_refuses_with_status_unknown() -> None:
    api = _api()
    _quota(api, "fresh", {"pods": "2"}, used={})
    with pytest.raises(ApiError, match='pods "a" is forbidden: status unknown for quota: fresh, resources: pods'):
        api.create(_pod("a"))


def test_memory_usage_keeps_its_binary_format() -> None:
    api = _api()
    _quota(api, "mem", {"requests.memory": "2Gi"})
    api.create(_pod("a", {"memory": "512Mi"}))
    api.create(_pod("b", {"memory": "512Mi"}))
    assert _used(api, "mem") == {"requests.memory": "1Gi"}


def test_limit_range_bounds_a_claim_request() -> None:
    api = _api()
    api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "storage", "namespace": "dev"},
                "spec": {"limits": [{"type": "PersistentVolumeClaim", "max": {"storage": "2Gi"}}]}})
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "big", "namespace": "dev"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}}
    with pytest.raises(ApiError) as exc:
        api.create(claim)
    assert str(exc.value) == ('persistentvolumeclaims "big" is forbidden: maximum storage usage per '
                              "PersistentVolumeClaim is 2Gi, but request is 5Gi")


def test_limit_range_ratio_message() -> None:
    api = _api()
    api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "ratio", "namespace": "dev"},
                "spec": {"limits": [{"type": "Container", "maxLimitRequestRatio": {"cpu": "2"}}]}})
    pod = _pod("a")
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100m"}, "limits": {"cpu": "500m"}}
    with pytest.raises(ApiError) as exc:
        api.create(pod)
    assert str(exc.value) == ('pods "a" is forbidden: cpu max limit to request ratio per Container is 2, but '
                              "provided ratio is 5.000000")


def test_baseline_level_refuses_host_network_and_names_the_policy_version() -> None:
    api = _api()
    api.patch("namespaces", "dev", "", lambda ns: ns["metadata"]["labels"].update(
        {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30"}))
    with pytest.raises(ApiError) as exc:
        api.create(_pod("a", hostNetwork=True))
    assert str(exc.value) == ('pods "a" is forbidden: violates PodSecurity "baseline:v1.30": host namespaces '
                              "(hostNetwork=true)")
    assert exc.value.code == 403


def test_warn_mode_returns_warnings_and_unlabelled_namespaces_none() -> None:
    api = _api()
    api.create(_pod("quiet"))
    assert api.warnings == []
    api.patch("namespaces", "dev", "", lambda ns: ns["metadata"]["labels"].update(
        {"pod-security.kubernetes.io/warn": "baseline"}))
    api.create(_pod("loud", hostPID=True))
    assert api.warnings == ['would violate PodSecurity "baseline:latest": host namespaces (hostPID=true)']


def test_immortal_namespaces_stay() -> None:
    api = _api()
    for ns in ("default", "kube-system", "kube-public"):
        with pytest.raises(ApiError, match=f'namespaces "{ns}" is forbidden: this namespace may not be deleted'):
            api.delete("namespaces", ns, "")
    api.delete("namespaces", "dev", "")


def test_a_service_turning_node_port_is_charged_on_update() -> None:
    api = _api()
    _quota(api, "ports", {"services.nodeports": "1"})
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "dev"},
           "spec": {"selector": {"app": "web"}, "ports": [{"name": "a", "port": 80}, {"name": "b", "port": 81}]}}
    api.create(svc)
    live = api.get("services", "web", "dev")
    changed = {**live, "spec": {**live["spec"], "type": "NodePort"}}
    with pytest.raises(ApiError) as exc:
        api.update(changed)
    assert str(exc.value) == ('services "web" is forbidden: exceeded quota: ports, requested: services.nodeports=2, '
                              "used: services.nodeports=0, limited: services.nodeports=1")


def test_a_growing_claim_is_charged_the_difference() -> None:
    api = _api()
    _quota(api, "storage", {"requests.storage": "10Gi"})
    api.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "grows"},
                "provisioner": "csi.example.com", "allowVolumeExpansion": True})
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "dev"},
             "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "grows",
                      "resources": {"requests": {"storage": "4Gi"}}}}
    api.create(claim)
    assert _used(api, "storage") == {"requests.storage": "4Gi"}
    # only a bound claim of a class that allows expansion may grow (ValidatePersistentVolumeClaimUpdate, the
    # PersistentVolumeClaimResize admission)
    api.write_status("persistentvolumeclaims", "data", "dev", {"phase": "Bound"})
    api.patch("persistentvolumeclaims", "data", "dev",
              lambda c: c["spec"]["resources"]["requests"].__setitem__("storage", "6Gi"))
    assert _used(api, "storage") == {"requests.storage": "6Gi"}


def test_a_pod_item_bounds_the_sum_of_the_containers_in_their_format() -> None:
    api = _api()
    api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "per-pod", "namespace": "dev"},
                "spec": {"limits": [{"type": "Pod", "max": {"memory": "1Gi"}}]}})
    pod = _pod("pair")
    pod["spec"]["containers"] = [
        {"name": "a", "image": "nginx", "resources": {"limits": {"memory": "1Gi"}}},
        {"name": "b", "image": "nginx", "resources": {"limits": {"memory": "512Mi"}}}]
    with pytest.raises(ApiError) as exc:
        api.create(pod)
    assert str(exc.value) == 'pods "pair" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1536Mi'
