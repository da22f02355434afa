"""InterPodAffinity PreFilter/Filter: upstream's TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes
and TestPreFilterDisabled (TestPreFilterStateAddRemovePod inspects the plugin's private state and is not ported)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.upstream.cases import case
from tests.upstream.scheduler.st import SKIP, UNRESOLVABLE, UNSCHED, as_tuple, node, pod, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go"
AFF = (UNRESOLVABLE, "node(s) didn't match pod affinity rules")
ANTI = (UNSCHED, "node(s) didn't match pod anti-affinity rules")
EXISTING = (UNSCHED, "node(s) didn't satisfy existing pods anti-affinity rules")
POD_LABEL = {"service": "securityscan"}
POD_LABEL2 = {"security": "S1"}
NAMESPACES = [{"kind": "Namespace", "metadata": {"name": n, "labels": {"team": t}}}
              for n, t in (("subteam1.team1", "team1"), ("subteam2.team1", "team1"), ("subteam1.team2", "team2"),
                           ("subteam2.team2", "team2"))]


def expr(key: str, op: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "operator": op}
    if values:
        out["values"] = list(values)
    return out


def term(*exprs: dict[str, Any], topology: str = "", namespaces: list[str] | None = None,
         ns_selector: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"labelSelector": {"matchExpressions": list(exprs)}}
    if topology:
        out["topologyKey"] = topology
    if namespaces:
        out["namespaces"] = namespaces
    if ns_selector is not None:
        out["namespaceSelector"] = ns_selector
    return out


def in_(key: str, topology: str, *values: str) -> dict[str, Any]:
    """st.PodAffinityIn / PodAntiAffinityIn."""
    return term(expr(key, "In", *values), topology=topology)


def not_in(key: str, topology: str, *values: str) -> dict[str, Any]:
    return term(expr(key, "NotIn", *values), topology=topology)


def exists(key: str, topology: str) -> dict[str, Any]:
    return term(expr(key, "Exists"), topology=topology)


def apod(labels: dict[str, str] | None = None, affinity: list[dict[str, Any]] | None = None,
         anti: list[dict[str, Any]] | None = None, *, on: str = "", ns: str = "default",
         name: str = "") -> dict[str, Any]:
    spec: dict[str, Any] = {}
    aff: dict[str, Any] = {}
    if affinity:
        aff["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": affinity}
    if anti:
        aff["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": anti}
    if aff:
        spec["affinity"] = aff
    return pod(name, ns=ns, labels=labels, node=on, **spec)


NODE1 = node("node1", labels={"region": "r1", "zone": "z11"})
EXISTING_POD = apod(POD_LABEL, on="node1")
S = "TestRequiredAffinitySingleNode"
BAD_VALUE = ('values[0][service]: Invalid value: "{{.bad-value.}}": a valid label must be an empty string or consist '
             "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
             "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
             "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
TEAM1 = {"matchExpressions": [expr("team", "In", "team1")]}


def single(name: str, p: dict[str, Any], pods: list[dict[str, Any]], want: Any = None, pre: Any = None,
           **marks: Any) -> Any:
    return case(S, name, pod=p, pods=pods, nodes=[NODE1], objects=NAMESPACES, pre=pre, want={"node1": want},
                **marks)


SINGLE = [
    single("A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods",
           pod(), [], pre=SKIP),
    single("satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that "
           "matches the existing pod", apod(POD_LABEL2, [in_("service", "region", "securityscan", "value2")]),
           [EXISTING_POD]),
    single("satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in "
           "operator in labelSelector that matches the existing pod",
           apod(POD_LABEL2, [not_in("service", "region", "securityscan3", "value3")]), [EXISTING_POD]),
    single("Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
           apod(POD_LABEL2, [term(expr("service", "In", "securityscan", "value2"), namespaces=["DiffNameSpace"])]),
           [apod(POD_LABEL, on="node1", ns="ns")], AFF),
    single("Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
           apod(POD_LABEL, [in_("service", "", "antivirusscan", "value2")]), [EXISTING_POD], AFF),
    single("satisfies the PodAffinity with different label Operators in multiple "
           "RequiredDuringSchedulingIgnoredDuringExecution ",
           apod(POD_LABEL2, [term(expr("service", "Exists"), expr("wrongkey", "DoesNotExist"), topology="region"),
                             term(expr("service", "In", "securityscan"), expr("service", "NotIn", "WrongValue"),
                                  topology="region")]), [EXISTING_POD]),
    single("The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the "
           "node because one of the matchExpression item don't match.",
           apod(POD_LABEL2, [term(expr("service", "Exists"), expr("wrongkey", "DoesNotExist"), topology="region"),
                             term(expr("service", "In", "securityscan2"), expr("service", "NotIn", "WrongValue"),
                                  topology="region")]), [EXISTING_POD], AFF),
    single("satisfies the PodAffinity and PodAntiAffinity with the existing pod",
           apod(POD_LABEL2, [in_("service", "region", "securityscan", "value2")],
                [in_("service", "node", "antivirusscan", "value2")]), [EXISTING_POD]),
    single("satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
           apod(POD_LABEL2, [in_("service", "region", "securityscan", "value2")],
                [in_("service", "node", "antivirusscan", "value2")]),
           [apod(POD_LABEL, anti=[in_("service", "node", "antivirusscan", "value2")], on="node1")]),
    single("satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
           apod(POD_LABEL2, [in_("service", "region", "securityscan", "value2")],
                [in_("service", "zone", "securityscan", "value2")]), [EXISTING_POD], ANTI),
    single("satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the "
           "existing pod",
           apod(POD_LABEL, [in_("service", "region", "securityscan", "value2")],
                [in_("service", "node", "antivirusscan", "value2")]),
           [apod(POD_LABEL, anti=[in_("service", "zone", "securityscan", "value2")], on="node1")], EXISTING),
    single("pod matches its own Label in PodAffinity and that matches the existing pod Labels",
           apod(POD_LABEL, [not_in("service", "region", "securityscan", "value2")]),
           [apod({"service": "securityscan"}, on="node2")], AFF),
    single("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. "
           "doesn't satisfy PodAntiAffinity symmetry with the existing pod", apod(POD_LABEL),
           [apod(POD_LABEL, anti=[in_("service", "zone", "securityscan", "value2")], on="node1")], EXISTING),
    single("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. "
           "satisfy PodAntiAffinity symmetry with the existing pod", apod(POD_LABEL),
           [apod(POD_LABEL, anti=[not_in("service", "zone", "securityscan", "value2")], on="node1")], pre=SKIP),
    single("satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with "
           "incoming pod", apod(POD_LABEL, anti=[exists("service", "region"), exists("security", "region")]),
           [apod(POD_LABEL2, anti=[exists("security", "zone")], on="node1")], ANTI),
    single("PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on "
           "AffinityTerms", apod(POD_LABEL, anti=[exists("service", "zone"), exists("security", "zone")]),
           [apod(POD_LABEL2, anti=[exists("security", "zone")], on="node1")], ANTI),
    single("PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on "
           "AffinityTerms", apod(POD_LABEL2, anti=[exists("security", "zone")]),
           [apod(POD_LABEL, anti=[exists("service", "zone"), exists("security", "zone")], on="node1")], EXISTING),
    single("PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on "
           "AffinityTerms", apod({"abc": "", "xyz": ""}, anti=[exists("abc", "zone"), exists("def", "zone")]),
           [apod({"def": "", "xyz": ""}, anti=[exists("abc", "zone"), exists("def", "zone")], on="node1")], ANTI),
    single("PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on "
           "AffinityTerms", apod({"def": "", "xyz": ""}, anti=[exists("abc", "zone"), exists("def", "zone")]),
           [apod({"abc": "", "xyz": ""}, anti=[exists("abc", "zone"), exists("def", "zone")], on="node1")], ANTI),
    single("PodAffinity fails PreFilter with an invalid affinity label syntax",
           apod(POD_LABEL, [in_("service", "region", "{{.bad-value.}}"), in_("service", "node", "antivirusscan",
                                                                             "value2")]), [],
           pre=(UNRESOLVABLE, "parsing pod: requiredAffinityTerms: " + BAD_VALUE),
           unreachable="the API server rejects a pod whose affinity label selector has an invalid value, so no "
                       "such pod reaches the scheduler; kspec validates it at create"),
    single("PodAntiAffinity fails PreFilter with an invalid antiaffinity label syntax",
           apod(POD_LABEL, [in_("service", "region", "foo"), in_("service", "node", "{{.bad-value.}}")]), [],
           pre=(UNRESOLVABLE, "parsing pod: requiredAffinityTerms: " + BAD_VALUE),
           unreachable="the API server rejects a pod whose affinity label selector has an invalid value, so no "
                       "such pod reaches the scheduler; kspec validates it at create"),
    single("affinity with NamespaceSelector",
           apod(POD_LABEL2, [term(expr("service", "In", "securityscan", "value2"), ns_selector=TEAM1,
                                  topology="region")]), [apod(POD_LABEL, on="node1", ns="subteam1.team1")]),
    single("affinity with non-matching NamespaceSelector",
           apod(POD_LABEL2, [term(expr("service", "In", "securityscan", "value2"), ns_selector=TEAM1,
                                  topology="region")]), [apod(POD_LABEL, on="node1", ns="subteam1.team2")], AFF),
    single("anti-affinity with matching NamespaceSelector",
           apod(POD_LABEL2, anti=[term(expr("service", "In", "securityscan", "value2"), ns_selector=TEAM1,
                                       topology="zone")], ns="subteam1.team1"),
           [apod(POD_LABEL, on="node1", ns="subteam2.team1")], ANTI),
    single("anti-affinity with matching all NamespaceSelector",
           apod(POD_LABEL2, anti=[term(expr("service", "In", "securityscan", "value2"), ns_selector={},
                                       topology="zone")], ns="subteam1.team1"),
           [apod(POD_LABEL, on="node1", ns="subteam2.team1")], ANTI),
    single("anti-affinity with non-matching NamespaceSelector",
           apod(POD_LABEL2, anti=[term(expr("service", "In", "securityscan", "value2"), ns_selector=TEAM1,
                                       topology="zone")], ns="subteam1.team1"),
           [apod(POD_LABEL, on="node1", ns="subteam1.team2")]),
]

M = "TestRequiredAffinityMultipleNodes"
CHINA, CHINA_AZ1, INDIA = {"region": "China"}, {"region": "China", "az": "az1"}, {"region": "India"}


def rzh(name: str, zone: str, region: str = "r1") -> dict[str, Any]:
    return node(name, labels={"region": region, "zone": zone, "hostname": name})


def multi(name: str, p: dict[str, Any], pods: list[dict[str, Any]], nodes: list[dict[str, Any]], want: list[Any],
          pre: Any = None, **marks: Any) -> Any:
    return case(M, name, pod=p, pods=pods, nodes=nodes, pre=pre,
                objects=[{"kind": "Namespace", "metadata": {"name": "NS1"}}],
                want=dict(zip([n["metadata"]["name"] for n in nodes], want, strict=True)), **marks)


def n3(a: str = "node1", b: str = "node2", c: str = "node3") -> list[dict[str, Any]]:
    return [node(a, labels=CHINA), node(b, labels=CHINA_AZ1), node(c, labels=INDIA)]


MULTI = [
    multi("A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them "
          "has an existing pod that matches the affinity rules", apod(affinity=[in_("foo", "region", "bar")]),
          [apod({"foo": "bar"}, on="node1", name="p1")], n3(), [None, None, AFF]),
    multi("The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the "
          "collection should not be blocked from being scheduled onto any node, even there's no existing pod that "
          "matches the rule anywhere.",
          apod({"foo": "bar", "service": "securityscan"}, [in_("foo", "zone", "bar"),
                                                           in_("service", "zone", "securityscan")]),
          [apod({"foo": "bar"}, on="nodeA", name="p1")],
          [node("nodeA", labels={"zone": "az1", "hostname": "h1"}), node("nodeB", labels={"zone": "az2",
                                                                                         "hostname": "h2"})],
          [None, None]),
    multi("The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys",
          apod({"foo": "bar", "service": "securityscan"}, [in_("foo", "zone", "bar"),
                                                           in_("service", "zone", "securityscan")]),
          [apod({"foo": "bar"}, on="nodeA", name="p1")],
          [node("nodeA", labels={"zoneLabel": "az1", "hostname": "h1"}),
           node("nodeB", labels={"zoneLabel": "az2", "hostname": "h2"})], [AFF, AFF]),
    multi("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod "
          "affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
          apod(anti=[in_("foo", "region", "abc")]), [apod({"foo": "abc"}, on="nodeA")],
          [node("nodeA", labels={"region": "r1", "hostname": "nodeA"}),
           node("nodeB", labels={"region": "r1", "hostname": "nodeB"})], [ANTI, ANTI]),
    multi("This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.",
          apod(anti=[in_("foo", "region", "abc"), in_("service", "zone", "securityscan")]),
          [apod({"foo": "abc", "service": "securityscan"}, on="nodeA")], [rzh("nodeA", "z1"), rzh("nodeB", "z2")],
          [ANTI, ANTI]),
    multi("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod "
          "affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC",
          apod(anti=[in_("foo", "region", "abc")]), [apod({"foo": "abc"}, on="nodeA")], n3("nodeA", "nodeB", "nodeC"),
          [ANTI, ANTI, None]),
    multi("NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod "
          "affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has "
          "an existing pod that match the inter pod affinity rule but in different namespace)",
          apod({"foo": "123"}, anti=[in_("foo", "region", "bar")], ns="NS1"),
          [apod({"foo": "bar"}, on="nodeA", ns="NS1"), apod(anti=[in_("foo", "region", "123")], on="nodeC", ns="NS2")],
          n3("nodeA", "nodeB", "nodeC"), [ANTI, ANTI, None]),
    multi("Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of "
          "the term is firstly checked, and then topologyKey of the term is also checked", apod({"foo": ""}),
          [apod(anti=[exists("foo", "invalid-node-label")], on="nodeA")], [rzh("nodeA", "z1"), rzh("nodeB", "z1")],
          [None, None], pre=SKIP),
    multi("Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
          apod(anti=[exists("foo", "invalid-node-label")], on="nodeA"), [apod({"foo": ""}, on="nodeA")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z1")], [None, None]),
    multi("Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each "
          "existingPod's terms on all nodes", apod({"foo": "", "bar": ""}),
          [apod(anti=[exists("foo", "zone")], on="nodeA"), apod(anti=[exists("bar", "region")], on="nodeA")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z2")], [EXISTING, EXISTING]),
    multi("Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one "
          "anti-affinity rule of existingPod", apod(anti=[exists("foo", "zone"), exists("bar", "region")]),
          [apod({"foo": ""}, on="nodeA"), apod({"bar": ""}, on="nodeB")], [rzh("nodeA", "z1"), rzh("nodeB", "z2")],
          [ANTI, ANTI]),
    multi("Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a "
          "single term match - case when one term has invalid topologyKey", apod({"foo": "", "bar": ""}),
          [apod(anti=[exists("foo", "invalid-node-label"), exists("bar", "zone")], on="nodeA")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z2")], [EXISTING, None]),
    multi("Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a "
          "single term match - case when one term has invalid topologyKey",
          apod(anti=[exists("foo", "invalid-node-label"), exists("bar", "zone")]),
          [apod({"foo": "", "bar": ""}, on="nodeA", name="podA")], [rzh("nodeA", "z1"), rzh("nodeB", "z2")],
          [ANTI, None]),
    multi("Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a "
          "single term match - case when all terms have valid topologyKey", apod({"foo": "", "bar": ""}),
          [apod(anti=[exists("foo", "region"), exists("bar", "zone")], on="nodeA")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z2")], [EXISTING, EXISTING]),
    multi("Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a "
          "single term match - case when all terms have valid topologyKey",
          apod(anti=[exists("foo", "region"), exists("bar", "zone")]), [apod({"foo": "", "bar": ""}, on="nodeA")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z2")], [ANTI, ANTI]),
    multi("Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term "
          "matches incoming pod, so incoming pod can only be scheduled to nodeC", apod({"foo": "", "bar": ""}),
          [apod(anti=[exists("foo", "zone"), exists("labelA", "zone")], on="nodeA"),
           apod(anti=[exists("bar", "zone"), exists("labelB", "zone")], on="nodeB")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z2"), rzh("nodeC", "z3")], [EXISTING, EXISTING, None]),
    multi("Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys "
          "match", apod(affinity=[exists("foo", "region"), exists("bar", "zone")]),
          [apod({"foo": "", "bar": ""}, on="nodeA", name="pod1")], [rzh("nodeA", "z1"), rzh("nodeB", "z1")],
          [None, None]),
    multi("Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys "
          "match, and the match logic should be satisfied on the same pod",
          apod(affinity=[exists("foo", "region"), exists("bar", "zone")]),
          [apod({"foo": ""}, on="nodeA", name="pod1"), apod({"bar": ""}, on="nodeB", name="pod2")],
          [rzh("nodeA", "z1"), rzh("nodeB", "z2")], [AFF, AFF]),
]


def _unique(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Upstream's snapshot keys pods by UID, which these nameless pods do not need; give each its own name."""
    out = []
    for i, p in enumerate(pods):
        p = {**p, "metadata": dict(p["metadata"])}
        p["metadata"].setdefault("name", f"existing-{i}")
        out.append(p)
    return out


@pytest.mark.parametrize("c", SINGLE + MULTI)
def test_required_affinity(c: dict[str, Any]) -> None:
    result = run("InterPodAffinity", {**c, "pods": _unique(c["pods"])}, points=("PreFilter", "Filter"))
    assert as_tuple(result.pre_filter) == c["pre"]
    if c["pre"] is None:
        assert {n: as_tuple(s) for n, s in result.filter.items()} == c["want"]


PRE_FILTER_DISABLED = [case("TestPreFilterDisabled", "TestPreFilterDisabled")]


@pytest.mark.parametrize("c", PRE_FILTER_DISABLED)
def test_pre_filter_disabled_errors(c: dict[str, Any]) -> None:
    result = run("InterPodAffinity", {"pod": pod(), "nodes": [node("")]}, points=("Filter",))
    assert as_tuple(result.filter[""]) == ("Error", "error reading \"PreFilterInterPodAffinity\" from cycleState: "
                                                    "not found")
