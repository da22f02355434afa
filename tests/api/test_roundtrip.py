"""Property: a valid object survives create -> get unchanged apart from defaults and server-set fields."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.api.defaults import apply_defaults
from kspec.api.server import APIServer
from kspec.clock import Clock
from kspec.objects import clone
from kspec.store import MemoryStore

_dns_label = st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_label_value = st.from_regex(r"([A-Za-z0-9]([A-Za-z0-9_.-]{0,8}[A-Za-z0-9])?)?", fullmatch=True)
_labels = st.dictionaries(st.sampled_from(["app", "tier", "team", "example.com/role", "version"]), _label_value,
                          max_size=3)
_image = st.sampled_from(["nginx", "nginx:1.27", "busybox:latest", "registry.local:5000/app:v2",
                          "redis@sha256:" + "a" * 64])
_quantity = st.sampled_from([None, "100m", "250m", "1", "2"]), st.sampled_from([None, "64Mi", "128Mi", "1Gi"])


@st.composite
def _resources(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("requests", "limits"):
        cpu, mem = draw(_quantity[0]), draw(_quantity[1])
        values = {k: v for k, v in (("cpu", cpu), ("memory", mem)) if v is not None}
        if values:
            out[kind] = values
    if "requests" in out and "limits" in out:
        out["limits"] = dict(out["requests"])  # keep requests <= limits: Guaranteed
    return out


@st.composite
def _container(draw: st.DrawFn, name: str) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": draw(_image)}
    if draw(st.booleans()):
        c["ports"] = [{"containerPort": draw(st.integers(1, 65535))}]
    if draw(st.booleans()):
        c["env"] = [{"name": f"VAR_{i}", "value": str(i)} for i in range(draw(st.integers(1, 3)))]
    res = draw(_resources())
    if res:
        c["resources"] = res
    return c


@st.composite
def _pod_spec(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(_dns_label, min_size=1, max_size=3, unique=True))
    spec: dict[str, Any] = {"containers": [draw(_container(n)) for n in names]}
    if draw(st.booleans()):
        spec["restartPolicy"] = draw(st.sampled_from(["Always", "OnFailure", "Never"]))
    if draw(st.booleans()):
        spec["terminationGracePeriodSeconds"] = draw(st.integers(0, 120))
    if draw(st.booleans()):
        spec["nodeSelector"] = {"disk": "ssd"}
    return spec


@st.composite
def _pod(draw: st.DrawFn) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": draw(_dns_label), "labels": draw(_labels)}, "spec": draw(_pod_spec())}


@st.composite
def _configmap(draw: st.DrawFn) -> dict[str, Any]:
    # IsConfigMapKey also refuses "." and keys starting with ".." (hasChDirPrefix)
    keys = st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True).filter(lambda k: k != "." and not k.startswith(".."))
    data = draw(st.dictionaries(keys,
                                st.text(max_size=20), max_size=4))
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": draw(_dns_label)}, "data": data}


@st.composite
def _service(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    ports = [{"name": f"p{i}", "port": 80 + i} for i in range(count)] if count > 1 else [{"port": 80}]
    if draw(st.booleans()):
        ports[0]["targetPort"] = 8080
    spec: dict[str, Any] = {"selector": {"app": draw(_dns_label)}, "ports": ports,
                            "type": draw(st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]))}
    if spec["type"] == "ClusterIP" and draw(st.booleans()):
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": draw(_dns_label)}, "spec": spec}


@st.composite
def _deployment(draw: st.DrawFn) -> dict[str, Any]:
    labels = {"app": draw(_dns_label)}
    spec: dict[str, Any] = {"selector": {"matchLabels": labels},
                            "template": {"metadata": {"labels": {**labels, **draw(_labels), **labels}},
                                         "spec": draw(_pod_spec())}}
    spec["template"]["spec"]["restartPolicy"] = "Always"  # the only policy a Deployment allows
    if draw(st.booleans()):
        spec["replicas"] = draw(st.integers(0, 10))
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": draw(_dns_label)}, "spec": spec}


_objects = st.one_of(_pod(), _configmap(), _service(), _deployment())

#: What admission and allocation add beyond defaulting, per kind (mutating admission, the service registry).
_SERVER_SPEC_FIELDS = {
    "Pod": {"serviceAccountName", "serviceAccount", "priority", "preemptionPolicy", "tolerations"},
    "Service": {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"},
}
_SERVER_METADATA = {"uid", "creationTimestamp", "resourceVersion", "generation", "namespace"}


def _is_subset(small: Any, big: Any) -> bool:
    if isinstance(small, dict):
        return isinstance(big, dict) and all(k in big and _is_subset(v, big[k]) for k, v in small.items())
    if isinstance(small, list):
        return isinstance(big, list) and len(small) == len(big) and all(
            _is_subset(a, b) for a, b in zip(small, big, strict=True))
    return small == big


def _without_allocations(obj: dict[str, Any]) -> dict[str, Any]:
    out = clone(obj)
    spec = out.get("spec")
    if spec is None:
        return out
    for field in _SERVER_SPEC_FIELDS.get(out["kind"], ()):
        spec.pop(field, None)
    if out["kind"] == "Service":
        for port in spec.get("ports", []):
            port.pop("nodePort", None)
    if out["kind"] == "Pod":  # the ServiceAccount admission's token volume and its mounts
        spec["volumes"] = [v for v in spec.get("volumes", []) if not v["name"].startswith("kube-api-access-")]
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            c["volumeMounts"] = [m for m in c.get("volumeMounts", []) if not m["name"].startswith("kube-api-access-")]
        for key in ("volumes",):
            if not spec[key]:
                del spec[key]
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            if not c["volumeMounts"]:
                del c["volumeMounts"]
    return out


@settings(max_examples=80, deadline=None)
@given(_objects)
def test_create_then_get_keeps_the_input(obj: dict[str, Any]) -> None:
    api = APIServer(MemoryStore(), Clock(), random.Random(0))
    api.bootstrap()
    api.create(obj)
    stored = api.get(obj["kind"].lower() + "s", obj["metadata"]["name"])
    assert _is_subset(obj, stored)
    assert set(stored["metadata"]) - set(obj["metadata"]) <= _SERVER_METADATA
    expected = clone(obj)
    expected["metadata"]["namespace"] = "default"
    apply_defaults(expected)
    assert _without_allocations(expected).get("spec") == _without_allocations(stored).get("spec")
    assert expected.get("data") == stored.get("data")
