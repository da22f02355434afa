"""PodTopologySpread: keep matching pods within ``maxSkew`` of each other across topology domains.

DoNotSchedule constraints filter, ScheduleAnyway ones score. A pod without
constraints of its own gets the system defaults (hostname skew 3, zone skew
5, both ScheduleAnyway) over the pods its Services and controller select
(podtopologyspread/common.go, filtering.go, scoring.go).
"""

from __future__ import annotations

import math
from operator import attrgetter, itemgetter
from typing import Any

from kspec.labels import DOUBLE_EQUALS, EQUALS, IN, Requirement, Selector
from kspec.nodeaffinity import required_node_affinity_matches
from kspec.objects import controller_of
from kspec.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE_ADD,
    NODE_LABEL,
    NODE_TAINT,
    POD_ADD,
    POD_DELETE,
    POD_LABEL,
    SKIP,
    UNSCHEDULED_POD_UPDATE,
    CycleState,
    Plugin,
    PreFilterResult,
    Status,
    go_round,
    unresolvable,
    unschedulable,
)
from kspec.scheduler.nodeinfo import HOSTNAME_LABEL, ZONE_LABEL, NodeInfo, PodInfo, memo_key, remember
from kspec.scheduler.plugins.helper import first_untolerated, selector_of

NAME = "PodTopologySpread"
#: ErrReasonConstraintsNotMatch / ErrReasonNodeLabelNotMatch
ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints"
ERR_LABEL = ERR_CONSTRAINTS + " (missing required label)"
_REJECT = unschedulable(ERR_CONSTRAINTS)
_REJECT_LABEL = unresolvable(ERR_LABEL)
#: systemDefaultConstraints
SYSTEM_DEFAULT_CONSTRAINTS = (
    {"topologyKey": HOSTNAME_LABEL, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": ZONE_LABEL, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
)
_STATE = "PreFilterPodTopologySpread"
_SCORE_STATE = "PreScorePodTopologySpread"
_PER_NODE_STATE = "PreScorePodTopologySpreadPerNode"
_SELECTOR_STATE = "PodTopologySpreadDefaultSelector"


class Constraint:
    """topologySpreadConstraint: the API constraint with its selector parsed."""

    __slots__ = ("max_skew", "key", "selector", "min_domains", "honor_affinity", "honor_taints")

    def __init__(self, c: dict[str, Any], selector: Selector, pi: PodInfo) -> None:
        self.max_skew = int(c.get("maxSkew", 1))
        self.key: str = c.get("topologyKey", "")
        self.min_domains = int(c.get("minDomains") or 1)
        self.honor_affinity = (c.get("nodeAffinityPolicy") or "Honor") == "Honor"
        self.honor_taints = (c.get("nodeTaintsPolicy") or "Ignore") == "Honor"
        keys = c.get("matchLabelKeys") or []
        if keys:  # matchLabelKeys: the pod's own values join the selector
            extra = [Requirement(k, "in", (pi.labels[k],)) for k in keys if k in pi.labels]
            selector = Selector.from_requirements([*selector.requirements, *extra])
        self.selector = selector

    def includes(self, pi: PodInfo, ni: NodeInfo) -> bool:
        """MatchNodeInclusionPolicies."""
        if self.honor_affinity and not required_node_affinity_matches(pi.node_selector, pi.node_affinity,
                                                                      ni.labels, ni.name):
            return False
        if self.honor_taints and first_untolerated(ni.hard_taints, pi.tolerations) is not None:
            return False
        return True


def count_matching(ni: NodeInfo, selector: Selector, namespace: str) -> int:
    """countPodsMatchSelector: terminating pods and other namespaces do not count."""
    n = 0
    for epi in ni.pods.values():
        if epi.terminating or epi.namespace != namespace:
            continue
        if selector.matches(epi.labels):
            n += 1
    return n


def matching_by_node(cache: Any, selector: Selector, namespace: str) -> dict[str, int] | None:
    """countPodsMatchSelector for every node of ``cache`` at once (node name -> count, nodes without a
    matching pod left out), from the cache's pods-by-label index: only the pods carrying one of the
    selector's required label pairs are looked at, not every pod on every node. None when the selector
    requires no single label pair (the caller then counts node by node)."""
    if selector.nothing:
        return {}
    bucket = None
    for r in selector.requirements:
        if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
            found = cache.pods_by_label.get((r.key, r.values[0]))
            if not found:
                return {}
            if bucket is None or len(found) < len(bucket):
                bucket = found
    if bucket is None:
        return None
    out: dict[str, int] = {}
    matches = selector.matches
    for epi, eni in bucket.values():
        if epi.terminating or epi.namespace != namespace or not matches(epi.labels):
            continue
        name = eni.name
        out[name] = out.get(name, 0) + 1
    return out


#: the controllers whose selector DefaultSelector adds
_SELECTING_OWNERS = ("ReplicationController", "ReplicaSet", "StatefulSet")
#: what DefaultSelector gives a pod nothing selects (Selector is frozen: one object serves every such pod)
_EVERYTHING = Selector.from_requirements([])


class _FilterState:
    __slots__ = ("constraints", "counts")

    def __init__(self, constraints: list[Constraint]) -> None:
        self.constraints = constraints
        self.counts: dict[tuple[str, str], int] = {}

    def clone(self) -> _FilterState:
        new = _FilterState(self.constraints)
        new.counts = dict(self.counts)
        return new

    def min_match(self, c: Constraint) -> int:
        values = [n for (key, _v), n in self.counts.items() if key == c.key]
        if not values or len(values) < c.min_domains:
            return 0
        return min(values)


class PodTopologySpread(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_LABEL, NODE_TAINT, POD_ADD, POD_DELETE, POD_LABEL, UNSCHEDULED_POD_UPDATE)

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        self.defaulting = self.args.get("defaultingType") or "System"
        given = self.args.get("defaultConstraints")
        if self.defaulting == "System":
            self.default_constraints: list[dict[str, Any]] = list(SYSTEM_DEFAULT_CONSTRAINTS)
        else:
            self.default_constraints = list(given or [])

    # -- constraints -----------------------------------------------------------------------
    def _constraints(self, pi: PodInfo, action: str, state: CycleState | None = None
                     ) -> tuple[list[Constraint], bool]:
        """The pod's constraints with that whenUnsatisfiable, or the defaults; and whether defaulted (the
        default selector is worked out once per cycle when given the cycle's state)."""
        if pi.spread_constraints:
            return [Constraint(c, selector_of(c.get("labelSelector")), pi) for c in pi.spread_constraints
                    if (c.get("whenUnsatisfiable") or "DoNotSchedule") == action], False
        if not self.default_constraints:
            return [], False
        selector = state.read(_SELECTOR_STATE) if state is not None else None
        if selector is None:
            selector = self._default_selector(pi)
            if state is not None:
                state.write(_SELECTOR_STATE, selector)
        if selector.is_empty():
            return [], False
        return [Constraint(c, selector, pi) for c in self.default_constraints
                if (c.get("whenUnsatisfiable") or "DoNotSchedule") == action], True

    def _default_selector(self, pi: PodInfo) -> Selector:
        """helper.DefaultSelector: what the pod's Services, RC, ReplicaSet or StatefulSet select."""
        api = self.handle.api
        label_set: dict[str, str] = {}
        for svc in api.store.list("services", pi.namespace):
            sel = (svc.get("spec") or {}).get("selector") or {}
            if sel and all(pi.labels.get(k) == v for k, v in sel.items()):
                label_set.update(sel)
        owner = controller_of(pi.pod)
        if not label_set and (owner is None or owner.get("kind") not in _SELECTING_OWNERS):
            return _EVERYTHING  # nothing selects the pod (a bare pod, no Service): the empty selector, shared
        reqs = list(Selector.from_set(label_set).requirements)
        if owner is not None and owner.get("kind") in _SELECTING_OWNERS:
            resource = {"ReplicationController": "replicationcontrollers", "ReplicaSet": "replicasets",
                        "StatefulSet": "statefulsets"}[owner["kind"]]
            obj = api.store.get(resource, pi.namespace, owner.get("name", ""))
            if obj is not None:
                sel = (obj.get("spec") or {}).get("selector")
                if owner["kind"] == "ReplicationController":
                    reqs += list(Selector.from_set(sel or {}).requirements)
                elif sel:
                    reqs += list(selector_of(sel).requirements)
        return Selector.from_requirements(reqs)

    # -- Filter ---------------------------------------------------------------------------
    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        constraints, _ = self._constraints(pi, "DoNotSchedule", state)
        if not constraints:
            return None, SKIP
        s = _FilterState(constraints)
        cache = self.handle.cache
        per_node = [matching_by_node(cache, c.selector, pi.namespace) for c in constraints]
        for ni in cache.node_list():
            if not all(c.key in ni.labels for c in constraints):
                continue
            for c, known in zip(constraints, per_node, strict=True):
                if not c.includes(pi, ni):
                    continue
                pair = (c.key, ni.labels[c.key])
                n = count_matching(ni, c.selector, pi.namespace) if known is None else known.get(ni.name, 0)
                s.counts[pair] = s.counts.get(pair, 0) + n
        state.write(_STATE, s)
        return None, None

    def add_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> None:
        self._change(state, pi, other, ni, 1)

    def remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> None:
        self._change(state, pi, other, ni, -1)

    def _change(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo, delta: int) -> None:
        s: _FilterState | None = state.read(_STATE)
        if s is None or other.namespace != pi.namespace or other.terminating:
            return
        if not all(c.key in ni.labels for c in s.constraints):
            return
        for c in s.constraints:
            if c.includes(pi, ni) and c.selector.matches(other.labels):
                pair = (c.key, ni.labels[c.key])
                s.counts[pair] = s.counts.get(pair, 0) + delta

    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        s: _FilterState | None = state.read(_STATE)
        if s is None:
            return None
        for c in s.constraints:
            value = ni.labels.get(c.key)
            if value is None:
                return _REJECT_LABEL
            self_match = 1 if c.selector.matches(pi.labels) else 0
            skew = s.counts.get((c.key, value), 0) + self_match - s.min_match(c)
            if skew > c.max_skew:
                return _REJECT
        return None

    # -- Score ----------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        constraints, defaulted = self._constraints(pi, "ScheduleAnyway", state)
        if not constraints:
            return SKIP
        require_all = not defaulted
        ignored: set[str] = set()
        values: list[set[str]] = [set() for _ in constraints]
        # nodes with the same labels for the constraints' keys (a class) are alike here: each class once
        classes = _classes(nodes, constraints)
        distinct = set(classes)
        bad = {cl for cl in distinct if not all(v is not None and v is not False for v in cl)} \
            if require_all else set()
        if bad:
            ignored = {ni.name for ni, cl in zip(nodes, classes, strict=True) if cl in bad}
        eligible = len(nodes) - sum(1 for cl in classes if cl in bad) if bad else len(nodes)
        for cl in distinct - bad:
            # initPreScoreState: with the system defaults a node without the key still counts, as the
            # domain "" (it widens the topology's size; Score gives such a node nothing for it)
            for i, c in enumerate(constraints):
                if c.key != HOSTNAME_LABEL:
                    values[i].add("" if cl[i] is None else cl[i])
        counts: dict[tuple[str, str], int] = {}
        for i, c in enumerate(constraints):
            if c.key != HOSTNAME_LABEL:
                for v in values[i]:
                    counts[(c.key, v)] = 0
        cache = self.handle.cache
        # the matching pods per node, once per distinct selector (the defaults share one)
        per_node: list[dict[str, int] | None] = []
        for i, c in enumerate(constraints):
            same = next((j for j in range(i) if constraints[j].selector is c.selector), None)
            per_node.append(per_node[same] if same is not None
                            else matching_by_node(cache, c.selector, pi.namespace))
        for i, c in enumerate(constraints):
            if c.key == HOSTNAME_LABEL:
                continue
            known = per_node[i]
            if known is None:
                scan = ((ni, count_matching(ni, c.selector, pi.namespace)) for ni in cache.node_list())
            else:  # a node without matching pods adds nothing to its domain
                scan = ((cache.nodes[name], n) for name, n in known.items())
            for ni, n in scan:
                if require_all and not all(k.key in ni.labels for k in constraints):
                    continue
                pair = (c.key, ni.labels.get(c.key, ""))
                if pair not in counts or not c.includes(pi, ni):
                    continue
                counts[pair] += n
        # topologyNormalizingWeight: log(size + 2), size being the number of domains
        weights = [math.log((eligible if c.key == HOSTNAME_LABEL else len(values[i])) + 2)
                   for i, c in enumerate(constraints)]
        state.write(_SCORE_STATE, (constraints, counts, weights, ignored))
        state.write(_PER_NODE_STATE, per_node)
        return None

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        return self.score_nodes(state, pi, [ni])[0]

    def score_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[int]:
        """Score for each node; a node's own matching pods come from the counts per node PreScore worked
        out (for the nodes of the cache; any other node is counted pod by pod). Nodes of the cache alike
        in their labels and without matching pods of their own score alike: one score per class, then the
        few nodes with matching pods."""
        constraints, counts, weights, ignored = state.read(_SCORE_STATE)
        per_node = state.read(_PER_NODE_STATE) or [None] * len(constraints)
        cache = self.handle.cache
        plan = [(c.key, c.key == HOSTNAME_LABEL, known, weight, c.max_skew - 1, c.selector)
                for c, weight, known in zip(constraints, weights, per_node, strict=True)]
        namespace = pi.namespace

        def one(ni: NodeInfo) -> int:
            labels = ni.labels
            total = 0.0
            for key, own, known, weight, extra, selector in plan:
                value = labels.get(key)
                if value is None:
                    continue
                if own:
                    n = (known.get(ni.name, 0) if known is not None and ni.owner is cache
                         else count_matching(ni, selector, namespace))
                else:
                    n = counts.get((key, value), 0)
                total += n * weight + extra  # scoreForCount
            return go_round(total)

        if ignored or any(own and known is None for _k, own, known, *_ in plan) or not (
                state.from_cache or all(ni.owner is cache for ni in nodes)):
            return [0 if ni.name in ignored else one(ni) for ni in nodes]
        classes = _classes(nodes, constraints)
        by_class: dict[tuple[Any, ...], int] = {}
        for cl in set(classes):
            total = 0.0
            for (key, own, _known, weight, extra, _selector), value in zip(plan, cl, strict=True):
                if value is None or value is False:
                    continue
                n = 0 if own else counts.get((key, value), 0)
                total += n * weight + extra  # scoreForCount
            by_class[cl] = go_round(total)
        out = list(map(by_class.__getitem__, classes))
        owners = {name for _k, own, known, *_ in plan if own and known for name in known}
        if owners:
            where = dict(zip(map(_NAME, nodes), range(len(nodes)), strict=True))
            for name in owners:
                i = where.get(name, -1)
                if i >= 0:
                    out[i] = one(nodes[i])
        return out

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> None:
        ignored = state.read(_SCORE_STATE)[3]
        if not ignored:  # each distinct score once
            low = min(scores, default=0)
            high = max(scores, default=0)
            if high == 0:
                scores[:] = [MAX_NODE_SCORE] * len(scores)
            else:
                norm = {s: MAX_NODE_SCORE * (high + low - s) // high for s in set(scores)}
                scores[:] = map(norm.__getitem__, scores)
            return
        valid = [s for s, ni in zip(scores, nodes, strict=True) if ni.name not in ignored]
        low = min(valid, default=0)
        high = max(valid, default=0)
        for i, ni in enumerate(nodes):
            if ni.name in ignored:
                scores[i] = 0
            elif high == 0:
                scores[i] = MAX_NODE_SCORE
            else:
                scores[i] = MAX_NODE_SCORE * (high + low - scores[i]) // high


_NAME = attrgetter("name")
_LABEL_MEMO = attrgetter("label_memo")


def _classes(nodes: list[NodeInfo], constraints: list[Constraint]) -> list[tuple[Any, ...]]:
    """Per node, per constraint: whether it has the hostname label (for that key), else the key's value or
    None; memoized in NodeInfo.label_memo (replaced whenever the node object changes), read in C."""
    keys = tuple(c.key for c in constraints)
    key = memo_key((NAME, keys))
    get = itemgetter(key)
    try:
        return list(map(get, map(_LABEL_MEMO, nodes)))
    except KeyError:
        for ni in nodes:
            if key not in ni.label_memo:
                labels = ni.labels
                remember(ni.label_memo, key, tuple(k in labels if k == HOSTNAME_LABEL else labels.get(k)
                                                   for k in keys))
        return list(map(get, map(_LABEL_MEMO, nodes)))
