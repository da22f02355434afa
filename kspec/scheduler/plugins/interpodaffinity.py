"""InterPodAffinity: required pod affinity and anti-affinity (the pod's and existing pods'), and their
preferred forms as a score (interpodaffinity/filtering.go, scoring.go)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kspec.scheduler.framework import (
    MAX_NODE_SCORE,
    NODE_ADD,
    NODE_LABEL,
    POD_ADD,
    POD_DELETE,
    POD_LABEL,
    SKIP,
    UNSCHEDULED_POD_UPDATE,
    Code,
    CycleState,
    Plugin,
    PreFilterResult,
    Status,
    unresolvable,
    unschedulable,
)
from kspec.scheduler.nodeinfo import AffinityTerm, NodeInfo, PodInfo

NAME = "InterPodAffinity"
#: ErrReasonAffinityRulesNotMatch / ErrReasonAntiAffinityRulesNotMatch / ErrReasonExistingAntiAffinityRulesNotMatch
ERR_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
_REJECT_AFFINITY = unresolvable(ERR_AFFINITY)
_REJECT_ANTI = unschedulable(ERR_ANTI_AFFINITY)
_REJECT_EXISTING = unschedulable(ERR_EXISTING_ANTI_AFFINITY)
_STATE = "PreFilterInterPodAffinity"
#: at most this many rejected nodes are looked up by place (each lookup is a scan of the batch in C)
_FEW = 64
_SCORE_STATE = "PreScoreInterPodAffinity"
Pair = tuple[str, str]


def _bump(counts: dict[Pair, int], pair: Pair, delta: int) -> None:
    left = counts.get(pair, 0) + delta
    if left:
        counts[pair] = left
    else:
        counts.pop(pair, None)


class _FilterState:
    __slots__ = ("affinity", "anti", "existing", "checks")

    def __init__(self) -> None:
        self.affinity: dict[Pair, int] = {}
        self.anti: dict[Pair, int] = {}
        self.existing: dict[Pair, int] = {}
        # filter_nodes' checks, built from the counts once per attempt (None: not yet, or the counts changed)
        self.checks: list[tuple[str, set[str], Status]] | None = None

    def clone(self) -> _FilterState:
        new = _FilterState()
        new.affinity, new.anti, new.existing = dict(self.affinity), dict(self.anti), dict(self.existing)
        return new


#: getPreFilterState's error when PreFilter did not run
_NO_STATE = Status(Code.ERROR, f'error reading "PreFilter{NAME}" from cycleState: not found')


class InterPodAffinity(Plugin):
    NAME = NAME
    EVENTS = (NODE_ADD, NODE_LABEL, POD_ADD, POD_DELETE, POD_LABEL, UNSCHEDULED_POD_UPDATE)

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        super().__init__(args, handle)
        self.hard_weight = int(self.args.get("hardPodAffinityWeight", 1))  # SetDefaults_InterPodAffinityArgs
        self.ignore_existing_preferred = bool(self.args.get("ignorePreferredTermsOfExistingPods", False))

    def _ns_labels(self, ns: str) -> dict[str, str]:
        return self.handle.namespace_labels(ns)

    # -- PreFilter and its extensions ---------------------------------------------------------
    def pre_filter(self, state: CycleState, pi: PodInfo) -> tuple[PreFilterResult | None, Status | None]:
        cache = self.handle.cache
        if not pi.required_affinity and not pi.required_anti_affinity and not cache.anti_affinity_nodes:
            return None, SKIP
        s = _FilterState()
        # existing pods' anti-affinity: only terms that require a label pair the pod has (or none) can match.
        # The loops are _existing_anti and _incoming inlined (counts only go up here): a replica group's
        # members are each visited, hundreds of them in a large group
        seen: set[str] = set()
        ns_labels = self._ns_labels
        existing = s.existing
        for bucket in (cache.anti_terms.get(None), *(cache.anti_terms.get(p) for p in pi.labels.items())):
            for uid, (epi, ni) in (bucket or {}).items():
                if uid not in seen:
                    seen.add(uid)
                    for term in epi.required_anti_affinity:
                        value = ni.labels.get(term.topology_key)
                        if value is not None and term.matches(pi, ns_labels):
                            pair = (term.topology_key, value)
                            existing[pair] = existing.get(pair, 0) + 1
        if pi.required_affinity:
            for epi, ni in self._candidates(pi):
                self._incoming(s, epi, ni, pi, 1)
        elif pi.required_anti_affinity:
            anti = s.anti
            terms = pi.required_anti_affinity
            for epi, ni in self._candidates(pi):
                labels = ni.labels
                for t in terms:
                    value = labels.get(t.topology_key)
                    if value is not None and t.matches(epi, ns_labels):
                        pair = (t.topology_key, value)
                        anti[pair] = anti.get(pair, 0) + 1
        if not pi.required_affinity and not pi.required_anti_affinity and not s.existing:
            return None, SKIP  # PreFilter: no terms of its own, and no existing pod's anti-affinity matches it
        state.write(_STATE, s)
        return None, None

    def _candidates(self, pi: PodInfo) -> list[tuple[PodInfo, NodeInfo]]:
        """Existing pods that may match one of the pod's required terms (all pods if a term has no index)."""
        cache = self.handle.cache
        keys = [t.index_key() for t in (*pi.required_affinity, *pi.required_anti_affinity)]
        if None in keys:
            return [(epi, ni) for ni in cache.node_list() for epi in ni.pods.values()]
        out: dict[str, tuple[PodInfo, NodeInfo]] = {}
        for key in keys:
            out.update(cache.pods_by_label.get(key) or {})
        return list(out.values())

    def _existing_anti(self, s: _FilterState, epi: PodInfo, ni: NodeInfo, pi: PodInfo, delta: int) -> None:
        for term in epi.required_anti_affinity:
            value = ni.labels.get(term.topology_key)
            if value is not None and term.matches(pi, self._ns_labels):
                _bump(s.existing, (term.topology_key, value), delta)

    def _incoming(self, s: _FilterState, epi: PodInfo, ni: NodeInfo, pi: PodInfo, delta: int) -> None:
        labels = ni.labels
        if pi.required_affinity and all(t.matches(epi, self._ns_labels) for t in pi.required_affinity):
            for t in pi.required_affinity:
                value = labels.get(t.topology_key)
                if value is not None:
                    _bump(s.affinity, (t.topology_key, value), delta)
        for t in pi.required_anti_affinity:
            value = labels.get(t.topology_key)
            if value is not None and t.matches(epi, self._ns_labels):
                _bump(s.anti, (t.topology_key, value), delta)

    def add_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> None:
        self._change(state, pi, other, ni, 1)

    def remove_pod(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo) -> None:
        self._change(state, pi, other, ni, -1)

    def _change(self, state: CycleState, pi: PodInfo, other: PodInfo, ni: NodeInfo, delta: int) -> None:
        s = state.read(_STATE)
        if s is None:
            return
        s.checks = None
        self._existing_anti(s, other, ni, pi, delta)
        self._incoming(s, other, ni, pi, delta)

    # -- Filter -------------------------------------------------------------------------
    def filter(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> Status | None:
        s: _FilterState | None = state.read(_STATE)
        if s is None:  # PreFilter did not run (had it said Skip, the framework would not call Filter)
            return _NO_STATE
        labels = ni.labels
        if pi.required_affinity and not self._satisfies_affinity(s, pi, labels):
            return _REJECT_AFFINITY
        for t in pi.required_anti_affinity:
            value = labels.get(t.topology_key)
            if value is not None and s.anti.get((t.topology_key, value), 0) > 0:
                return _REJECT_ANTI
        if s.existing:
            for pair in labels.items():
                if s.existing.get(pair, 0) > 0:
                    return _REJECT_EXISTING
        return None

    def filter_nodes(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> list[Status | None] | None:
        """Filter over many nodes; without required affinity, the topology pairs that reject are known up
        front (anti-affinity before existing pods' anti-affinity, as in filter)."""
        s: _FilterState | None = state.read(_STATE)
        if s is None:
            return [_NO_STATE] * len(nodes)
        if pi.required_affinity:
            f = self.filter
            return [f(state, pi, ni) for ni in nodes]
        checks = s.checks
        if checks is None:
            checks = s.checks = self._checks(s, pi)
        if not checks:
            return None if state.batch_from_cache else [None] * len(nodes)
        places = state.node_positions
        if state.batch_from_cache and places is not None and len(places) == len(nodes):
            found = self._few_rejected(checks, places)
            if found is not None:
                return found
        if len(checks) == 1:
            key, values, verdict = checks[0]
            return [verdict if ni.labels.get(key) in values else None for ni in nodes]
        if len(checks) == 2 and checks[0][0] == checks[1][0]:
            key, first, v1 = checks[0]
            second, v2 = checks[1][1], checks[1][2]
            return [v1 if value in first else v2 if value in second else None
                    for value in [ni.labels.get(key) for ni in nodes]]
        out: list[Status | None] = []
        append = out.append
        for ni in nodes:
            labels = ni.labels
            for key, values, verdict in checks:
                if labels.get(key) in values:
                    append(verdict)
                    break
            else:
                append(None)
        return out

    @staticmethod
    def _checks(s: _FilterState, pi: PodInfo) -> list[tuple[str, set[str], Status]]:
        """(topology key, values that reject, verdict): the pod's anti-affinity terms in order, then existing
        pods' anti-affinity by key (a node label pair with a positive count rejects). Each batch of an attempt
        reads the same (a large replica group has hundreds of values)."""
        checks: list[tuple[str, set[str], Status]] = []
        for t in pi.required_anti_affinity:
            values = {v for (k, v), n in s.anti.items() if k == t.topology_key and n > 0}
            if values:
                checks.append((t.topology_key, values, _REJECT_ANTI))
        existing: dict[str, set[str]] = {}
        for (k, v), n in s.existing.items():
            if n > 0:
                existing.setdefault(k, set()).add(v)
        checks += [(k, values, _REJECT_EXISTING) for k, values in existing.items()]
        return checks

    def _few_rejected(self, checks: list[tuple[str, set[str], Status]], places: Sequence[int]
                      ) -> list[Status | None] | None:
        """The verdicts from the cache's index of nodes by label (``places``: the nodes' places in its node
        list) when few nodes carry a rejecting value (hostname anti-affinity: one node per value), looking
        each one up among ``places``; None when too many do. Consecutive places (a ``range``, the common
        batch) are looked up by arithmetic, so up to as many as the batch holds may be (a replica group of
        hundreds of pods: still less work than a look at every node); a list is scanned in C per lookup, so
        only a few."""
        cache = self.handle.cache
        consecutive = type(places) is range and places.step == 1
        budget = max(_FEW, len(places)) if consecutive else _FEW
        hits: list[tuple[list[int], Status]] = []
        total = 0
        for key, values, verdict in checks:
            index = cache.label_index(key)
            for value in values:
                where = index.get(value)
                if where:
                    total += len(where)
                    if total > budget:
                        return None
                    hits.append((where, verdict))
        out: list[Status | None] = [None] * len(places)
        if consecutive:
            lo, hi = places.start, places.stop  # type: ignore[attr-defined]
            for where, verdict in hits:
                for place in where:
                    # the first check that rejects a node names it, as in filter
                    if lo <= place < hi and out[place - lo] is None:
                        out[place - lo] = verdict
            return out
        find = places.index
        for where, verdict in hits:
            for place in where:
                try:
                    i = find(place)
                except ValueError:  # not among these nodes
                    continue
                if out[i] is None:  # the first check that rejects a node names it, as in filter
                    out[i] = verdict
        return out

    def _satisfies_affinity(self, s: _FilterState, pi: PodInfo, labels: dict[str, str]) -> bool:
        """satisfyPodAffinity, with the exception for the first pod of a self-affine group."""
        pods_exist = True
        for t in pi.required_affinity:
            value = labels.get(t.topology_key)
            if value is None:
                return False  # every topology label must exist on the node
            if s.affinity.get((t.topology_key, value), 0) <= 0:
                pods_exist = False
        if pods_exist:
            return True
        return not s.affinity and all(t.matches(pi, self._ns_labels) for t in pi.required_affinity)

    # -- Score --------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Status | None:
        has_constraints = bool(pi.preferred_affinity or pi.preferred_anti_affinity)
        if self.ignore_existing_preferred and not has_constraints:
            return SKIP
        cache = self.handle.cache
        if not has_constraints and not cache.scoring_affinity_nodes:
            return SKIP
        scores: dict[str, dict[str, int]] = {}
        sources = cache.node_list() if has_constraints else list(cache.scoring_affinity_nodes.values())
        for ni in sources:
            if not ni.labels:
                continue
            # an existing pod whose only term is a required anti-affinity adds nothing to a score
            pods = ni.pods.values() if has_constraints else [p for p in ni.pods_with_affinity
                                                             if p.has_scoring_affinity]
            for epi in pods:
                self._process_existing(scores, pi, epi, ni)
        if not scores:
            return SKIP  # PreScore: no term of the pod or of an existing pod applies to any topology
        state.write(_SCORE_STATE, scores)
        return None

    def _process_existing(self, scores: dict[str, dict[str, int]], pi: PodInfo, epi: PodInfo,
                          ni: NodeInfo) -> None:
        self._terms(scores, pi.preferred_affinity, epi, ni, 1, None)
        self._terms(scores, pi.preferred_anti_affinity, epi, ni, -1, None)
        if self.hard_weight > 0:
            self._terms(scores, epi.required_affinity, pi, ni, 1, self.hard_weight)
        if not self.ignore_existing_preferred:
            self._terms(scores, epi.preferred_affinity, pi, ni, 1, None)
            self._terms(scores, epi.preferred_anti_affinity, pi, ni, -1, None)

    def _terms(self, scores: dict[str, dict[str, int]], terms: list[AffinityTerm], target: PodInfo,
               ni: NodeInfo, multiplier: int, weight: int | None) -> None:
        for t in terms:
            value = ni.labels.get(t.topology_key)
            if value is None or not t.matches(target, self._ns_labels):
                continue
            by_value = scores.setdefault(t.topology_key, {})
            by_value[value] = by_value.get(value, 0) + (t.weight if weight is None else weight) * multiplier

    def score(self, state: CycleState, pi: PodInfo, ni: NodeInfo) -> int:
        scores: dict[str, dict[str, int]] = state.read(_SCORE_STATE) or {}
        total = 0
        for key, by_value in scores.items():
            value = ni.labels.get(key)
            if value is not None:
                total += by_value.get(value, 0)
        return total

    def normalize_score(self, state: CycleState, pi: PodInfo, scores: list[int], nodes: list[NodeInfo]) -> None:
        if not scores:
            return
        low, high = min(scores), max(scores)
        diff = high - low
        for i, s in enumerate(scores):
            scores[i] = int(MAX_NODE_SCORE * ((s - low) / diff)) if diff > 0 else 0
