"""kubernetes pkg/controller/daemon/daemon_controller_test.go: TestNodeShouldRunDaemonPod against kspec's should_run.

Each case runs once per update strategy upstream; kspec's answer does not depend on the strategy, so each
table entry is one case here, named by its index and predicateName.
"""

from __future__ import annotations

import pytest

from kspec.controllers.daemonset import should_run
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/daemon/daemon_controller_test.go"
F = "TestNodeShouldRunDaemonPod"

SIMPLE = {"name": "simple-daemon", "type": "production"}  # simpleDaemonSetLabel
SIMPLE2 = {"name": "simple-daemon", "type": "test"}  # simpleDaemonSetLabel2


def resource_spec(node: str, memory: str, cpu: str) -> dict:
    """resourcePodSpec."""
    spec: dict = {"containers": [{"resources": {"requests": {"memory": memory, "cpu": cpu}}}]}
    if node:
        spec["nodeName"] = node
    return spec


def affinity(value: str) -> dict:
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "type", "operator": "In", "values": [value]}]}]}}}}


HOST_PORT = {"containers": [{"ports": [{"hostPort": 666}]}]}
CASES = [case(F, f"{i} {name}", spec=spec, unschedulable=unsched, run=run, keep=keep)
         for i, (name, spec, unsched, run, keep) in enumerate([
             ("ShouldRunDaemonPod", resource_spec("", "50M", "0.5"), False, True, True),
             ("InsufficientResourceError", resource_spec("", "200M", "0.5"), False, True, True),
             ("ErrPodNotMatchHostName", resource_spec("other-node", "50M", "0.5"), False, False, False),
             ("ErrPodNotFitsHostPorts", HOST_PORT, False, True, True),
             ("InsufficientResourceError", resource_spec("", "100M", "0.5"), False, True, True),
             ("ShouldRunDaemonPod", resource_spec("", "50M", "0.5"), False, True, True),
             ("ErrNodeSelectorNotMatch", {"nodeSelector": SIMPLE2}, False, False, False),
             ("ShouldRunDaemonPod", {"nodeSelector": SIMPLE}, False, True, True),
             ("ErrPodAffinityNotMatch", affinity("test"), False, False, False),
             ("ShouldRunDaemonPod", affinity("production"), False, True, True),
             ("ShouldRunDaemonPodOnUnschedulableNode", resource_spec("", "50M", "0.5"), True, True, True),
         ])]


@pytest.mark.parametrize("data", CASES)
def test_node_should_run_daemon_pod(data: dict) -> None:
    node = {"metadata": {"name": "test-node", "labels": dict(SIMPLE)},
            "spec": {"unschedulable": True} if data["unschedulable"] else {},
            "status": {"allocatable": {"memory": "100M", "cpu": "1"}}}
    assert should_run(data["spec"], node) == (data["run"], data["keep"])
