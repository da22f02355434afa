"""PodTopologySpread PreFilter/Filter: upstream's TestSingleConstraint and TestMultipleConstraints (status codes
per node, as upstream compares them), minDomains, nodeAffinityPolicy and nodeTaintsPolicy included.

TestPreFilterState / AddPod / RemovePod compare the plugin's private state (critical paths) and are not ported.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import UNRESOLVABLE, UNSCHED, node, node_affinity_in, pod, ps, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}
TAINTS = [{"key": "node.kubernetes.io/unschedulable", "value": "", "effect": "NoSchedule"}]
OK, U, UU = "Success", UNSCHED, UNRESOLVABLE


def sc(max_skew: int, key: str, selector: dict[str, Any] | None = None, when: str = "DoNotSchedule",
       min_domains: int | None = None, affinity_policy: str | None = None,
       taints_policy: str | None = None) -> dict[str, Any]:
    """st.MakePod().SpreadConstraint(maxSkew, key, when, selector, minDomains, nodeAffinityPolicy, nodeTaintsPolicy)."""
    out: dict[str, Any] = {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when}
    if selector is not None:
        out["labelSelector"] = selector
    if min_domains is not None:
        out["minDomains"] = min_domains
    if affinity_policy:
        out["nodeAffinityPolicy"] = affinity_policy
    if taints_policy:
        out["nodeTaintsPolicy"] = taints_policy
    return out


def nd(name: str, zone: str | None = None, *, has_node: bool = True, foo: bool = False, taint: bool = False,
       zone_key: str = "zone") -> dict[str, Any]:
    """st.MakeNode().Name("node-<name>").Label(zone_key, zone).Label("node", "node-<name>")..."""
    labels: dict[str, str] = {}
    if zone is not None:
        labels[zone_key] = zone
    if has_node:
        labels["node"] = f"node-{name}"
    if foo:
        labels["foo"] = ""
    return node(f"node-{name}", labels=labels, taints=TAINTS if taint else None)


def abxy(**kw: Any) -> list[dict[str, Any]]:
    return [nd("a", "zone1", **kw), nd("b", "zone1", **kw), nd("x", "zone2", **kw), nd("y", "zone2", **kw)]


def incoming(*constraints: dict[str, Any], labels: str = "foo", **spec: Any) -> dict[str, Any]:
    return pod("p", labels={k: "" for k in labels.split(",")}, topologySpreadConstraints=list(constraints), **spec)


def c(func: str, name: str, p: dict[str, Any], nodes: list[dict[str, Any]], pods: str, codes: str,
      **marks: Any) -> Any:
    want = dict(zip([n["metadata"]["name"] for n in nodes], codes.split(), strict=True))
    return case(func, name, pod=p, nodes=nodes, pods=ps(pods), args={"defaultingType": "List"}, want=want, **marks)


S = "TestSingleConstraint"
OK4 = f"{OK} {OK} {OK} {OK}"
SINGLE = [
    c(S, "no existing pods", incoming(sc(1, "zone", FOO)), abxy(), "", OK4),
    c(S, "no existing pods, incoming pod doesn't match itself", incoming(sc(1, "zone", BAR)), abxy(), "", OK4),
    c(S, "existing pods in a different namespace do not count", incoming(sc(1, "zone", FOO)), abxy(),
      "a1/ns1 b1@a/ns2 x1 y1", f"{OK} {OK} {U} {U}"),
    c(S, "existing pods do not match null selector", incoming(sc(1, "zone")), abxy(), "x1 y1", OK4),
    c(S, "pods spread across zones as 3/3, all nodes fit", incoming(sc(1, "zone", FOO)), abxy(),
      "a1 a2 b1 y1 y2 y3", OK4),
    c(S, "pods spread across zones as 1/2 due to absence of label 'zone' on node-b", incoming(sc(1, "zone", FOO)),
      [nd("a", "zone1"), nd("b", "zone1", zone_key="zon"), nd("x", "zone2"), nd("y", "zone2")], "a1 b1 x1 y1",
      f"{OK} {UU} {U} {U}"),
    c(S, "pod cannot be scheduled as all nodes don't have label 'rack'", incoming(sc(1, "rack", FOO)),
      [nd("a", "zone1"), nd("x", "zone2")], "", f"{UU} {UU}"),
    c(S, "pods spread across nodes as 2/1/0/3, only node-x fits", incoming(sc(1, "node", FOO)), abxy(),
      "a1 a2 b1 y1 y2 y3", f"{U} {U} {OK} {U}"),
    c(S, "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit", incoming(sc(2, "node", FOO)),
      abxy(), "a1 a2 b1 y1 y2 y3", f"{U} {OK} {OK} {U}"),
    c(S, "pods spread across nodes as 2/1/0/3, but pod doesn't match itself", incoming(sc(1, "node", FOO),
                                                                                       labels="bar"),
      abxy(), "a1 a2 b1 y1 y2 y3", f"{U} {OK} {OK} {U}"),
    c(S, "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
      incoming(sc(1, "node", FOO), affinity=node_affinity_in("node", ["node-a", "node-y"])), abxy(),
      "a1 a2 b1 y1 y2 y3", f"{OK} {OK} {OK} {U}"),
    c(S, "terminating Pods should be excluded", incoming(sc(1, "node", FOO)), [nd("a"), nd("b")], "a! b",
      f"{OK} {U}"),
    c(S, "incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits",
      incoming(sc(1, "zone", FOO), affinity=node_affinity_in("node", ["node-b"], "NotIn")), abxy(), "b1 b2 y1",
      f"{OK} {OK} {U} {U}"),
    c(S, "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third "
         "node fits", incoming(sc(2, "node", FOO, min_domains=4)), [nd("a"), nd("b"), nd("c")], "a1 a2 b1 b2 c1",
      f"{U} {U} {OK}"),
    c(S, "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes "
         "fit", incoming(sc(2, "node", FOO, min_domains=2)), [nd("a"), nd("b"), nd("c")], "a1 a2 b1 b2 c1",
      f"{OK} {OK} {OK}"),
    c(S, "pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and "
         "fourth nodes fit", incoming(sc(2, "zone", FOO, min_domains=3)), abxy(), "b1@a b2 y1", f"{U} {U} {OK} {OK}"),
    c(S, "pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit",
      incoming(sc(2, "zone", FOO, min_domains=1)), abxy(), "b1@a b2 y1", OK4),
    c(S, "NodeAffinityPolicy honored with labelSelectors", incoming(sc(1, "node", FOO), nodeSelector={"foo": ""}),
      [nd("a", foo=True), nd("b", foo=True), nd("x", foo=True), nd("y")], "b1@a b2 y1", f"{U} {U} {OK} {OK}"),
    c(S, "NodeAffinityPolicy ignored with labelSelectors",
      incoming(sc(1, "node", FOO, affinity_policy="Ignore"), nodeSelector={"foo": ""}),
      [nd("a", foo=True), nd("b", foo=True), nd("x", foo=True), nd("y")], "b1@a b2 y1", f"{U} {U} {OK} {U}"),
    c(S, "NodeAffinityPolicy honored with nodeAffinity",
      incoming(sc(1, "node", FOO), affinity=node_affinity_in("foo", [""])),
      [nd("a", foo=True), nd("b", foo=True), nd("x", foo=True), nd("y")], "b1@a b2 y1", f"{U} {U} {OK} {OK}"),
    # upstream's table repeats the name "NodeAffinityPolicy ignored with labelSelectors"; go test adds "#01"
    c(S, "NodeAffinityPolicy ignored with labelSelectors#01",
      incoming(sc(1, "node", FOO, affinity_policy="Ignore"), affinity=node_affinity_in("foo", [""])),
      [nd("a", foo=True), nd("b", foo=True), nd("x", foo=True), nd("y")], "b1@a b2 y1", f"{U} {U} {OK} {U}"),
    c(S, "NodeTaintsPolicy honored", incoming(sc(1, "node", FOO, taints_policy="Honor")),
      [nd("a", foo=True), nd("b", foo=True), nd("x", foo=True), nd("y", taint=True)], "b1@a b2 y1",
      f"{U} {U} {OK} {OK}"),
    c(S, "NodeTaintsPolicy ignored", incoming(sc(1, "node", FOO)),
      [nd("a", foo=True), nd("b", foo=True), nd("x", foo=True), nd("y", taint=True)], "b1@a b2 y1",
      f"{U} {U} {OK} {U}"),
]

M = "TestMultipleConstraints"
ZN = (sc(1, "zone", FOO), sc(1, "node", FOO))
MULTIPLE = [
    c(M, "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]", incoming(*ZN), abxy(), "a1 a2 b1 y1 y2 y3",
      f"{U} {U} {OK} {U}"),
    c(M, "two Constraints on zone and node, spreads = [3/4, 2/1/0/4]", incoming(*ZN), abxy(), "a1 a2 b1 y1 y2 y3 y4",
      f"{U} {U} {U} {U}"),
    c(M, "Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
      incoming(sc(1, "zone", FOO), sc(1, "node", BAR), labels="foo,bar"), abxy(), "a1 y1:bar", f"{U} {U} {OK} {U}"),
    c(M, "Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
      incoming(sc(1, "zone", FOO), sc(1, "node", BAR), labels="foo,bar"), abxy(), "a1 x1:bar y1:bar",
      f"{U} {U} {U} {U}"),
    c(M, "Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
      incoming(sc(1, "zone", FOO), sc(1, "node", BAR), labels="foo,bar"), abxy(), "a1 a2:foo,bar y1 y2:foo,bar y3",
      f"{U} {OK} {U} {U}"),
    c(M, "Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint",
      incoming(sc(1, "zone", FOO), sc(1, "node", BAR), labels="bar"), abxy(), "a1 x1:bar y1:bar",
      f"{OK} {OK} {U} {U}"),
    c(M, "two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
      incoming(*ZN), [nd("a", "zone1"), nd("b", "zone1"), nd("x", "zone2", has_node=False), nd("y", "zone2")],
      "a1 y3", f"{U} {OK} {UU} {U}"),
    c(M, "two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore",
      incoming(sc(1, "zone", FOO), sc(1, "node", FOO, affinity_policy="Ignore"), nodeSelector={"foo": ""}),
      [nd("a", "zone1", foo=True), nd("b", "zone1", foo=True), nd("x", "zone2", foo=True), nd("y", "zone2")],
      "a1 b1 y1", f"{U} {U} {OK} {U}"),
    c(M, "two node inclusion Constraints, zone: honor/honor, node: honor/ignore",
      incoming(sc(1, "zone", FOO, taints_policy="Honor"), sc(1, "node", FOO)),
      [nd("a", "zone1", foo=True), nd("b", "zone1", foo=True), nd("x", "zone2", foo=True),
       nd("y", "zone2", taint=True)], "a1 b1 y1", f"{U} {U} {OK} {U}"),
    c(M, "two node inclusion Constraints, zone: honor/ignore, node: honor/ignore",
      incoming(*ZN, nodeSelector={"foo": ""}),
      [nd("a", "zone1", foo=True), nd("b", "zone1"), nd("x", "zone2", foo=True), nd("y", "zone2", foo=True,
                                                                                      taint=True)],
      "a1 b1 y1", f"{U} {OK} {OK} {U}"),
]


@pytest.mark.parametrize("c", SINGLE + MULTIPLE)
def test_filter(c: dict[str, Any]) -> None:
    result = run("PodTopologySpread", c, points=("PreFilter", "Filter"))
    assert result.pre_filter is not None and result.pre_filter.success
    assert {n: s.code.title for n, s in result.filter.items()} == c["want"]
