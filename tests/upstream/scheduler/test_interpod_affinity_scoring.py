"""InterPodAffinity PreScore/Score/NormalizeScore: upstream's TestPreferredAffinity and
TestPreferredAffinityWithHardPodAffinitySymmetricWeight.

Upstream's pods without a namespace are in "" (and a term's ``namespaces: [""]`` means that one); kspec
defaults an object's namespace to "default", so the port writes "default" for "".
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, as_tuple, node, pod, run
from tests.upstream.scheduler.test_interpod_affinity_filtering import NAMESPACES, expr

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go"
CHINA, INDIA = {"region": "China"}, {"region": "India"}
AZ1, AZ2 = {"az": "az1"}, {"az": "az2"}
CHINA_AZ1 = {"region": "China", "az": "az1"}
S1, S2 = {"security": "S1"}, {"security": "S2"}
TEAM1 = {"matchExpressions": [expr("team", "In", "team1")]}


def weighted(weight: int, *exprs: dict[str, Any], topology: str, **extra: Any) -> dict[str, Any]:
    return {"weight": weight, "podAffinityTerm": {"labelSelector": {"matchExpressions": list(exprs)},
                                                  "topologyKey": topology, **extra}}


def preferred(affinity: list[dict[str, Any]] | None = None, anti: list[dict[str, Any]] | None = None
              ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if affinity:
        out["podAffinity"] = {"preferredDuringSchedulingIgnoredDuringExecution": affinity}
    if anti:
        out["podAntiAffinity"] = {"preferredDuringSchedulingIgnoredDuringExecution": anti}
    return out


STAY_WITH_S1_IN_REGION = preferred([weighted(5, expr("security", "In", "S1"), topology="region")])
STAY_WITH_S2_IN_REGION = preferred([weighted(6, expr("security", "In", "S2"), topology="region")])
AFFINITY3 = preferred([weighted(8, expr("security", "NotIn", "S1"), expr("security", "In", "S2"), topology="region"),
                       weighted(2, expr("security", "Exists"), expr("wrongkey", "DoesNotExist"), topology="region")])
HARD_AFFINITY = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
    {"labelSelector": {"matchExpressions": [expr("security", "In", "S1", "value2")]}, "topologyKey": "region"},
    {"labelSelector": {"matchExpressions": [expr("security", "Exists"), expr("wrongkey", "DoesNotExist")]},
     "topologyKey": "region"}]}}
AWAY_FROM_S1_IN_AZ = preferred(anti=[weighted(5, expr("security", "In", "S1"), topology="az")])
AWAY_FROM_S2_IN_AZ = preferred(anti=[weighted(5, expr("security", "In", "S2"), topology="az")])
STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ = preferred([weighted(8, expr("security", "In", "S1"), topology="region")],
                                                      [weighted(5, expr("security", "In", "S2"), topology="az")])
_NS_TERM = {"namespaces": ["subteam2.team2"], "namespaceSelector": TEAM1}
AFFINITY_NAMESPACE_SELECTOR = preferred([weighted(5, expr("security", "In", "S1"), topology="region", **_NS_TERM)])
ANTI_AFFINITY_NAMESPACE_SELECTOR = preferred(anti=[weighted(5, expr("security", "In", "S1"), topology="region",
                                                            **_NS_TERM)])
INVALID_AFFINITY = preferred([weighted(8, expr("security", "In", "{{.bad-value.}}"), topology="region")])
INVALID_ANTI_AFFINITY = preferred(anti=[weighted(5, expr("security", "In", "{{.bad-value.}}"), topology="az")])
INVALID = ("the API server rejects a pod whose affinity label selector has an invalid value, so no such pod "
           "reaches the scheduler")


def p(labels: dict[str, str] | None = None, affinity: dict[str, Any] | None = None, on: str = "",
      ns: str = "default") -> dict[str, Any]:
    return pod(ns=ns, labels=labels, node=on, **({"affinity": affinity} if affinity else {}))


def c(func: str, name: str, incoming: dict[str, Any], pods: list[dict[str, Any]],
      nodes: list[tuple[str, dict[str, str]]], want: list[int] | None, status: Any = None, args: Any = None,
      **marks: Any) -> Any:
    return case(func, name, pod=incoming, pods=pods, nodes=[node(n, labels=lb) for n, lb in nodes],
                want=None if want is None else dict(zip([n for n, _ in nodes], want, strict=True)),
                status=status, args=args or {"hardPodAffinityWeight": 1}, **marks)


F = "TestPreferredAffinity"
N3 = [("node1", CHINA), ("node2", INDIA), ("node3", AZ1)]
NS_PODS = [p(S1, on="node1", ns="subteam1.team1"), p(S1, on="node1", ns="subteam1.team1")]
PREFERRED = [
    c(F, "all nodes are same priority as Affinity is nil", p(S1), [], N3, None, SKIP),
    c(F, "Affinity: pod that matches topology key & pods in nodes will get high score comparing to otherswhich "
         "doesn't match either pods in nodes or in topology key", p(S1, STAY_WITH_S1_IN_REGION),
      [p(S1, on="node1"), p(S2, on="node2"), p(S1, on="node3")], N3, [100, 0, 0]),
    c(F, "All the nodes that have the same topology key & label value with one of them has an existing pod that match "
         "the affinity rules, have the same score", p(affinity=STAY_WITH_S1_IN_REGION), [p(S1, on="node1")],
      [("node1", CHINA), ("node2", CHINA_AZ1), ("node3", INDIA)], [100, 100, 0]),
    c(F, "Affinity: nodes in one region has more matching pods comparing to other region, so the region which has "
         "more matches will get high score", p(S1, STAY_WITH_S2_IN_REGION),
      [p(S2, on="node1"), p(S2, on="node1"), p(S2, on="node2"), p(S2, on="node3"), p(S2, on="node4"),
       p(S2, on="node5")],
      [("node1", CHINA), ("node2", INDIA), ("node3", CHINA), ("node4", CHINA), ("node5", INDIA)],
      [100, 0, 100, 100, 0]),
    c(F, "Affinity: different Label operators and values for pod affinity scheduling preference, including some match "
         "failures ", p(S1, AFFINITY3), [p(S1, on="node1"), p(S2, on="node2"), p(S1, on="node3")], N3, [20, 100, 0]),
    c(F, "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity "
         "symmetry", p(S2), [p(S1, STAY_WITH_S1_IN_REGION, "node1"), p(S2, STAY_WITH_S2_IN_REGION, "node2")], N3,
      [0, 100, 0]),
    c(F, "Affinity symmetry with namespace selector", p(S1, ns="subteam1.team1"),
      [p(S1, AFFINITY_NAMESPACE_SELECTOR, "node1"), p(S2, STAY_WITH_S2_IN_REGION, "node2")], N3, [100, 0, 0]),
    c(F, "AntiAffinity symmetry with namespace selector", p(S1, ns="subteam1.team1"),
      [p(S1, ANTI_AFFINITY_NAMESPACE_SELECTOR, "node1"), p(S2, STAY_WITH_S2_IN_REGION, "node2")], N3, [0, 100, 100]),
    c(F, "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
      p(S1), [p(S1, HARD_AFFINITY, "node1"), p(S2, HARD_AFFINITY, "node2")], N3, [100, 100, 0]),
    c(F, "Anti Affinity: pod that does not match existing pods in node will get high score ",
      p(S1, AWAY_FROM_S1_IN_AZ), [p(S1, on="node1"), p(S2, on="node2")], [("node1", AZ1), ("node2", CHINA)],
      [0, 100]),
    c(F, "Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score "
         "comparing to others ", p(S1, AWAY_FROM_S1_IN_AZ), [p(S1, on="node1"), p(S1, on="node2")],
      [("node1", AZ1), ("node2", CHINA)], [0, 100]),
    c(F, "Anti Affinity: one node has more matching pods comparing to other node, so the node which has more "
         "unmatches will get high score", p(S1, AWAY_FROM_S1_IN_AZ),
      [p(S1, on="node1"), p(S1, on="node1"), p(S2, on="node2")], [("node1", AZ1), ("node2", INDIA)], [0, 100]),
    c(F, "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
      p(S2), [p(S1, AWAY_FROM_S2_IN_AZ, "node1"), p(S2, AWAY_FROM_S1_IN_AZ, "node2")],
      [("node1", AZ1), ("node2", AZ2)], [0, 100]),
    c(F, "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod "
         "affinity & anti affinity", p(S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
      [p(S1, on="node1"), p(S1, on="node2")], [("node1", CHINA), ("node2", AZ1)], [100, 0]),
    c(F, "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing "
         "pods have the same labels", p(S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
      [p(S1, on="node1"), p(S1, on="node1"), p(S1, on="node2"), p(S1, on="node3"), p(S1, on="node3"),
       p(S1, on="node4"), p(S1, on="node5")],
      [("node1", CHINA_AZ1), ("node2", INDIA), ("node3", CHINA), ("node4", CHINA), ("node5", INDIA)],
      [100, 0, 100, 100, 0]),
    c(F, "Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in "
         "both pod affinity & anti affinity & symmetry", p(S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ),
      [p(S1, on="node1"), p(S2, on="node2"), p(affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ, on="node3"),
       p(affinity=AWAY_FROM_S1_IN_AZ, on="node4")],
      [("node1", CHINA), ("node2", AZ1), ("node3", INDIA), ("node4", AZ2)], [100, 0, 100, 0]),
    c(F, "Avoid panic when partial nodes in a topology don't have pods with affinity", p(S1),
      [p(S1, on="node1"), p(affinity=STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ, on="node2")],
      [("node1", CHINA), ("node2", CHINA)], [0, 0]),
    c(F, "invalid Affinity fails PreScore", p(affinity=INVALID_AFFINITY), [], [("node1", CHINA), ("node2", CHINA)],
      None, ("Error", 'Invalid value: "{{.bad-value.}}"'), unreachable=INVALID),
    c(F, "invalid AntiAffinity fails PreScore", p(affinity=INVALID_ANTI_AFFINITY), [],
      [("node1", CHINA), ("node2", CHINA)], None, ("Error", 'Invalid value: "{{.bad-value.}}"'), unreachable=INVALID),
    c(F, "Affinity with pods matching NamespaceSelector", p(S1, AFFINITY_NAMESPACE_SELECTOR, ns="subteam1.team1"),
      [*NS_PODS, p(S1, on="node1", ns="subteam1.team2"), p(S1, on="node2", ns="subteam2.team1")],
      [("node1", CHINA), ("node2", INDIA)], [100, 0]),
    c(F, "Affinity with pods matching both NamespaceSelector and Namespaces fields",
      p(S1, AFFINITY_NAMESPACE_SELECTOR, ns="subteam1.team1"),
      [*NS_PODS, p(S1, on="node1", ns="subteam2.team2"), p(S1, on="node2", ns="subteam2.team1")],
      [("node1", CHINA), ("node2", INDIA)], [100, 0]),
    # upstream's table repeats the two names above; go test runs the repeats as "<name>#01"
    c(F, "Affinity with pods matching NamespaceSelector#01", p(S1, ANTI_AFFINITY_NAMESPACE_SELECTOR,
                                                                ns="subteam1.team1"),
      [*NS_PODS, p(S1, on="node1", ns="subteam1.team2"), p(S1, on="node2", ns="subteam2.team1")],
      [("node1", CHINA), ("node2", INDIA)], [0, 100]),
    c(F, "Affinity with pods matching both NamespaceSelector and Namespaces fields#01",
      p(S1, ANTI_AFFINITY_NAMESPACE_SELECTOR, ns="subteam1.team1"),
      [*NS_PODS, p(S1, on="node1", ns="subteam2.team2"), p(S1, on="node2", ns="subteam2.team1")],
      [("node1", CHINA), ("node2", INDIA)], [0, 100]),
    c(F, "Ignore preferred terms of existing pods", p(S2),
      [p(S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ, "node1"), p(S2, STAY_WITH_S2_IN_REGION, "node2")],
      [("node1", CHINA), ("node2", INDIA)], None, SKIP,
      args={"hardPodAffinityWeight": 1, "ignorePreferredTermsOfExistingPods": True}),
    c(F, "Do not ignore preferred terms of existing pods", p(S2),
      [p(S1, STAY_WITH_S1_IN_REGION_AWAY_FROM_S2_IN_AZ, "node1"), p(S2, STAY_WITH_S2_IN_REGION, "node2")],
      [("node1", CHINA), ("node2", INDIA)], [0, 100]),
    c(F, "No nodes to score", p(S2), [], [], None, SKIP),
]

H = "TestPreferredAffinityWithHardPodAffinitySymmetricWeight"
HARD_POD_AFFINITY = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
    "labelSelector": {"matchExpressions": [expr("service", "In", "S1")]},
    "namespaces": ["default", "subteam2.team2"], "namespaceSelector": TEAM1, "topologyKey": "region"}]}}
SERVICE_S1 = {"service": "S1"}
HARD_PODS = [p(affinity=HARD_POD_AFFINITY, on="node1"), p(affinity=HARD_POD_AFFINITY, on="node2")]
HARD = [
    c(H, "with default weight", p(SERVICE_S1), HARD_PODS, N3, [100, 100, 0], args={"hardPodAffinityWeight": 1}),
    c(H, "with zero weight", p(SERVICE_S1), HARD_PODS, N3, None, SKIP, args={"hardPodAffinityWeight": 0}),
    c(H, "with no matching namespace", p(SERVICE_S1, ns="subteam1.team2"), HARD_PODS, N3, None, SKIP),
    c(H, "with matching NamespaceSelector", p(SERVICE_S1, ns="subteam1.team1"), HARD_PODS, N3, [100, 100, 0]),
    c(H, "with matching Namespaces", p(SERVICE_S1, ns="subteam2.team2"), HARD_PODS, N3, [100, 100, 0]),
]


@pytest.mark.parametrize("c", PREFERRED + HARD)
def test_preferred_affinity(c: dict[str, Any]) -> None:
    result = run("InterPodAffinity", {**c, "objects": NAMESPACES}, points=("PreScore", "Score"))
    assert as_tuple(result.pre_score) == c["status"]
    if c["status"] is None:
        assert result.scores == c["want"]
