"""The LimitRanger admission plugin: upstream's TestDefaultContainerResourceRequirements,
TestMergePodResourceRequirements, TestPodLimitFunc and TestPodLimitFuncApplyDefault
(plugin/pkg/admission/limitranger/admission_test.go). ``PodLimitFunc`` there merges the defaults of the
LimitRange's Container items into the pod, then checks every bound: kspec's ``limitranger`` does the same in its
mutating (``merge_pod_defaults``) and validating (``pod_errors``) halves."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import limitranger
from kspec.quantity import canonical
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes plugin/pkg/admission/limitranger/admission_test.go"

Obj = dict[str, Any]


def rl(cpu: str = "", memory: str = "") -> dict[str, str]:
    """getResourceList."""
    out = {}
    if cpu:
        out["cpu"] = cpu
    if memory:
        out["memory"] = memory
    return out


def limit_range(limit_type: str, min_: dict | None = None, max_: dict | None = None, default: dict | None = None,
                default_request: dict | None = None, ratio: dict | None = None) -> Obj:
    """createLimitRange."""
    item: Obj = {"type": limit_type}
    for key, value in (("min", min_), ("max", max_), ("default", default), ("defaultRequest", default_request),
                       ("maxLimitRequestRatio", ratio)):
        if value:
            item[key] = value
    return {"metadata": {"name": "abc", "namespace": "test"}, "spec": {"limits": [item]}}


def valid_limit_range() -> Obj:
    """validLimitRange."""
    return {"metadata": {"name": "abc", "namespace": "test"}, "spec": {"limits": [
        {"type": "Pod", "max": rl("200m", "4Gi"), "min": rl("50m", "2Mi")},
        {"type": "Container", "max": rl("100m", "2Gi"), "min": rl("25m", "1Mi"), "default": rl("75m", "10Mi"),
         "defaultRequest": rl("50m", "5Mi")}]}}


def pod(name: str, n: int, requests: dict, limits: dict) -> Obj:
    """validPod."""
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "test"},
            "spec": {"containers": [{"name": f"foo-{i}", "image": f"foo:V{i}",
                                     "resources": {"requests": dict(requests), "limits": dict(limits)}}
                                    for i in range(n)]}}


def pod_limit_func(lr: Obj, p: Obj) -> list[str]:
    """PodLimitFunc: merge the defaults, then every bound."""
    requests, limits = limitranger.default_requirements(lr)
    limitranger.merge_pod_defaults(p, requests, limits)
    return limitranger.pod_errors(lr, p)


def test_default_container_resource_requirements() -> None:
    """TestDefaultContainerResourceRequirements."""
    assert limitranger.default_requirements(valid_limit_range()) == (rl("50m", "5Mi"), rl("75m", "10Mi"))


M = "TestMergePodResourceRequirements"
MERGE = [
    case(M, "empty-resources", requests={}, limits={},
         expected=(rl("50m", "5Mi"), rl("75m", "10Mi")),
         annotation="LimitRanger plugin set: cpu, memory request for container foo-0; cpu, memory limit for "
                    "container foo-0"),
    case(M, "limit-memory", requests=rl("", "512Mi"), limits={},
         expected=(rl("50m", "512Mi"), rl("75m", "10Mi")),
         annotation="LimitRanger plugin set: cpu request for container foo-0; cpu, memory limit for container foo-0"),
    case(M, "all-resources", requests=rl("100m", "512Mi"), limits=rl("200m", "1G"),
         expected=(rl("100m", "512Mi"), rl("200m", "1G")), annotation=None),
]


@pytest.mark.parametrize("tc", MERGE)
def test_merge_pod_resource_requirements(tc: dict[str, Any]) -> None:
    p = pod("p", 1, tc["requests"], tc["limits"])
    requests, limits = limitranger.default_requirements(valid_limit_range())
    limitranger.merge_pod_defaults(p, requests, limits)
    res = p["spec"]["containers"][0]["resources"]
    assert (res["requests"], res["limits"]) == tc["expected"]
    assert (p["metadata"].get("annotations") or {}).get(limitranger.ANNOTATION) == tc["annotation"]


C, P = "Container", "Pod"
F = "TestPodLimitFunc"
SUCCESS = [
    ("ctr-min-cpu-request", 1, rl("100m"), {}, limit_range(C, min_=rl("50m"))),
    ("ctr-min-cpu-request-limit", 1, rl("100m"), rl("200m"), limit_range(C, min_=rl("50m"))),
    ("ctr-min-memory-request", 1, rl("", "60Mi"), {}, limit_range(C, min_=rl("", "50Mi"))),
    ("ctr-min-memory-request-limit", 1, rl("", "60Mi"), rl("", "100Mi"), limit_range(C, min_=rl("", "50Mi"))),
    ("ctr-max-cpu-request-limit", 1, rl("500m"), rl("1"), limit_range(C, max_=rl("2"))),
    ("ctr-max-cpu-limit", 1, {}, rl("1"), limit_range(C, max_=rl("2"))),
    ("ctr-max-mem-request-limit", 1, rl("", "250Mi"), rl("", "500Mi"), limit_range(C, max_=rl("", "1Gi"))),
    ("ctr-max-cpu-ratio", 1, rl("500m"), rl("750m"), limit_range(C, ratio=rl("1.5"))),
    ("ctr-max-mem-limit", 1, {}, rl("", "500Mi"), limit_range(C, max_=rl("", "1Gi"))),
    ("pod-min-cpu-request", 2, rl("75m"), {}, limit_range(P, min_=rl("100m"))),
    ("pod-min-cpu-request-limit", 2, rl("75m"), rl("200m"), limit_range(P, min_=rl("100m"))),
    ("pod-min-memory-request", 2, rl("", "60Mi"), {}, limit_range(P, min_=rl("", "100Mi"))),
    ("pod-min-memory-request-limit", 2, rl("", "60Mi"), rl("", "100Mi"), limit_range(P, min_=rl("", "100Mi"))),
    ("pod-max-cpu-request-limit", 2, rl("500m"), rl("1"), limit_range(P, max_=rl("2"))),
    ("pod-max-cpu-limit", 2, {}, rl("1"), limit_range(P, max_=rl("2"))),
    ("pod-max-mem-request-limit", 2, rl("", "250Mi"), rl("", "500Mi"), limit_range(P, max_=rl("", "1Gi"))),
    ("pod-max-mem-limit", 2, {}, rl("", "500Mi"), limit_range(P, max_=rl("", "1Gi"))),
    ("pod-max-mem-ratio", 3, rl("", "300Mi"), rl("", "450Mi"), limit_range(P, max_=rl("", "2Gi"), ratio=rl("", "1.5"))),
]
ERRORS = [
    ("ctr-min-cpu-request", 1, rl("40m"), {}, limit_range(C, min_=rl("50m"))),
    ("ctr-min-cpu-request-limit", 1, rl("40m"), rl("200m"), limit_range(C, min_=rl("50m"))),
    ("ctr-min-cpu-no-request-limit", 1, {}, {}, limit_range(C, min_=rl("50m"))),
    ("ctr-min-memory-request", 1, rl("", "40Mi"), {}, limit_range(C, min_=rl("", "50Mi"))),
    ("ctr-min-memory-request-limit", 1, rl("", "40Mi"), rl("", "100Mi"), limit_range(C, min_=rl("", "50Mi"))),
    ("ctr-min-memory-no-request-limit", 1, {}, {}, limit_range(C, min_=rl("", "50Mi"))),
    ("ctr-max-cpu-request-limit", 1, rl("500m"), rl("2500m"), limit_range(C, max_=rl("2"))),
    ("ctr-max-cpu-limit", 1, {}, rl("2500m"), limit_range(C, max_=rl("2"))),
    ("ctr-max-cpu-no-request-limit", 1, {}, {}, limit_range(C, max_=rl("2"))),
    ("ctr-max-cpu-ratio", 1, rl("1250m"), rl("2500m"), limit_range(C, ratio=rl("1"))),
    ("ctr-max-mem-request-limit", 1, rl("", "250Mi"), rl("", "2Gi"), limit_range(C, max_=rl("", "1Gi"))),
    ("ctr-max-mem-limit", 1, {}, rl("", "2Gi"), limit_range(C, max_=rl("", "1Gi"))),
    ("ctr-max-mem-no-request-limit", 1, {}, {}, limit_range(C, max_=rl("", "1Gi"))),
    ("pod-min-cpu-request", 1, rl("75m"), {}, limit_range(P, min_=rl("100m"))),
    ("pod-min-cpu-request-limit", 1, rl("75m"), rl("200m"), limit_range(P, min_=rl("100m"))),
    ("pod-min-memory-request", 1, rl("", "60Mi"), {}, limit_range(P, min_=rl("", "100Mi"))),
    ("pod-min-memory-request-limit", 1, rl("", "60Mi"), rl("", "100Mi"), limit_range(P, min_=rl("", "100Mi"))),
    ("pod-max-cpu-request-limit", 3, rl("500m"), rl("1"), limit_range(P, max_=rl("2"))),
    ("pod-max-cpu-limit", 3, {}, rl("1"), limit_range(P, max_=rl("2"))),
    ("pod-max-mem-request-limit", 3, rl("", "250Mi"), rl("", "500Mi"), limit_range(P, max_=rl("", "1Gi"))),
    ("pod-max-mem-limit", 3, {}, rl("", "500Mi"), limit_range(P, max_=rl("", "1Gi"))),
    ("pod-max-mem-ratio", 3, rl("", "250Mi"), rl("", "500Mi"), limit_range(P, max_=rl("", "2Gi"), ratio=rl("", "1.5"))),
]
LIMIT_FUNC = ([case(F, f"success/{n}", pod=pod(n, k, r, lim), lr=lr, ok=True) for n, k, r, lim, lr in SUCCESS]
              + [case(F, f"error/{n}", pod=pod(n, k, r, lim), lr=lr, ok=False) for n, k, r, lim, lr in ERRORS])


@pytest.mark.parametrize("tc", LIMIT_FUNC)
def test_pod_limit_func(tc: dict[str, Any]) -> None:
    errs = pod_limit_func(tc["lr"], tc["pod"])
    assert (not errs) == tc["ok"], errs


def test_pod_limit_func_apply_default() -> None:
    """TestPodLimitFuncApplyDefault."""
    p = pod("foo", 1, {}, {})
    assert pod_limit_func(valid_limit_range(), p) == []
    res = p["spec"]["containers"][0]["resources"]
    assert [canonical(res["limits"]["memory"]), canonical(res["limits"]["cpu"]), canonical(res["requests"]["memory"]),
            canonical(res["requests"]["cpu"])] == ["10Mi", "75m", "5Mi", "50m"]
