"""kubernetes pkg/kubelet/kubelet_pods_test.go: the TestPodPhaseWith* tables of getPhase against kspec.

Upstream hands getPhase one list of init and regular container statuses; kspec's get_phase takes them apart,
as the test's pods keep them (InitContainerStatuses, ContainerStatuses).
"""

from __future__ import annotations

import pytest

from kspec.kubelet.status import get_phase
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/kubelet_pods_test.go"


def state(kind: str, name: str) -> dict:
    """waitingState, waitingStateWithLastTermination, ..., as container statuses."""
    return {
        "waiting": {"name": name, "state": {"waiting": {}}},
        "waitingLastTermination": {"name": name, "state": {"waiting": {}},
                                   "lastState": {"terminated": {"exitCode": 0}}},
        "waitingNonZeroTermination": {"name": name, "state": {"waiting": {}},
                                      "lastState": {"terminated": {"exitCode": -1}}},
        "running": {"name": name, "state": {"running": {}}},
        "started": {"name": name, "state": {"running": {}}, "started": True},
        "stopped": {"name": name, "state": {"terminated": {}}},
        "succeeded": {"name": name, "state": {"terminated": {"exitCode": 0}}},
        "failed": {"name": name, "state": {"terminated": {"exitCode": -1}}},
    }[kind]


def spec(policy: str, inits: tuple = ()) -> dict:
    """desiredState: containers A and B, the given init containers (name, sidecar)."""
    out: dict = {"nodeName": "machine", "restartPolicy": policy,
                 "containers": [{"name": "containerA"}, {"name": "containerB"}]}
    if inits:
        out["initContainers"] = [{"name": n, **({"restartPolicy": "Always"} if sidecar else {})}
                                 for n, sidecar in inits]
    return out


SIDECAR = ("a sidecar still running after the main containers finished (the kubelet then stops it): kspec's "
           "kubelet does not stop sidecars, so its getPhase leaves them out")


def table(func: str, policy: str, inits: tuple, rows: list[tuple], containers: list[str] | None = None) -> list:
    """rows: (init states, regular states, pod is terminal, expected phase, test name[, reason not passing])."""
    out = []
    for init, regular, terminal, phase, name, *why in rows:
        s = spec(policy, inits)
        if containers is not None:
            s["containers"] = [{"name": n} for n in containers]
        out.append(case(func, name, spec=s, inits=[state(k, n) for n, k in init],
                         regular=[state(k, n) for n, k in regular], terminal=terminal, phase=phase,
                         **({"unmodelled": why[0]} if why else {})))
    return out


