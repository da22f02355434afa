"""apps/v1 defaulting: upstream's TestSetDefaultDaemonSetSpec, TestSetDefaultStatefulSet, TestSetDefaultDeployment
and TestSetDefaultReplicaSetReplicas, through kspec's apply_defaults; specs compared whole (Semantic.DeepEqual).

A Go object always carries a pod template, so an absent one is sent as ``{}`` and comes back defaulted.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kspec.api.defaults import apply_defaults
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/apps/v1/defaults_test.go"

POD_SPEC = {"dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "securityContext": {},
            "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler"}
T_LABELS = {"metadata": {"labels": {"foo": "bar"}}, "spec": POD_SPEC}
T_NO_LABEL = {"spec": POD_SPEC}
DS_ROLLING = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}


def _clean(value: Any) -> Any:
    """Go's zero values: an empty metadata block is no metadata."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not (k == "metadata" and v == {}) and v is not None}
    return value


def _defaulted(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    obj = {"apiVersion": "apps/v1", "kind": kind, "metadata": {},
           "spec": {"template": {}, **copy.deepcopy(spec)}}
    apply_defaults(obj)
    return _clean(obj["spec"])


D = "TestSetDefaultDaemonSetSpec"
DAEMONSETS = [
    case(D, "tests[0] labels change/defaulting", spec={"template": T_LABELS},
         want={"template": T_LABELS, "updateStrategy": DS_ROLLING, "revisionHistoryLimit": 10}),
    case(D, "tests[1] labels change/defaulting", spec={"template": T_LABELS, "revisionHistoryLimit": 1},
         want={"template": T_LABELS, "updateStrategy": DS_ROLLING, "revisionHistoryLimit": 1}),
    case(D, "tests[2] OnDeleteDaemonSetStrategyType update strategy",
         spec={"template": T_NO_LABEL, "updateStrategy": {"type": "OnDelete"}},
         want={"template": T_NO_LABEL, "updateStrategy": {"type": "OnDelete"}, "revisionHistoryLimit": 10}),
    case(D, "tests[3] custom unique label key", spec={},
         want={"template": T_NO_LABEL, "updateStrategy": DS_ROLLING, "revisionHistoryLimit": 10}),
]


@pytest.mark.parametrize("c", DAEMONSETS)
def test_set_default_daemonset_spec(c: dict[str, Any]) -> None:
    assert _defaulted("DaemonSet", c["spec"]) == c["want"]


def sts_want(strategy: dict[str, Any] | None = None, policy: str = "OrderedReady",
             retention: dict[str, str] | None = None, gate: bool = True) -> dict[str, Any]:
    """The expected spec; with the StatefulSetAutoDeletePVC gate off only a given retention policy appears."""
    out: dict[str, Any] = {"replicas": 1, "template": T_LABELS, "podManagementPolicy": policy,
                           "updateStrategy": strategy or {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                           "revisionHistoryLimit": 10}
    if gate or retention:
        out["persistentVolumeClaimRetentionPolicy"] = retention or {"whenDeleted": "Retain", "whenScaled": "Retain"}
    return out


def ROLL(partition: int, max_unavailable: int) -> dict[str, Any]:  # noqa: N802 - reads like the Go helper
    return {"type": "RollingUpdate", "rollingUpdate": {"partition": partition, "maxUnavailable": max_unavailable}}


_PVC_GATE_OFF = ("the case turns StatefulSetAutoDeletePVC off, so no retention policy is defaulted; the gate is "
                 "GA (locked on) and kspec always defaults Retain/Retain")
_MAX_UNAVAILABLE = ("kspec runs with MaxUnavailableStatefulSet off, so rollingUpdate.maxUnavailable is not "
                    "defaulted to 1")
S = "TestSetDefaultStatefulSet"
STATEFULSETS = [
    case(S, "labels and default update strategy", unmodelled=_PVC_GATE_OFF, spec={"template": T_LABELS},
         want=sts_want(gate=False)),
    case(S, "Alternate update strategy", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS, "updateStrategy": {"type": "OnDelete"}},
         want=sts_want({"type": "OnDelete"}, gate=False)),
    case(S, "Parallel pod management policy", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS, "podManagementPolicy": "Parallel"}, want=sts_want(policy="Parallel", gate=False)),
    case(S, "UpdateStrategy.RollingUpdate.Partition is not lost when UpdateStrategy.Type is not set",
         unmodelled=_PVC_GATE_OFF, spec={"template": T_LABELS, "updateStrategy": {"rollingUpdate": {"partition": 42}}},
         want=sts_want({"type": "RollingUpdate", "rollingUpdate": {"partition": 42}}, gate=False)),
    case(S, "PVC delete policy enabled, no policy specified", spec={"template": T_LABELS}, want=sts_want()),
    case(S, "PVC delete policy enabled, with scaledown policy specified",
         spec={"template": T_LABELS, "persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete"}},
         want=sts_want(retention={"whenDeleted": "Retain", "whenScaled": "Delete"})),
    case(S, "PVC delete policy disabled, with set deletion policy specified",
         spec={"template": T_LABELS, "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete"}},
         want=sts_want(retention={"whenDeleted": "Delete", "whenScaled": "Retain"})),
    case(S, "PVC delete policy disabled, with policy specified", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS, "persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete"}},
         want=sts_want(retention={"whenScaled": "Delete"}, gate=False)),
    # the MaxUnavailable cases run with StatefulSetAutoDeletePVC off as well
    case(S, "MaxUnavailable disabled, with maxUnavailable not specified", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS}, want=sts_want(gate=False)),
    case(S, "MaxUnavailable disabled, with default maxUnavailable specified", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS, "updateStrategy": {"rollingUpdate": {"partition": 0, "maxUnavailable": 1}}},
         want=sts_want(ROLL(0, 1), gate=False)),
    case(S, "MaxUnavailable disabled, with non default maxUnavailable specified", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS, "updateStrategy": {"rollingUpdate": {"partition": 42, "maxUnavailable": 3}}},
         want=sts_want(ROLL(42, 3), gate=False)),
    case(S, "MaxUnavailable enabled, with no maxUnavailable specified", unmodelled=_MAX_UNAVAILABLE,
         spec={"template": T_LABELS}, want=sts_want(ROLL(0, 1), gate=False)),
    case(S, "MaxUnavailable enabled, with non default maxUnavailable specified", unmodelled=_PVC_GATE_OFF,
         spec={"template": T_LABELS, "updateStrategy": {"rollingUpdate": {"partition": 42, "maxUnavailable": 3}}},
         want=sts_want(ROLL(42, 3), gate=False)),
]


