"""kubernetes pkg/kubelet/status/generate_test.go: TestGeneratePodReadyCondition against kspec.kubelet.status."""

from __future__ import annotations

import pytest

from kspec.kubelet.status import containers_ready_condition, ready_condition
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/status/generate_test.go"
F = "TestGeneratePodReadyCondition"


def ready(*names: str) -> list[dict]:
    return [{"name": n, "ready": True} for n in names]


def spec(*names: str) -> dict:
    return {"containers": [{"name": n} for n in names]}


CASES = [
    case(F, "0 nil spec and statuses", spec=None, statuses=None, phase="Running",
         expected=("False", "UnknownContainerStatuses", ""),
         unreachable="a pod without a spec and a nil status list: the kubelet always has both"),
    case(F, "1 empty spec", spec={}, statuses=[], phase="Running", expected=("True", "", "")),
    case(F, "2 no status for 1234", spec=spec("1234"), statuses=[], phase="Running",
         expected=("False", "ContainersNotReady", "containers with unknown status: [1234]")),
    case(F, "3 both ready", spec=spec("1234", "5678"), statuses=ready("1234", "5678"), phase="Running",
         expected=("True", "", "")),
    case(F, "4 no status for 5678", spec=spec("1234", "5678"), statuses=ready("1234"), phase="Running",
         expected=("False", "ContainersNotReady", "containers with unknown status: [5678]")),
    case(F, "5 5678 not ready", spec=spec("1234", "5678"),
         statuses=[*ready("1234"), {"name": "5678", "ready": False}], phase="Running",
         expected=("False", "ContainersNotReady", "containers with unready status: [5678]")),
    case(F, "6 succeeded", spec=spec("1234"), statuses=[{"name": "1234", "ready": False}], phase="Succeeded",
         expected=("False", "PodCompleted", "")),
]


@pytest.mark.parametrize("data", CASES)
def test_generate_pod_ready_condition(data: dict) -> None:
    pod = {"spec": data["spec"]}
    statuses = data["statuses"]
    assert pod["spec"] is not None and statuses is not None, "GeneratePodReadyCondition(nil, nil, ...)"
    containers = containers_ready_condition(pod, [], statuses, data["phase"])
    assert ready_condition(pod, containers, []) == data["expected"]
