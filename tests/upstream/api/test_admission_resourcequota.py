"""The ResourceQuota admission plugin against a quota with a recorded status: upstream's
plugin/pkg/admission/resourcequota/admission_test.go, each test a scenario run through kspec's API server (the
quotas stored with their status as the controller would have left it, then the pod created). Upstream's
``validPod`` leaves container names empty; here they are named, as kspec validates before admission."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kspec.api.server import APIServer
from kspec.clock import Clock
from kspec.errors import ApiError
from kspec.quantity import canonical
from kspec.store import MemoryStore
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes plugin/pkg/admission/resourcequota/admission_test.go"

Obj = dict[str, Any]


def rl(cpu: str = "", memory: str = "") -> dict[str, str]:
    """getResourceList."""
    return {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}


def quota(name: str, hard: dict, used: dict, scopes: list[str] | None = None, ns: str = "test") -> Obj:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": ns},
            "spec": {"hard": dict(hard), **({"scopes": scopes} if scopes else {})},
            "status": {"hard": dict(hard), "used": dict(used)}}


def valid_pod(name: str, requests: dict, limits: dict, **spec: Any) -> Obj:
    """validPod with one container."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "test"},
            "spec": {"containers": [{"name": "c0", "image": "foo:V0",
                                     "resources": {"requests": requests, "limits": limits}}], **spec}}


def admit(quotas: list[Obj], pod: Obj) -> tuple[ApiError | None, dict[str, dict[str, str]]]:
    api = APIServer(MemoryStore(), Clock(), random.Random(0))
    for ns in ("test", "other"):
        api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for q in quotas:
        api.store.create("resourcequotas", q)
    error = None
    try:
        api.create(pod)
    except ApiError as exc:
        error = exc
    used = {q["metadata"]["name"]: dict(q["status"]["used"]) for q in api.store.list("resourcequotas")}
    return error, used


HARD = {"cpu": "3", "memory": "100Gi", "pods": "5"}
USED = {"cpu": "1", "memory": "50Gi", "pods": "3"}
AFTER = {"cpu": "1100m", "memory": "52Gi", "pods": "4"}
HARD_LIM = {"cpu": "3", "memory": "100Gi", "limits.memory": "200Gi", "pods": "5"}
USED_LIM = {"cpu": "1", "memory": "50Gi", "limits.memory": "100Gi", "pods": "3"}

CASES = [
    case("TestAdmissionIgnoresSubresources", "", quotas=[quota("quota", {"memory": "2Gi"}, {"memory": "1Gi"})],
         pod=valid_pod("123", rl("100m", "2Gi"), {}), rejected=True, used={}),
    case("TestAdmitBelowQuotaLimit", "", quotas=[quota("quota", HARD, USED)],
         pod=valid_pod("allowed-pod", rl("100m", "2Gi"), {}), rejected=False, used={"quota": AFTER}),
    case("TestAdmitExceedQuotaLimit", "", quotas=[quota("quota", HARD, USED)],
         pod=valid_pod("not-allowed-pod", rl("3", "2Gi"), {}), rejected=True, used={"quota": USED}),
    case("TestAdmitEnforceQuotaConstraints", "", quotas=[quota("quota", HARD_LIM, USED_LIM)],
         pod=valid_pod("not-allowed-pod", rl("100m", "2Gi"), rl("200m")), rejected=True, used={"quota": USED_LIM}),
    case("TestAdmitPodInNamespaceWithoutQuota", "", quotas=[quota("quota", HARD_LIM, USED_LIM, ns="other")],
         pod=valid_pod("not-allowed-pod", rl("100m", "2Gi"), rl("200m")), rejected=False, used={"quota": USED_LIM}),
    case("TestAdmitBelowTerminatingQuotaLimit", "",
         quotas=[quota("quota-non-terminating", HARD, USED, ["NotTerminating"]),
                 quota("quota-terminating", HARD, USED, ["Terminating"])],
         pod=valid_pod("allowed-pod", rl("100m", "2Gi"), {}, activeDeadlineSeconds=30), rejected=False,
         used={"quota-terminating": AFTER, "quota-non-terminating": USED}),
    case("TestAdmitBelowBestEffortQuotaLimit", "",
         quotas=[quota("quota-besteffort", {"pods": "5"}, {"pods": "3"}, ["BestEffort"]),
                 quota("quota-not-besteffort", {"pods": "5"}, {"pods": "3"}, ["NotBestEffort"])],
         pod=valid_pod("allowed-pod", {}, {}), rejected=False,
         used={"quota-besteffort": {"pods": "4"}, "quota-not-besteffort": {"pods": "3"}}),
    case("TestAdmitBestEffortQuotaLimitIgnoresBurstable", "",
         quotas=[quota("quota-besteffort", {"pods": "5"}, {"pods": "3"}, ["BestEffort"])],
         pod=valid_pod("allowed-pod", rl("100m", "1Gi"), {}), rejected=False, used={"quota-besteffort": {"pods": "3"}}),
    case("TestAdmissionSetsMissingNamespace", "", quotas=[quota("quota", {"cpu": "3"}, {"cpu": "1"})],
         pod={**valid_pod("pod-without-namespace", rl("1", "2Gi"), {}),
              "metadata": {"name": "pod-without-namespace", "namespace": "test"}},
         rejected=False, used={"quota": {"cpu": "2"}}),
]


@pytest.mark.parametrize("tc", CASES)
def test_admission(tc: dict[str, Any]) -> None:
    error, used = admit(tc["quotas"], tc["pod"])
    assert (error is not None) == tc["rejected"], error
    for name, want in tc["used"].items():
        assert {k: canonical(v) for k, v in used[name].items()} == want