A, B, X, Y = "containerA", "containerB", "containerX", "containerY"
CASES = [
    *table("TestPodPhaseWithRestartAlways", "Always", (), [
        ((), (), False, "Pending", "waiting"),
        ((), ((A, "running"), (B, "running")), False, "Running", "all running"),
        ((), ((A, "stopped"), (B, "stopped")), False, "Running", "all stopped with restart always"),
        ((), ((A, "succeeded"), (B, "succeeded")), True, "Succeeded",
         "all succeeded with restart always, but the pod is terminal"),
        ((), ((A, "succeeded"), (B, "failed")), True, "Failed",
         "all stopped with restart always, but the pod is terminal"),
        ((), ((A, "running"), (B, "stopped")), False, "Running", "mixed state #1 with restart always"),
        ((), ((A, "running"),), False, "Pending", "mixed state #2 with restart always"),
        ((), ((A, "running"), (B, "waiting")), False, "Pending", "mixed state #3 with restart always"),
        ((), ((A, "running"), (B, "waitingLastTermination")), False, "Running",
         "backoff crashloop container with restart always"),
    ]),
    *table("TestPodPhaseWithRestartAlwaysInitContainers", "Always", ((X, False),), [
        ((), (), False, "Pending", "empty, waiting"),
        (((X, "running"),), (), False, "Pending", "init container running"),
        (((X, "failed"),), (), False, "Pending", "init container terminated non-zero"),
        (((X, "waitingLastTermination"),), (), False, "Pending", "init container waiting, terminated zero"),
        (((X, "waitingNonZeroTermination"),), (), False, "Pending", "init container waiting, terminated non-zero"),
        (((X, "waiting"),), (), False, "Pending", "init container waiting, not terminated"),
        (((X, "succeeded"),), ((A, "running"), (B, "running")), False, "Running", "init container succeeded"),
    ]),
    *table("TestPodPhaseWithRestartAlwaysRestartableInitContainers", "Always", ((X, True),), [
        ((), (), False, "Pending", "empty, waiting"),
        (((X, "running"),), (), False, "Pending", "restartable init container running"),
        (((X, "stopped"),), (), False, "Pending", "restartable init container stopped"),
        (((X, "waitingLastTermination"),), (), False, "Pending",
         "restartable init container waiting, terminated zero"),
        (((X, "waitingNonZeroTermination"),), (), False, "Pending",
         "restartable init container waiting, terminated non-zero"),
        (((X, "waiting"),), (), False, "Pending", "restartable init container waiting, not terminated"),
        (((X, "started"),), ((A, "running"),), False, "Pending",
         "restartable init container started, 1/2 regular container running"),
        (((X, "started"),), ((A, "running"), (B, "running")), False, "Running",
         "restartable init container started, all regular containers running"),
        (((X, "running"),), ((A, "running"), (B, "running")), False, "Running",
         "restartable init container running, all regular containers running"),
        (((X, "stopped"),), ((A, "running"), (B, "running")), False, "Running",
         "restartable init container stopped, all regular containers running"),
        (((X, "waitingLastTermination"),), ((A, "running"), (B, "running")), False, "Running",
         "backoff crashloop restartable init container, all regular containers running"),
        (((X, "failed"),), ((A, "succeeded"), (B, "succeeded")), True, "Succeeded",
         "all regular containers succeeded and restartable init container failed with restart always, but the pod "
         "is terminal"),
        (((X, "succeeded"),), ((A, "succeeded"), (B, "succeeded")), True, "Succeeded",
         "all regular containers succeeded and restartable init container succeeded with restart always, but the "
         "pod is terminal"),
    ]),
    *table("TestPodPhaseWithRestartAlwaysAndPodHasRun", "Always", ((X, False), (Y, True)), [
        (((X, "running"), (Y, "running")), ((A, "running"),), False, "Pending",
         "regular init containers, restartable init container and regular container are all running"),
        (((X, "running"), (Y, "running")), ((A, "stopped"),), False, "Pending",
         "regular containers is stopped, restartable init container and regular int container are both running"),
        (((X, "succeeded"), (Y, "running")), ((A, "stopped"),), False, "Running",
         "regular init container is succeeded, restartable init container is running, regular containers is "
         "stopped"),
        (((X, "succeeded"), (Y, "running")), ((A, "running"),), False, "Running",
         "regular init container is succeeded, restartable init container and regular containers are both "
         "running"),
    ], containers=[A]),
    *table("TestPodPhaseWithRestartNever", "Never", (), [
        ((), (), False, "Pending", "waiting"),
        ((), ((A, "running"), (B, "running")), False, "Running", "all running with restart never"),
        ((), ((A, "succeeded"), (B, "succeeded")), False, "Succeeded", "all succeeded with restart never"),
        ((), ((A, "failed"), (B, "failed")), False, "Failed", "all failed with restart never"),
        ((), ((A, "running"), (B, "succeeded")), False, "Running", "mixed state #1 with restart never"),
        ((), ((A, "running"),), False, "Pending", "mixed state #2 with restart never"),
        ((), ((A, "running"), (B, "waiting")), False, "Pending", "mixed state #3 with restart never"),
    ]),
    *table("TestPodPhaseWithRestartNeverInitContainers", "Never", ((X, False),), [
        ((), (), False, "Pending", "empty, waiting"),
        (((X, "running"),), (), False, "Pending", "init container running"),
        (((X, "failed"),), (), False, "Failed", "init container terminated non-zero"),
        (((X, "waitingLastTermination"),), (), False, "Pending", "init container waiting, terminated zero"),
        (((X, "waitingNonZeroTermination"),), (), False, "Failed", "init container waiting, terminated non-zero"),
        (((X, "waiting"),), (), False, "Pending", "init container waiting, not terminated"),
        (((X, "succeeded"),), ((A, "running"), (B, "running")), False, "Running", "init container succeeded"),
    ]),
    *table("TestPodPhaseWithRestartNeverRestartableInitContainers", "Never", ((X, True),), [
        ((), (), False, "Pending", "empty, waiting"),
        (((X, "running"),), (), False, "Pending", "restartable init container running"),
        (((X, "stopped"),), (), False, "Pending", "restartable init container stopped"),
        (((X, "waitingLastTermination"),), (), False, "Pending",
         "restartable init container waiting, terminated zero"),
        (((X, "waitingNonZeroTermination"),), (), False, "Pending",
         "restartable init container waiting, terminated non-zero"),
        (((X, "waiting"),), (), False, "Pending", "restartable init container waiting, not terminated"),
        (((X, "started"),), ((A, "running"),), False, "Pending",
         "restartable init container started, one main container running"),
        (((X, "started"),), ((A, "succeeded"), (B, "succeeded")), False, "Running",
         "restartable init container started, main containers succeeded", SIDECAR),
        (((X, "running"),), ((A, "succeeded"), (B, "succeeded")), False, "Running",
         "restartable init container running, main containers succeeded", SIDECAR),
        (((X, "succeeded"),), ((A, "succeeded"), (B, "succeeded")), False, "Succeeded", "all containers succeeded"),
        (((X, "failed"),), ((A, "succeeded"), (B, "succeeded")), False, "Succeeded",
         "restartable init container terminated non-zero, main containers succeeded"),
        (((X, "waitingLastTermination"),), ((A, "succeeded"), (B, "succeeded")), False, "Succeeded",
         "backoff crashloop restartable init container, main containers succeeded"),
        (((X, "waitingNonZeroTermination"),), ((A, "succeeded"), (B, "succeeded")), False, "Succeeded",
         "backoff crashloop with non-zero restartable init container, main containers succeeded"),
    ]),
    *table("TestPodPhaseWithRestartOnFailure", "OnFailure", (), [
        ((), (), False, "Pending", "waiting"),
        ((), ((A, "running"), (B, "running")), False, "Running", "all running with restart onfailure"),
        ((), ((A, "succeeded"), (B, "succeeded")), False, "Succeeded", "all succeeded with restart onfailure"),
        ((), ((A, "failed"), (B, "failed")), False, "Running", "all failed with restart never"),
        ((), ((A, "running"), (B, "succeeded")), False, "Running", "mixed state #1 with restart onfailure"),
        ((), ((A, "running"),), False, "Pending", "mixed state #2 with restart onfailure"),
        ((), ((A, "running"), (B, "waiting")), False, "Pending", "mixed state #3 with restart onfailure"),
        ((), ((A, "running"), (B, "waitingLastTermination")), False, "Running",
         "backoff crashloop container with restart onfailure"),
    ]),
]


@pytest.mark.parametrize("data", CASES)
def test_get_phase(data: dict) -> None:
    pod = {"spec": data["spec"]}
    assert get_phase(pod, data["inits"], data["regular"], data["terminal"]) == data["phase"]
