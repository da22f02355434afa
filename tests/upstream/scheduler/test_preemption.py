"""The preemption framework's own tests: upstream's pkg/scheduler/framework/preemption/preemption_test.go.

This version of the file keeps statuses in a NodeToStatusMap, where a node without a status is one preemption
might help; kspec's Diagnosis says that with its absent status, so the cases hand kspec an Unschedulable absent
status. TestDryRunPreemption's FakePostFilterPlugin (its SelectVictimsOnNode offers a node's first pod, with the
case's number of PDB violations) is a subclass of kspec's Evaluator.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.scheduler.framework import Code, CycleState, Diagnosis, Status
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.preemption import Evaluator, nodes_where_preemption_might_help
from tests.upstream.cases import case
from tests.upstream.scheduler import fakeplugins as fp

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/preemption/preemption_test.go"
U, UU = Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE
NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"  # nodeaffinity.ErrReasonPod
NODE_NAME = "node(s) didn't match the requested node name"  # nodename.ErrReason
TAINTS = "node(s) had untolerated taint(s)"  # tainttoleration.ErrReasonNotMatch
AFFINITY = "node(s) didn't match pod affinity rules"  # interpodaffinity.ErrReasonAffinityRulesNotMatch
ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"  # ...ErrReasonAntiAffinityRulesNotMatch
UNSCHEDULABLE_NODE = "node(s) were unschedulable"  # nodeunschedulable.ErrReasonUnschedulable
UNKNOWN_CONDITION = "node(s) had unknown conditions"  # nodeunschedulable.ErrReasonUnknownCondition
DISK_CONFLICT = "node(s) had no available disk"  # volumerestrictions.ErrReasonDiskConflict
VOLUME_ZONE = "node(s) had no available volume zone"  # volumezone.ErrReasonConflict
VOLUME_NODE = "node(s) had volume node affinity conflict"  # volumebinding.ErrReasonNodeConflict
VOLUME_BIND = "node(s) didn't find available persistent volumes to bind"  # volumebinding.ErrReasonBindConflict
SPREAD = "node(s) didn't match pod topology spread constraints"  # podtopologyspread.ErrReasonConstraintsNotMatch
SPREAD_LABEL = SPREAD + " (missing required label)"  # podtopologyspread.ErrReasonNodeLabelNotMatch

F = "TestNodesWherePreemptionMightHelp"
MIGHT_HELP = [
    case(F, "No node should be attempted", statuses={
        "node1": (UU, NODE_AFFINITY), "node2": (UU, NODE_NAME), "node3": (UU, TAINTS), "node4": (UU, AFFINITY)},
        expected=set()),
    case(F, "ErrReasonAntiAffinityRulesNotMatch should be tried as it indicates that the pod is unschedulable due to "
            "inter-pod anti-affinity", statuses={
                "node1": (U, ANTI_AFFINITY), "node2": (UU, NODE_NAME), "node3": (UU, UNSCHEDULABLE_NODE)},
         expected={"node1", "node4"}),
    case(F, "ErrReasonAffinityRulesNotMatch should not be tried as it indicates that the pod is unschedulable due to "
            "inter-pod affinity, but ErrReasonAntiAffinityRulesNotMatch should be tried as it indicates that the pod "
            "is unschedulable due to inter-pod anti-affinity",
         statuses={"node1": (UU, AFFINITY), "node2": (U, ANTI_AFFINITY)}, expected={"node2", "node3", "node4"}),
    case(F, "Mix of failed predicates works fine",
         statuses={"node1": (UU, DISK_CONFLICT), "node2": (U, "Insufficient memory")},
         expected={"node2", "node3", "node4"}),
    case(F, "Node condition errors should be considered unresolvable", statuses={"node1": (UU, UNKNOWN_CONDITION)},
         expected={"node2", "node3", "node4"}),
    case(F, "ErrVolume... errors should not be tried as it indicates that the pod is unschedulable due to no matching "
            "volumes for pod on node",
         statuses={"node1": (UU, VOLUME_ZONE), "node2": (UU, VOLUME_NODE), "node3": (UU, VOLUME_BIND)},
         expected={"node4"}),
    case(F, "ErrReasonConstraintsNotMatch should be tried as it indicates that the pod is unschedulable due to "
            "topology spread constraints",
         statuses={"node1": (U, SPREAD), "node2": (UU, NODE_NAME), "node3": (U, SPREAD)},
         expected={"node1", "node3", "node4"}),
    case(F, "UnschedulableAndUnresolvable status should be skipped but Unschedulable should be tried",
         statuses={"node2": (UU, ""), "node3": (U, ""), "node4": (UU, "")}, expected={"node1", "node3"}),
    case(F, "ErrReasonNodeLabelNotMatch should not be tried as it indicates that the pod is unschedulable due to node "
            "doesn't have the required label",
         statuses={"node2": (UU, SPREAD_LABEL), "node3": (U, ""), "node4": (UU, "")}, expected={"node1", "node3"}),
]


@pytest.mark.parametrize("c", MIGHT_HELP)
def test_nodes_where_preemption_might_help(c: dict[str, Any]) -> None:
    nodes = [NodeInfo(fp.node(n)) for n in ("node1", "node2", "node3", "node4")]
    diagnosis = Diagnosis(node_statuses={n: Status(code, reason) for n, (code, reason) in c["statuses"].items()},
                          absent_status=Status(U))  # a node missing from a NodeToStatusMap
    got = nodes_where_preemption_might_help(nodes, diagnosis)
    assert {ni.name for ni in got} == c["expected"]


class FakePostFilterPlugin(Evaluator):
    """SelectVictimsOnNode offers the node's first pod, with ``violations`` PDB violations."""

    violations = 0

    def select_victims_on_node(self, state: CycleState, pi: PodInfo, ni: NodeInfo, pdbs: list[dict[str, Any]]
                               ) -> tuple[list[PodInfo], int, Status | None]:
        return [next(iter(ni.pods.values()))], self.violations, None


DR = "TestDryRunPreemption"
DRY_RUN = [
    case(DR, "no pdb violation", violations=0, expected=[("node1", ["p1"], 0), ("node2", ["p2"], 0)]),
    case(DR, "pdb violation on each node", violations=1, expected=[("node1", ["p1"], 1), ("node2", ["p2"], 1)]),
]


@pytest.mark.parametrize("c", DRY_RUN)
def test_dry_run_preemption(c: dict[str, Any]) -> None:
    big = {"cpu": "500m", "memory": "500", "pods": "32"}  # st.MakeNode().Capacity(veryLargeRes)
    h = fp.Harness({}, [fp.node("node1", alloc=big), fp.node("node2", alloc=big)],
                   [fp.pod("p1", node_name="node1", priority=100), fp.pod("p2", node_name="node2", priority=100)])
    ev = FakePostFilterPlugin(h.fw, "FakePostFilter")
    ev.violations = c["violations"]
    infos = sorted(h.cache.node_list(), key=lambda ni: ni.name)
    got, _ = ev.dry_run(CycleState(), PodInfo(fp.pod("p", priority=1000)), infos, [], 0, len(infos))
    assert sorted((x.node, sorted(v.name for v in x.victims), x.pdb_violations) for x in got) == c["expected"]
