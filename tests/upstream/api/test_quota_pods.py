"""The pod quota evaluator: upstream's TestPodConstraintsFunc, TestPodEvaluatorUsage, TestPodEvaluatorUsageStats,
TestPodEvaluatorMatchingScopes and TestPodEvaluatorUsageResourceResize (pkg/quota/v1/evaluator/core/pods_test.go),
on kspec's ``kspec/api/quota.py``. Usage is compared as quantities (``quota.Equals``): same resource names, equal
values."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import quota
from kspec.objects import timestamp
from kspec.quantity import parse_quantity
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/quota/v1/evaluator/core/pods_test.go"

Obj = dict[str, Any]
NOW = 1_000_000_000  # the fake clock, in virtual milliseconds


def res(requests: dict | None = None, limits: dict | None = None) -> Obj:
    out: Obj = {}
    if requests:
        out["requests"] = requests
    if limits:
        out["limits"] = limits
    return out


def ctr(name: str = "", **r: Any) -> Obj:
    return {"name": name, "resources": res(r.get("requests"), r.get("limits"))}


def pod(containers: list[Obj] | None = None, init: list[Obj] | None = None, **spec: Any) -> Obj:
    body: Obj = dict(spec)
    if containers is not None:
        body["containers"] = containers
    if init is not None:
        body["initContainers"] = init
    return {"metadata": {}, "spec": body, "status": {}}


CPU12 = {"requests": {"cpu": "1m"}, "limits": {"cpu": "2m"}}
C = "TestPodConstraintsFunc"
CONSTRAINTS = [
    case(C, "init container resource missing", pod=pod(init=[ctr("dummy", **CPU12)]), required=["memory"],
         err="must specify memory for: dummy"),
    case(C, "multiple init container resource missing", pod=pod(init=[ctr("foo", **CPU12), ctr("bar", **CPU12)]),
         required=["memory"], err="must specify memory for: bar,foo"),
    case(C, "container resource missing", pod=pod([ctr("dummy", **CPU12)]), required=["memory"],
         err="must specify memory for: dummy"),
    case(C, "multiple container resource missing", pod=pod([ctr("foo", **CPU12), ctr("bar", **CPU12)]),
         required=["memory"], err="must specify memory for: bar,foo"),
    case(C, "container resource missing multiple", pod=pod([ctr("foo"), ctr("bar")]), required=["memory", "cpu"],
         err="must specify cpu for: bar,foo; memory for: bar,foo"),
    case(C, "pod-level resource set, container-level required resources missing",
         pod=pod([ctr("foo"), ctr("bar")], resources={"requests": {"cpu": "1m"}}), required=["memory", "cpu"], err=""),
]


@pytest.mark.parametrize("tc", CONSTRAINTS)
def test_pod_constraints_func(tc: dict[str, Any]) -> None:
    assert quota.pod_constraints(tc["required"], tc["pod"]) == tc["err"]


def _usage(**values: str) -> dict[str, str]:
    return {k.replace("_", "."): v for k, v in values.items()}


BIG_INIT = [ctr(requests={"cpu": "4", "memory": "100M", "example.com/dongle": "4"},
                limits={"cpu": "8", "memory": "200M", "example.com/dongle": "4"}),
            ctr(requests={"cpu": "1", "memory": "50M", "example.com/dongle": "2"},
                limits={"cpu": "2", "memory": "100M", "example.com/dongle": "2"})]
BIG = [ctr(requests={"cpu": "1", "memory": "50M", "example.com/dongle": "1"},
           limits={"cpu": "2", "memory": "100M", "example.com/dongle": "1"}),
       ctr(requests={"cpu": "2", "memory": "25M", "example.com/dongle": "2"},
           limits={"cpu": "5", "memory": "50M", "example.com/dongle": "2"})]
MEM12 = {"requests": {"memory": "1m"}, "limits": {"memory": "2m"}}
EPH = {"requests": {"ephemeral-storage": "32Mi"}, "limits": {"ephemeral-storage": "64Mi"}}
DONGLE = {"requests": {"example.com/dongle": "3"}, "limits": {"example.com/dongle": "3"}}
IMPLICIT = {"requests": {"deviceclass.resource.kubernetes.io/dongle": "3"},
            "limits": {"deviceclass.resource.kubernetes.io/dongle": "3"}}
HUGE = {"requests": {"hugepages-2Mi": "100Mi"}}
CPU_U = {"requests.cpu": "1m", "limits.cpu": "2m", "pods": "1", "cpu": "1m", "count/pods": "1"}
MEM_U = {"requests.memory": "1m", "limits.memory": "2m", "pods": "1", "memory": "1m", "count/pods": "1"}
EPH_U = {"ephemeral-storage": "32Mi", "requests.ephemeral-storage": "32Mi", "limits.ephemeral-storage": "64Mi",
         "pods": "1", "count/pods": "1"}
HUGE_U = {"hugepages-2Mi": "100Mi", "requests.hugepages-2Mi": "100Mi", "pods": "1", "count/pods": "1"}
DONGLE_U = {"requests.example.com/dongle": "3", "pods": "1", "count/pods": "1"}
IMPLICIT_U = {"requests.deviceclass.resource.kubernetes.io/dongle": "3", "pods": "1", "count/pods": "1"}


def deleting(past: bool, **cpu: Any) -> Obj:
    p = pod([ctr(**cpu)], terminationGracePeriodSeconds=30) if past else pod([ctr(**cpu)])
    p["metadata"] = {"deletionTimestamp": timestamp(NOW - 60_000 if past else NOW), "deletionGracePeriodSeconds": 30}
    p["status"] = {"reason": "NodeLost"}
    return p


U = "TestPodEvaluatorUsage"
USAGE = [
    case(U, "init container CPU", pod=pod(init=[ctr(**CPU12)]), usage=CPU_U),
    case(U, "init container MEM", pod=pod(init=[ctr(**MEM12)]), usage=MEM_U),
    case(U, "init container local ephemeral storage", pod=pod(init=[ctr(**EPH)]), usage=EPH_U),
    case(U, "init container hugepages", pod=pod(init=[ctr(**HUGE)]), usage=HUGE_U),
    case(U, "init container extended resources", pod=pod(init=[ctr(**DONGLE)]), usage=DONGLE_U),
    case(U, "init container implicit extended resources", pod=pod(init=[ctr(**IMPLICIT)]), usage=IMPLICIT_U),
    case(U, "container CPU", pod=pod([ctr(**CPU12)]), usage=CPU_U),
    case(U, "container MEM", pod=pod([ctr(**MEM12)]), usage=MEM_U),
    case(U, "container local ephemeral storage", pod=pod([ctr(**EPH)]), usage=EPH_U),
    case(U, "container hugepages", pod=pod([ctr(**HUGE)]), usage=HUGE_U),
    case(U, "container extended resources", pod=pod([ctr(**DONGLE)]), usage=DONGLE_U),
    case(U, "container implicit extended resources", pod=pod([ctr(**IMPLICIT)]), usage=IMPLICIT_U),
    case(U, "terminated generic count still appears",
         pod={**pod([ctr(**DONGLE)]), "status": {"phase": "Succeeded"}}, usage={"count/pods": "1"}),
    case(U, "init container maximums override sum of containers", pod=pod(BIG, init=BIG_INIT),
         usage={"requests.cpu": "4", "requests.memory": "100M", "limits.cpu": "8", "limits.memory": "200M",
                "pods": "1", "cpu": "4", "memory": "100M", "requests.example.com/dongle": "4", "count/pods": "1"}),
    case(U, "pod deletion timestamp exceeded",
         pod=deleting(True, requests={"cpu": "1", "memory": "50M"}, limits={"cpu": "2", "memory": "100M"}),
         usage={"count/pods": "1"}),
    case(U, "pod deletion timestamp not exceeded",
         pod=deleting(False, requests={"cpu": "1"}, limits={"cpu": "2"}),
         usage={"requests.cpu": "1", "limits.cpu": "2", "pods": "1", "cpu": "1", "count/pods": "1"}),
    case(U, "count pod overhead as usage",
         pod=pod([ctr(requests={"cpu": "1"}, limits={"cpu": "2"})], overhead={"cpu": "1"}),
         usage={"requests.cpu": "2", "limits.cpu": "3", "pods": "1", "cpu": "2", "count/pods": "1"}),
    case(U, "pod-level CPU", pod=pod(resources=CPU12), usage=CPU_U),
    case(U, "pod-level Memory", pod=pod(resources={"requests": {"memory": "1Mi"}, "limits": {"memory": "2Mi"}}),
         usage={"requests.memory": "1Mi", "limits.memory": "2Mi", "pods": "1", "memory": "1Mi", "count/pods": "1"}),
    case(U, "pod-level memory with container-level ephemeral storage",
         pod=pod([ctr(**EPH)], resources={"requests": {"memory": "1Mi"}, "limits": {"memory": "2Mi"}}),
         usage={**EPH_U, "requests.memory": "1Mi", "limits.memory": "2Mi", "memory": "1Mi"}),
]


def _resized(spec_req: dict, spec_lim: dict, status_req: dict | None) -> Obj:
    p = pod([ctr(requests=spec_req, limits=spec_lim)])
    p["status"] = {"containerStatuses": [{"name": "", **({"resources": {"requests": status_req}}
                                                          if status_req is not None else {})}]}
    return p


R = "TestPodEvaluatorUsageResourceResize"
USAGE += [
    case(R, "verify Max(Container.Spec.Requests, ContainerStatus.Resources) for memory resource",
         pod=_resized({"memory": "200Mi"}, {"memory": "400Mi"}, {"memory": "150Mi"}),
         usage={"requests.memory": "200Mi", "limits.memory": "400Mi", "pods": "1", "memory": "200Mi",
                "count/pods": "1"}),
    case(R, "verify Max(Container.Spec.Requests, ContainerStatus.Resources) for CPU resource",
         pod=_resized({"cpu": "100m"}, {"cpu": "200m"}, {"cpu": "150m"}),
         usage={"requests.cpu": "150m", "limits.cpu": "200m", "pods": "1", "cpu": "150m", "count/pods": "1"}),
    case(R, "verify Max(Container.Spec.Requests, ContainerStatus.Resources) for CPU and memory resource",
         pod=_resized({"cpu": "100m", "memory": "200Mi"}, {"cpu": "200m", "memory": "400Mi"},
                      {"cpu": "150m", "memory": "250Mi"}),
         usage={"requests.cpu": "150m", "limits.cpu": "200m", "requests.memory": "250Mi", "limits.memory": "400Mi",
                "pods": "1", "cpu": "150m", "memory": "250Mi", "count/pods": "1"}),
    case(R, "verify Max(Container.Spec.Requests, ContainerStatus.Resources==nil) for CPU and memory resource",
         pod=_resized({"cpu": "100m", "memory": "200Mi"}, {"cpu": "200m", "memory": "400Mi"}, None),
         usage={"requests.cpu": "100m", "limits.cpu": "200m", "requests.memory": "200Mi", "limits.memory": "400Mi",
                "pods": "1", "cpu": "100m", "memory": "200Mi", "count/pods": "1"}),
]


def _equal(want: dict[str, str], got: dict[str, Any]) -> bool:
    """quota.Equals."""
    return set(want) == set(got) and all(parse_quantity(want[k]) == parse_quantity(str(got[k])) for k in want)


@pytest.mark.parametrize("tc", USAGE)
def test_pod_evaluator_usage(tc: dict[str, Any]) -> None:
    got = quota.pod_usage(tc["pod"], NOW)
    assert _equal(tc["usage"], got), {k: str(v) for k, v in got.items()}


def make_pod(name: str, pc: str, cpu: str | None, phase: str) -> Obj:
    """makePod."""
    rl = {"cpu": cpu} if cpu else {}
    spec: Obj = {"containers": [{"name": "", "resources": res(rl, rl)}]}
    if pc:
        spec["priorityClassName"] = pc
    return {"metadata": {"name": name}, "spec": spec, "status": {"phase": phase}}


HIGH = {"scopeName": "PriorityClass", "operator": "In", "values": ["high-priority"]}
S = "TestPodEvaluatorUsageStats"
STATS = [
    case(S, "nil case", objs=[], scopes=[], selector=[], want={}),
    case(S, "all pods in running state", objs=[make_pod("p1", "", "1", "Running"), make_pod("p2", "", "1", "Running")],
         scopes=[], selector=[],
         want={"pods": "2", "count/pods": "2", "cpu": "2", "requests.cpu": "2", "limits.cpu": "2"}),
    case(S, "one pods in terminal state",
         objs=[make_pod("p1", "", "1", "Running"), make_pod("p2", "", "1", "Succeeded")], scopes=[], selector=[],
         want={"pods": "1", "count/pods": "2", "cpu": "1", "requests.cpu": "1", "limits.cpu": "1"}),
    case(S, "partial pods matching quotaScopeSelector",
         objs=[make_pod("p1", "high-priority", "1", "Running"), make_pod("p2", "high-priority", "1", "Succeeded"),
               make_pod("p3", "low-priority", "1", "Running")], scopes=[], selector=[HIGH],
         want={"pods": "1", "count/pods": "2", "cpu": "1", "requests.cpu": "1", "limits.cpu": "1"}),
    case(S, "partial pods matching quotaScopeSelector - w/ scopeName specified",
         objs=[make_pod("p1", "high-priority", "1", "Running"), make_pod("p2", "high-priority", "1", "Succeeded"),
               make_pod("p3", "low-priority", "1", "Running")], scopes=["PriorityClass"], selector=[HIGH],
         want={"pods": "1", "count/pods": "2", "cpu": "1", "requests.cpu": "1", "limits.cpu": "1"}),
    case(S, "partial pods matching quotaScopeSelector - w/ multiple scopeNames specified",
         objs=[make_pod("p1", "high-priority", "1", "Running"), make_pod("p2", "high-priority", "1", "Succeeded"),
               make_pod("p3", "low-priority", "1", "Running"), make_pod("p4", "high-priority", None, "Failed")],
         scopes=["PriorityClass", "BestEffort"], selector=[HIGH], want={"count/pods": "1"}),
]


@pytest.mark.parametrize("tc", STATS)
def test_pod_evaluator_usage_stats(tc: dict[str, Any]) -> None:
    rq = {"spec": {"scopes": tc["scopes"], "scopeSelector": {"matchExpressions": tc["selector"]}}}
    selectors = quota.scope_selectors(rq)
    used: dict[str, Any] = {}
    for p in tc["objs"]:
        if all(quota.pod_matches_scope(s, p) for s in selectors):
            used = quota.add(used, quota.pod_usage(p, NOW))
    assert _equal(tc["want"], used), {k: str(v) for k, v in used.items()}


ADS = {"activeDeadlineSeconds": 30}
TERM = {"scopeName": "Terminating"}
NOT_TERM = {"scopeName": "NotTerminating"}
BE = {"scopeName": "BestEffort"}
NOT_BE = {"scopeName": "NotBestEffort"}
PC1 = {"scopeName": "PriorityClass", "operator": "In", "values": ["class1"]}
XNS = {"scopeName": "CrossNamespacePodAffinity"}


def affinity(kind: str, when: str, term: Obj) -> Obj:
    body = {"podAffinityTerm": term} if when == "preferredDuringSchedulingIgnoredDuringExecution" else term
    return {**ADS, "affinity": {kind: {when: [body]}}}


REQ, PREF = "requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"
M = "TestPodEvaluatorMatchingScopes"
SCOPES = [
    case(M, "EmptyPod", pod=pod(), selectors=None, want=[NOT_TERM, BE]),
    case(M, "PriorityClass", pod=pod(priorityClassName="class1"), selectors=None, want=[NOT_TERM, BE, PC1]),
    case(M, "NotBestEffort", pod=pod([ctr(requests={"cpu": "1", "memory": "50M", "example.com/dongle": "1"},
                                          limits={"cpu": "2", "memory": "100M", "example.com/dongle": "1"})]),
         selectors=None, want=[NOT_TERM, NOT_BE]),
    case(M, "Terminating", pod=pod(**ADS), selectors=None, want=[TERM, BE]),
    case(M, "OnlyTerminating", pod=pod(**ADS), selectors=[TERM], want=[TERM]),
    case(M, "CrossNamespaceRequiredAffinity",
         pod=pod(**affinity("podAffinity", REQ, {"labelSelector": {}, "namespaces": ["ns1"], "namespaceSelector": {}})),
         selectors=None, want=[TERM, BE, XNS]),
    case(M, "CrossNamespaceRequiredAffinityWithSlice",
         pod=pod(**affinity("podAffinity", REQ, {"labelSelector": {}, "namespaces": ["ns1"]})),
         selectors=None, want=[TERM, BE, XNS]),
    case(M, "CrossNamespacePreferredAffinity",
         pod=pod(**affinity("podAffinity", PREF,
                            {"labelSelector": {}, "namespaces": ["ns2"], "namespaceSelector": {}})),
         selectors=None, want=[TERM, BE, XNS]),
    case(M, "CrossNamespacePreferredAffinityWithSelector",
         pod=pod(**affinity("podAffinity", PREF, {"labelSelector": {}, "namespaceSelector": {}})),
         selectors=None, want=[TERM, BE, XNS]),
    case(M, "CrossNamespacePreferredAntiAffinity",
         pod=pod(**affinity("podAntiAffinity", PREF, {"labelSelector": {}, "namespaceSelector": {}})),
         selectors=None, want=[TERM, BE, XNS]),
    case(M, "CrossNamespaceRequiredAntiAffinity",
         pod=pod(**affinity("podAntiAffinity", REQ, {"labelSelector": {}, "namespaces": ["ns3"]})),
         selectors=None, want=[TERM, BE, XNS]),
]


@pytest.mark.parametrize("tc", SCOPES)
def test_pod_evaluator_matching_scopes(tc: dict[str, Any]) -> None:
    selectors = tc["selectors"] or [TERM, NOT_TERM, BE, NOT_BE, PC1, XNS]
    assert [s for s in selectors if quota.pod_matches_scope(s, tc["pod"])] == tc["want"]
