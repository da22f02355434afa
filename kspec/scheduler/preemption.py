"""Preemption (framework/preemption and plugins/defaultpreemption): evict lower-priority pods so a
pending pod fits.

Candidates are the nodes whose filters said Unschedulable (not
UnschedulableAndUnresolvable). On each, every lower-priority pod is removed;
if the pod then fits, victims are reprieved one by one, most important
first, PDB-violating ones before the others. The node is then chosen by
fewest PDB violations, lowest highest-priority victim, lowest priority sum,
fewest victims, latest start of the highest-priority victims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cmp_to_key
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.labels import Selector
from kspec.objects import set_condition
from kspec.scheduler.framework import (
    SUCCESS,
    Code,
    CycleState,
    Diagnosis,
    PostFilterResult,
    Status,
    error,
    fit_error_message,
    unresolvable,
)
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.plugins.helper import selector_of

if TYPE_CHECKING:
    from kspec.scheduler.runtime import Framework

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
NO_CANDIDATE = "no candidate node for preemption"
NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never."
NOT_ELIGIBLE_TERMINATING = "not eligible due to a terminating pod on the nominated node."
#: math.MaxInt32 + 1, added to priorities before summing them
_PRIORITY_OFFSET = 2**31


@dataclass
class Candidate:
    node: str
    victims: list[PodInfo]
    pdb_violations: int


def _importance_key(pi: PodInfo) -> tuple[int, int]:
    return (-pi.priority, pi.start_ms)


class Evaluator:
    """preemption.Evaluator. ``is_eligible_pod(node, victim, preemptor)`` and ``more_important_pod(a, b)`` are
    DefaultPreemption's IsEligiblePod and MoreImportantPod hooks (None: upstream's defaults, every lower-priority
    pod and the priority-then-start-time order), which an out-of-tree build of the plugin may replace."""

    def __init__(self, fw: Framework, plugin_name: str, min_percentage: int = 10, min_absolute: int = 100) -> None:
        self.fw = fw
        self.plugin_name = plugin_name
        self.min_percentage = min_percentage
        self.min_absolute = min_absolute
        self.is_eligible_pod: Callable[[NodeInfo, PodInfo, PodInfo], bool] | None = None
        self.more_important_pod: Callable[[PodInfo, PodInfo], bool] | None = None

    # -- Preempt ------------------------------------------------------------------------------
    def preempt(self, state: CycleState, pi: PodInfo, diagnosis: Diagnosis) -> tuple[PostFilterResult | None, Status]:
        live = self.fw.api.try_get("pods", pi.name, pi.namespace)
        if live is None:
            return None, error(f'pods "{pi.name}" not found')
        pi = PodInfo(live)
        ok, msg = self.eligible(pi, diagnosis.node_statuses.get(pi.nominated_node))
        if not ok:
            return None, Status(Code.UNSCHEDULABLE, msg)
        all_nodes = self.fw.cache.node_list()
        candidates, statuses = self.find_candidates(state, pi, diagnosis, all_nodes)
        errors = [st.message for st in statuses.values() if st.code == Code.ERROR]
        if errors and not candidates:  # DryRunPreemption's aggregated errors
            return None, error(errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]")
        if not candidates:
            inner = Diagnosis(node_statuses=statuses, absent_status=unresolvable(NOT_HELPFUL))
            return PostFilterResult(""), Status(Code.UNSCHEDULABLE, fit_error_message(len(all_nodes), inner))
        best = self.select_candidate(candidates)
        if best is None:
            return None, Status(Code.UNSCHEDULABLE, NO_CANDIDATE)
        status = self.prepare_candidate(best, pi)
        if status is not None:
            return None, status
        return PostFilterResult(best.node), SUCCESS

    def eligible(self, pi: PodInfo, nominated_status: Status | None) -> tuple[bool, str]:
        """PodEligibleToPreemptOthers."""
        if pi.preempt_never:
            return False, NOT_ELIGIBLE_NEVER
        if pi.nominated_node:
            if nominated_status is not None and nominated_status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return True, ""
            ni = self.fw.cache.nodes.get(pi.nominated_node)
            if ni is not None:
                for other in ni.pods.values():
                    if other.priority < pi.priority and _terminating_by_preemption(other):
                        return False, NOT_ELIGIBLE_TERMINATING
        return True, ""

    def num_candidates(self, n: int) -> int:
        """calculateNumCandidates: 10% of the nodes, at least 100, at most all."""
        return min(n, max(n * self.min_percentage // 100, self.min_absolute))

    def find_candidates(self, state: CycleState, pi: PodInfo, diagnosis: Diagnosis, all_nodes: list[NodeInfo]
                        ) -> tuple[list[Candidate], dict[str, Status]]:
        potential = nodes_where_preemption_might_help(all_nodes, diagnosis)
        if not potential:
            if pi.nominated_node:
                self._clear_nomination([pi])
            return [], {}
        pdbs = self.fw.api.store.list("poddisruptionbudgets")
        offset = self.fw.rng.randrange(len(potential))
        return self.dry_run(state, pi, potential, pdbs, offset, self.num_candidates(len(potential)))

    def dry_run(self, state: CycleState, pi: PodInfo, potential: list[NodeInfo], pdbs: list[dict[str, Any]],
                offset: int, wanted: int) -> tuple[list[Candidate], dict[str, Status]]:
        """DryRunPreemption: from ``offset`` round the potential nodes until a non-violating candidate is found
        and there are ``wanted`` candidates; each of the two candidate lists holds at most ``wanted``
        (newCandidateList's capacity), a further candidate of a full list is dropped."""
        non_violating: list[Candidate] = []
        violating: list[Candidate] = []
        statuses: dict[str, Status] = {}
        for i in range(len(potential)):
            ni = potential[(offset + i) % len(potential)]
            victims, violations, status = self.select_victims_on_node(state.clone(), pi, ni.clone(), pdbs)
            if status is None and victims:
                bucket = violating if violations else non_violating
                if len(bucket) < wanted:
                    bucket.append(Candidate(ni.name, victims, violations))
                if non_violating and len(non_violating) + len(violating) >= wanted:
                    break
                continue
            if status is None:
                status = error(f'expected at least one victim pod on node "{ni.name}"')
            statuses[ni.name] = status
        return non_violating + violating, statuses

    def select_victims_on_node(self, state: CycleState, pi: PodInfo, ni: NodeInfo, pdbs: list[dict[str, Any]]
                               ) -> tuple[list[PodInfo], int, Status | None]:
        fw = self.fw
        eligible = self.is_eligible_pod
        # isPreemptionAllowed: a lower priority, and the IsEligiblePod hook
        potential = [p for p in ni.pods.values()
                     if p.priority < pi.priority and (eligible is None or eligible(ni, p, pi))]
        for p in potential:
            ni.remove_pod(p)
            failed = fw.run_remove_pod(state, pi, p, ni)
            if failed is not None:
                return [], 0, failed
        if not potential:
            return [], 0, unresolvable(NO_VICTIMS)
        status = fw.run_filters_with_nominated(state, pi, ni)
        if status is not None:
            return [], 0, status
        order: Callable[[PodInfo], Any] = _importance_key
        if self.more_important_pod is not None:
            more = self.more_important_pod
            order = cmp_to_key(lambda a, b: -1 if more(a, b) else (1 if more(b, a) else 0))
        potential.sort(key=order)
        violating, non_violating = filter_pods_with_pdb_violation(potential, pdbs)
        victims: list[PodInfo] = []

        def reprieve(p: PodInfo) -> bool:
            ni.add_pod(p)
            failed = fw.run_add_pod(state, pi, p, ni)
            if failed is not None:
                raise _ExtensionFailed(failed)
            if fw.run_filters_with_nominated(state, pi, ni) is None:
                return True
            ni.remove_pod(p)
            failed = fw.run_remove_pod(state, pi, p, ni)
            if failed is not None:
                raise _ExtensionFailed(failed)
            victims.append(p)
            return False

        try:
            violations = sum(1 for p in violating if not reprieve(p))
            for p in non_violating:
                reprieve(p)
        except _ExtensionFailed as exc:
            return [], 0, exc.status
        if violating and non_violating:
            victims.sort(key=order)
        return victims, violations, None

    def select_candidate(self, candidates: list[Candidate]) -> Candidate | None:
        """pickOneNodeForPreemption: each criterion keeps the best-scoring nodes until one is left."""
        if not candidates:
            return None
        scores = (
            lambda c: -c.pdb_violations,
            lambda c: -c.victims[0].priority,
            lambda c: -sum(v.priority + _PRIORITY_OFFSET for v in c.victims),
            lambda c: -len(c.victims),
            lambda c: _earliest_start_of_highest(c.victims),
        )
        left = list(candidates)
        for score in scores:
            best = max(score(c) for c in left)
            left = [c for c in left if score(c) == best]
            if len(left) == 1:
                break
        return left[0]

    def prepare_candidate(self, c: Candidate, pi: PodInfo) -> Status | None:
        """Mark each victim DisruptionTarget, delete it gracefully, and clear lower nominations there."""
        fw = self.fw
        api = fw.api
        now = fw.cluster.clock.now
        for victim in c.victims:
            def mark(p: dict[str, Any]) -> None:
                set_condition(p, "DisruptionTarget", "True", now, "PreemptionByScheduler",
                              f"{fw.name}: preempting to accommodate a higher priority pod")
            try:
                api.patch("pods", victim.name, victim.namespace, mark, status=True)
                api.delete("pods", victim.name, victim.namespace)
            except ApiError as exc:
                if exc.code != 404:
                    return error(exc.message)
                continue
            live = api.try_get("pods", victim.name, victim.namespace) or victim.pod
            fw.cluster.events.event(live, "Normal", "Preempted", f"Preempted by pod {pi.uid} on node {c.node}",
                                    component=fw.name, action="Preempting")
        lower = [p for p in fw.scheduler.queue.nominated_pods(c.node) if p.priority < pi.priority]
        self._clear_nomination(lower)
        return None

    def _clear_nomination(self, pods: list[PodInfo]) -> None:
        for p in pods:
            def clear(obj: dict[str, Any]) -> None:
                obj.setdefault("status", {}).pop("nominatedNodeName", None)
            try:
                self.fw.api.patch("pods", p.name, p.namespace, clear, status=True)
            except ApiError:
                continue


class _ExtensionFailed(Exception):
    """An AddPod or RemovePod that failed while reprieving victims (reprievePod's error)."""

    def __init__(self, status: Status) -> None:
        super().__init__(status.message)
        self.status = status


def nodes_where_preemption_might_help(nodes: list[NodeInfo], diagnosis: Diagnosis) -> list[NodeInfo]:
    """nodesWherePreemptionMightHelp: the nodes whose status is Unschedulable (a node without one has the
    diagnosis' absent status, UnschedulableAndUnresolvable unless said otherwise); UnschedulableAndUnresolvable
    means removing pods cannot help."""
    statuses, absent = diagnosis.node_statuses, diagnosis.absent_status
    out = []
    for ni in nodes:
        status = statuses.get(ni.name) or absent
        if status is not None and status.code == Code.UNSCHEDULABLE:
            out.append(ni)
    return out


def _terminating_by_preemption(pi: PodInfo) -> bool:
    if not pi.terminating:
        return False
    for cond in (pi.pod.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "DisruptionTarget":
            return cond.get("status") == "True" and cond.get("reason") == "PreemptionByScheduler"
    return False


def _earliest_start_of_highest(victims: list[PodInfo]) -> int:
    """util.GetEarliestPodStartTime: the earliest start among the highest-priority victims."""
    top = max(v.priority for v in victims)
    return min(v.start_ms for v in victims if v.priority == top)


def filter_pods_with_pdb_violation(pods: list[PodInfo], pdbs: list[dict[str, Any]]
                                   ) -> tuple[list[PodInfo], list[PodInfo]]:
    """filterPodsWithPDBViolation: stable split by whether evicting the pod breaks a budget."""
    allowed = [int((p.get("status") or {}).get("disruptionsAllowed", 0)) for p in pdbs]
    selectors: list[Selector | None] = []
    for pdb in pdbs:
        sel = selector_of((pdb.get("spec") or {}).get("selector"))
        selectors.append(None if sel.is_empty() or sel.nothing else sel)
    violating, non_violating = [], []
    for p in pods:
        broken = False
        if p.labels:
            for i, pdb in enumerate(pdbs):
                sel = selectors[i]
                if pdb["metadata"].get("namespace") != p.namespace or sel is None or not sel.matches(p.labels):
                    continue
                if p.name in ((pdb.get("status") or {}).get("disruptedPods") or {}):
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    broken = True
        (violating if broken else non_violating).append(p)
    return violating, non_violating