@pytest.mark.parametrize("c", STATEFULSETS)
def test_set_default_statefulset(c: dict[str, Any]) -> None:
    assert _defaulted("StatefulSet", c["spec"]) == c["want"]


QUARTER = "25%"
DEP_TEMPLATE = {"spec": POD_SPEC}


def dep_want(replicas: int, strategy: dict[str, Any], history: int = 10, deadline: int = 600) -> dict[str, Any]:
    return {"replicas": replicas, "strategy": strategy, "revisionHistoryLimit": history,
            "progressDeadlineSeconds": deadline, "template": DEP_TEMPLATE}


def rolling(surge: Any = QUARTER, unavailable: Any = QUARTER) -> dict[str, Any]:
    return {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}


P = "TestSetDefaultDeployment"
DEPLOYMENTS = [
    case(P, "tests[0]", spec={}, want=dep_want(1, rolling())),
    case(P, "tests[1]", spec={"replicas": 5, "strategy": {"rollingUpdate": {"maxSurge": 5}}},
         want=dep_want(5, rolling(surge=5))),
    case(P, "tests[2]", spec={"replicas": 3, "strategy": {"type": "RollingUpdate"}}, want=dep_want(3, rolling())),
    case(P, "tests[3]", spec={"replicas": 5, "strategy": {"type": "Recreate"}, "revisionHistoryLimit": 0},
         want=dep_want(5, {"type": "Recreate"}, history=0)),
    case(P, "tests[4]", spec={"replicas": 5, "strategy": {"type": "Recreate"}, "progressDeadlineSeconds": 30,
                              "revisionHistoryLimit": 2},
         want=dep_want(5, {"type": "Recreate"}, history=2, deadline=30)),
]


@pytest.mark.parametrize("c", DEPLOYMENTS)
def test_set_default_deployment(c: dict[str, Any]) -> None:
    assert _defaulted("Deployment", c["spec"]) == c["want"]


R = "TestSetDefaultReplicaSetReplicas"
REPLICASETS = [
    case(R, "tests[0]", replicas=None, want=1),
    case(R, "tests[1]", replicas=0, want=0),
    case(R, "tests[2]", replicas=3, want=3),
]


@pytest.mark.parametrize("c", REPLICASETS)
def test_set_default_replicaset_replicas(c: dict[str, Any]) -> None:
    spec: dict[str, Any] = {"template": {"metadata": {"labels": {"foo": "bar"}}}}
    if c["replicas"] is not None:
        spec["replicas"] = c["replicas"]
    assert _defaulted("ReplicaSet", spec)["replicas"] == c["want"]
