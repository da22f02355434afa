"""The node lifecycle controller (pkg/controller/nodelifecycle).

Every ``node-monitor-period`` (5s) it checks each node's last sign of life
(a new Lease renewTime or condition heartbeat, timed by when the controller
saw it). After ``node-monitor-grace-period`` (50s) without one, the node's
conditions become Unknown (``NodeStatusUnknown``: ``Kubelet stopped posting
node status.``) and its pods are marked not ready; a node that never posted a
Ready condition gets ``node-startup-grace-period`` (60s) from its creation,
then Unknown conditions (``NodeStatusNeverUpdated``). Each pass also sorts the
nodes into zones and computes each zone's state (handleDisruption): when every
zone is fully disrupted the controller removes every NoExecute taint and adds
none, so a cluster whose nodes all fail evicts nothing (after an etcd outage
every Lease is stale at once, so this is what keeps it from evicting every
pod). NoExecute taints follow the Ready status each pass observed before it
marked anything Unknown (processTaintBaseEviction): a node seen not ready is
queued in its zone, one seen ready is untainted; a tainting pass every 100ms
(doNoExecuteTaintingPass) takes the queued nodes through the zone's rate
limiter: 0.1 per second (--node-eviction-rate) in a Normal or fully disrupted
zone; in a partially disrupted zone (more than two and at least 55% of its
nodes not ready) 0.01 (--secondary-node-eviction-rate) if it has more than 50
nodes, else none. On every node change it keeps the NoSchedule condition and
cordon taints in step (doNoScheduleTaintingPass) and the beta OS/arch labels
(reconcileNodeLabels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kspec.clock import Timer
from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import template_objects
from kspec.errors import ApiError
from kspec.objects import Obj, get_condition, parse_timestamp, timestamp

NAME = "node-lifecycle-controller"
MONITOR_PERIOD_MS = 5_000  # --node-monitor-period
GRACE_PERIOD_MS = 50_000  # --node-monitor-grace-period (50s since v1.32)
STARTUP_GRACE_PERIOD_MS = 60_000  # --node-startup-grace-period
UNHEALTHY_ZONE_THRESHOLD = 0.55  # --unhealthy-zone-threshold
LARGE_CLUSTER_THRESHOLD = 50  # --large-cluster-size-threshold
EVICTION_QPS = 0.1  # --node-eviction-rate: NoExecute taints per second in a zone
SECONDARY_EVICTION_QPS = 0.01  # --secondary-node-eviction-rate: a large cluster's partially disrupted zone
NODE_EVICTION_PERIOD_MS = 100  # scheduler.NodeEvictionPeriod: how often doNoExecuteTaintingPass runs
LEASE_NAMESPACE = "kube-node-lease"
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
#: labelNodeDisruptionExclusion: a node the zone states leave out
EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption"
#: ZoneState values
STATE_INITIAL, STATE_NORMAL = "Initial", "Normal"
STATE_FULL_DISRUPTION, STATE_PARTIAL_DISRUPTION = "FullDisruption", "PartialDisruption"
#: nodeConditionToTaintKeyStatusMap
CONDITION_TAINTS = {
    ("Ready", "False"): NOT_READY,
    ("Ready", "Unknown"): UNREACHABLE,
    ("MemoryPressure", "True"): "node.kubernetes.io/memory-pressure",
    ("DiskPressure", "True"): "node.kubernetes.io/disk-pressure",
    ("NetworkUnavailable", "True"): "node.kubernetes.io/network-unavailable",
    ("PIDPressure", "True"): "node.kubernetes.io/pid-pressure",
}
_MANAGED = frozenset([*CONDITION_TAINTS.values(), UNSCHEDULABLE])
#: what tryUpdateNodeHealth turns Unknown (NetworkUnavailable is the control plane's)
_WATCHED_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
#: labelReconcileInfo: (stable key, the beta key kept equal to it)
#: Template.derived key: a template's node that reconcile found in need of no write
_NOTHING_TO_WRITE = "nodelifecycle: nothing to write"
_LABEL_RECONCILE = (("kubernetes.io/os", "beta.kubernetes.io/os"), ("kubernetes.io/arch", "beta.kubernetes.io/arch"))


def zone_key(node: Obj) -> str:
    """topology.GetZoneKey: region and zone (the beta labels first), "" when the node has neither."""
    labels = node.get("metadata", {}).get("labels") or {}
    zone = labels.get("failure-domain.beta.kubernetes.io/zone", labels.get("topology.kubernetes.io/zone", ""))
    region = labels.get("failure-domain.beta.kubernetes.io/region", labels.get("topology.kubernetes.io/region", ""))
    if not region and not zone:
        return ""
    return f"{region}:\x00:{zone}"


def excluded_from_disruption_checks(node: Obj) -> bool:
    """isNodeExcludedFromDisruptionChecks: the node carries the exclude-disruption label."""
    return EXCLUDE_DISRUPTION in (node.get("metadata", {}).get("labels") or {})


def compute_zone_state(ready: Sequence[dict[str, Any] | None],
                       threshold: float = UNHEALTHY_ZONE_THRESHOLD) -> tuple[int, str]:
    """ComputeZoneState: the zone's not-ready count (a missing Ready condition counts) and its state.

    No ready node is a full disruption; more than two not ready, and at least ``threshold`` of the
    zone, a partial one.
    """
    not_ready = sum(1 for c in ready if c is None or c.get("status") != "True")
    ready_count = len(ready) - not_ready
    if ready_count == 0 and not_ready > 0:
        return not_ready, STATE_FULL_DISRUPTION
    if not_ready > 2 and not_ready / (not_ready + ready_count) >= threshold:
        return not_ready, STATE_PARTIAL_DISRUPTION
    return not_ready, STATE_NORMAL


def reconciled_labels(labels: dict[str, str]) -> dict[str, str]:
    """reconcileNodeLabels: the beta OS/arch labels to set so they follow the stable ones."""
    update = {}
    for stable, beta in _LABEL_RECONCILE:
        if stable in labels and labels.get(beta) != labels[stable]:
            update[beta] = labels[stable]
    return update


class TokenBucket:
    """flowcontrol.NewTokenBucketRateLimiter(qps, EvictionRateLimiterBurst = 1), full at first; ``qps`` 0 is
    NewFakeNeverRateLimiter (it never accepts)."""

    def __init__(self, qps: float) -> None:
        self.qps = qps
        self._taken_at: int | None = None  # when the last token went: the next is there 1/qps later

    def ready_in(self, now: int) -> int | None:
        """Milliseconds until a token is there (0: now), None for a limiter that never accepts."""
        if self.qps <= 0:
            return None
        if self._taken_at is None:
            return 0
        return max(0, self._taken_at + round(1000 / self.qps) - now)

    def try_accept(self, now: int) -> bool:
        if self.ready_in(now) != 0:
            return False
        self._taken_at = now
        return True


def swap_limiter(old: TokenBucket, qps: float, now: int) -> TokenBucket:
    """RateLimitedTimedQueue.SwapLimiter: the same rate keeps its limiter; a new one starts drained if the old
    one was waiting (a good approach with a burst of 1, upstream says)."""
    if old.qps == qps:
        return old
    new = TokenBucket(qps)
    if qps > 0 and not old.try_accept(now):
        new.try_accept(now)
    return new


@dataclass
class _Health:
    """nodeHealthData: when the node last showed life, its Ready condition and lease as last seen."""

    probe_ms: int
    ready: dict[str, Any] | None = None
    renew: str = ""
    #: the stored Lease object ``renew`` was last compared with (stored objects are read-only: the same object has
    #: the same renewTime, which cannot be newer than ``renew`` any more)
    lease: dict[str, Any] | None = None


@dataclass(slots=True)
class _NodeFacts:
    """What the monitor reads of one stored node object."""

    node: Obj
    ready: dict[str, Any] | None
    zone: str
    excluded: bool
    no_execute: set[str]
    #: ready and without NoExecute taints: a pass changes nothing but when the node was last heard from
    quiet: bool


class NodeLifecycleController(Controller):
    NAME = NAME

    def start(self) -> None:
        self.health: dict[str, _Health] = {}
        self.known: set[str] = set()
        #: node name -> uid, for the RemovingNode event of a node no longer stored
        self._uids: dict[str, str] = {}
        self.zone_states: dict[str, str] = {}
        self.zone_sizes: dict[str, int] = {}
        #: zoneNoExecuteTainter's rate limiters, one per zone, created at the evictionLimiterQPS
        self.limiters: dict[str, TokenBucket] = {}
        self.eviction_qps = EVICTION_QPS
        self.secondary_eviction_qps = SECONDARY_EVICTION_QPS
        #: zoneNoExecuteTainter's UniqueQueues: zone -> node -> when it is due, None once tried (it stays in the
        #: set, so it is not queued again until markNodeForTainting or markNodeAsReachable removes it)
        self.tainting: dict[str, dict[str, int | None]] = {}
        self._pass_timer: Timer | None = None
        #: nodesToRetry: nodes whose pods could not all be marked not ready
        self.retry: set[str] = set()
        #: per node, what the last pass read of its stored object
        self._seen: dict[str, _NodeFacts] = {}
        #: per zone, the Ready conditions the last pass found and the state computed from them
        self._zone_computed: dict[str, tuple[list[dict[str, Any] | None], str]] = {}
        #: the template's nodes and its memo (controller_utils.template_objects), for reconcile
        self._template = template_objects(self.cluster, "nodes")
        self.watch("nodes")
        self.clock.call_every(MONITOR_PERIOD_MS, self.monitor, label="node monitor")

    def _node_event(self, node: Obj, reason: str, event: str) -> None:
        """nodeutil.RecordNodeEvent: ``Node <name> event: <event>``, about a reference with the node's uid."""
        name = node["metadata"]["name"]
        self._uids[name] = node["metadata"].get("uid", "")
        self.events.event({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": self._uids[name]}},
                          "Normal", reason, f"Node {name} event: {event}", component="node-controller")

    # -- monitorNodeHealth --------------------------------------------------------------------
    def monitor(self) -> None:
        nodes = self.api.list("nodes")  # by name already: the store lists cluster-scoped objects by ("", name)
        names = [n["metadata"]["name"] for n in nodes]
        # classifyNodes: a node first seen is registered, one gone is removed (nodeutil.RecordNodeEvent)
        present = set(names)
        for node, name in zip(nodes, names, strict=True):
            if name not in self.known:
                self._node_event(node, "RegisteredNode", f"Registered Node {name} in Controller")
        self.known |= present
        for name in sorted(self.known - present):  # deleted
            self.events.event({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": self._uids.get(
                name, "")}}, "Normal", "RemovingNode", f"Node {name} event: Removing Node {name} from Controller",
                component="node-controller")
            self._uids.pop(name, None)
            self.known.discard(name)
            self._seen.pop(name, None)
            self.health.pop(name, None)
            self.retry.discard(name)
        zones: dict[str, list[dict[str, Any] | None]] = {}
        seen, health, tainting, retry, read = self._seen, self.health, self.tainting, self.retry, self.api.store.get
        now = self.clock.now
        for node, name in zip(nodes, names, strict=True):
            try:
                facts = seen.get(name)
                h = health.get(name)
                if facts is not None and facts.node is node and facts.quiet and h is not None and \
                        h.ready is facts.ready:
                    # a node object seen before, ready and without NoExecute taints: only its Lease is read (what
                    # _monitor_one does for it, without the parts that cannot change)
                    lease = read("leases", LEASE_NAMESPACE, name)
                    if lease is not h.lease or lease is None:  # a Lease renewed since the last pass: compared
                        h.lease = lease
                        renew = (lease or {}).get("spec", {}).get("renewTime") or ""
                        if renew and renew > h.renew:
                            h.renew, h.probe_ms = renew, now
                    if now <= h.probe_ms + GRACE_PERIOD_MS:  # else to be marked Unknown: the full pass
                        if not facts.excluded:
                            zones.setdefault(facts.zone, []).append(facts.ready)
                        if tainting:  # usually no zone has a tainting queue, and no node is to be retried
                            queue = tainting.get(facts.zone)
                            if queue:
                                queue.pop(name, None)
                        if retry:
                            retry.discard(name)
                        continue
                self._monitor_one(node, zones)
            except ApiError:
                continue  # no quorum: try again next period
        self._handle_disruption(zones, names)

    def _facts(self, node: Obj) -> _NodeFacts:
        """What a pass reads of a node object, kept while the stored object is the same (stored objects are
        read-only, so the same object has the same Ready condition, zone, labels and taints)."""
        name = node["metadata"]["name"]
        facts = self._seen.get(name)
        if facts is None or facts.node is not node:
            ready = get_condition(node, "Ready")
            no_execute = _no_execute_keys(node)
            facts = self._seen[name] = _NodeFacts(node, ready, zone_key(node), excluded_from_disruption_checks(node),
                                                  no_execute, ready is not None and ready.get("status") == "True"
                                                  and not no_execute)
        return facts

    def _monitor_one(self, node: Obj, zones: dict[str, list[dict[str, Any] | None]]) -> None:
        name = node["metadata"]["name"]
        observed, node = self.try_update_health(node)
        facts = self._facts(node)
        current = facts.ready
        if not facts.excluded:
            zones.setdefault(facts.zone, []).append(current)
        if current is None:
            self.retry.discard(name)
            return
        if observed == "True" and not facts.no_execute:
            # markNodeAsReachable with no NoExecute taint to remove: only the zone's queue can change
            queue = self.tainting.get(facts.zone)
            if queue:
                queue.pop(name, None)
        else:
            self._process_taint_based_eviction(node, observed)
        went_not_ready = current.get("status") != "True" and observed == "True"
        if went_not_ready:
            # RecordNodeStatusChange: reported once, when the controller sees the change
            self.events.event(node, "Normal", "NodeNotReady", f"Node {name} status is now: NodeNotReady",
                              component="node-controller")
        if went_not_ready or (name in self.retry and observed != "True"):
            # the pods are listed only when some are to be marked (upstream lists them every pass, for
            # processTaintBaseEviction, which needs nothing of them here)
            try:
                pods = self.pods_on(name)
            except ApiError:
                self.retry.add(name)  # the transition must still mark the pods
                return
            if not self._mark_pods_not_ready(name, pods):
                self.retry.add(name)
                return
        self.retry.discard(name)

    def try_update_health(self, node: Obj) -> tuple[str, Obj]:
        """tryUpdateNodeHealth: the Ready status as observed, and the node after any Unknown update."""
        name = node["metadata"]["name"]
        now = self.clock.now
        current = self._facts(node).ready
        h = self.health.get(name)
        if current is None:
            # never posted: the creation time stands in for a heartbeat, with the startup grace period
            observed, grace = "Unknown", STARTUP_GRACE_PERIOD_MS
            if h is None:
                h = self.health[name] = _Health(self._created_ms(node))
            h.ready = None
        else:
            observed, grace = current.get("status", "Unknown"), GRACE_PERIOD_MS
            saved = h.ready if h is not None else None
            if h is None:
                h = self.health[name] = _Health(now)
            elif saved is None or saved.get("lastHeartbeatTime") != current.get("lastHeartbeatTime"):
                h.probe_ms = now
            h.ready = current  # the stored condition: read-only, so no copy is needed to remember it
        lease = self.api.store.get("leases", LEASE_NAMESPACE, name)
        h.lease = lease
        renew = (lease or {}).get("spec", {}).get("renewTime") or ""
        if renew and renew > h.renew:
            h.renew, h.probe_ms = renew, now
        if now > h.probe_ms + grace:
            node = self._mark_unknown(node, current)
            ready = get_condition(node, "Ready")
            h.ready = dict(ready) if ready is not None else None  # what was written is what was last seen
        return observed, node

    def _created_ms(self, node: Obj) -> int:
        created = node["metadata"].get("creationTimestamp")
        return parse_timestamp(created) if created else self.clock.now

    def _mark_unknown(self, node: Obj, observed: dict[str, Any] | None) -> Obj:
        """The conditions the kubelet keeps go Unknown; ones it never posted are added (NodeStatusNeverUpdated)."""
        now = timestamp(self.clock.now)
        created = node["metadata"].get("creationTimestamp") or now

        def unknown(n: Obj) -> None:
            conditions = n["status"].setdefault("conditions", [])
            for ctype in _WATCHED_CONDITIONS:
                cond = next((c for c in conditions if c.get("type") == ctype), None)
                if cond is None:
                    conditions.append({"type": ctype, "status": "Unknown", "lastHeartbeatTime": created,
                                       "lastTransitionTime": now, "reason": "NodeStatusNeverUpdated",
                                       "message": "Kubelet never posted node status."})
                elif cond.get("status") != "Unknown":
                    cond.update(status="Unknown", reason="NodeStatusUnknown",
                                message="Kubelet stopped posting node status.", lastTransitionTime=now)
        new = {**node, "status": {**node.get("status", {}),
                                  "conditions": [dict(c) for c in node.get("status", {}).get("conditions") or []]}}
        unknown(new)
        ready = get_condition(new, "Ready")
        # only a change of the Ready condition is written (the never-posted one was Unknown already)
        if observed is not None and ready == observed:
            return node
        return self.api.patch("nodes", node["metadata"]["name"], "", unknown, status=True)

    def pods_on(self, node: str) -> list[Obj]:
        """getPodsAssignedToNode."""
        return [p for p in self.api.list("pods") if p["spec"].get("nodeName") == node]

    def _mark_pods_not_ready(self, node: str, pods: list[Obj]) -> bool:
        """MarkPodsNotReady: each pod's Ready condition becomes False; False when an update failed."""
        now = timestamp(self.clock.now)
        ok = True
        for pod in pods:
            cond = get_condition(pod, "Ready")
            if cond is None or cond.get("status") == "False":
                continue

            def not_ready(p: Obj) -> None:
                for c in p["status"].get("conditions") or []:
                    if c["type"] == "Ready":
                        c["status"] = "False"
                        c["lastTransitionTime"] = now
            md = pod["metadata"]
            try:
                self.api.patch("pods", md["name"], md["namespace"], not_ready, status=True)
            except ApiError as exc:
                if exc.code != 404:
                    ok = False
                continue
            self.events.event(pod, "Warning", "NodeNotReady", "Node is not ready", component="node-controller")
        return ok

    def _handle_disruption(self, zones: dict[str, list[dict[str, Any] | None]], nodes: list[str]) -> None:
        """handleDisruption: each zone's new state; entering or leaving "every zone fully disrupted"."""
        new_states = {}
        self.zone_sizes = {zone: len(conditions) for zone, conditions in zones.items()}
        computed = self._zone_computed
        for zone, conditions in zones.items():
            # ComputeZoneState is a function of the zone's Ready conditions alone: a pass that found the same ones
            # as the last (the same read-only stored conditions, compared by identity first) reuses its state
            last = computed.get(zone)
            if last is None or last[0] != conditions:
                last = computed[zone] = (conditions, compute_zone_state(conditions)[1])
            new_states[zone] = last[1]
            self.zone_states.setdefault(zone, STATE_INITIAL)
        if len(computed) > len(zones):
            for zone in [z for z in computed if z not in zones]:
                del computed[zone]
        for zone in [z for z in self.zone_states if z not in zones]:
            del self.zone_states[zone]
        all_are = all(s == STATE_FULL_DISRUPTION for s in new_states.values())
        all_were = all(s == STATE_FULL_DISRUPTION for s in self.zone_states.values())
        if all_are and all_were:
            return
        if all_are:
            # master disruption mode: every node loses its NoExecute taints (markNodeAsReachable), and no zone
            # taints any more (SwapLimiter(0))
            for name in nodes:
                self._mark_reachable(name)
            for zone in self.zone_states:
                self.zone_states[zone] = STATE_FULL_DISRUPTION
                self._set_limiter(zone, 0)
            return
        if all_were:
            # leaving it: every node counts as just heard from, and each zone gets its state's rate
            for name in nodes:
                h = self.health.get(name)
                if h is not None:
                    h.probe_ms = self.clock.now
            for zone in self.zone_states:
                self._set_limiter_in_zone(zone, new_states[zone])
                self.zone_states[zone] = new_states[zone]
            return
        for zone in self.zone_states:
            if self.zone_states[zone] != new_states[zone]:
                self._set_limiter_in_zone(zone, new_states[zone])
                self.zone_states[zone] = new_states[zone]

    def _limiter(self, zone: str) -> TokenBucket:
        """The zone's tainting rate limiter (addPodEvictorForNewZone: created at the evictionLimiterQPS)."""
        limiter = self.limiters.get(zone)
        if limiter is None:
            limiter = self.limiters[zone] = TokenBucket(self.eviction_qps)
        return limiter

    def _set_limiter(self, zone: str, qps: float) -> None:
        self.limiters[zone] = swap_limiter(self._limiter(zone), qps, self.clock.now)
        self._arm_pass()

    def _set_limiter_in_zone(self, zone: str, state: str) -> None:
        """setLimiterInZone: Normal and FullDisruption taint at the eviction rate (HealthyQPSFunc); a partially
        disrupted zone at the secondary rate if the cluster is large, else not at all (ReducedQPSFunc)."""
        if state == STATE_PARTIAL_DISRUPTION:
            large = self.zone_sizes.get(zone, 0) > LARGE_CLUSTER_THRESHOLD
            self._set_limiter(zone, self.secondary_eviction_qps if large else 0)
        elif state in (STATE_NORMAL, STATE_FULL_DISRUPTION):
            self._set_limiter(zone, self.eviction_qps)

    # -- NoExecute: processTaintBaseEviction and the zones' rate-limited tainting queues -----------------
    def _process_taint_based_eviction(self, node: Obj, observed: str) -> None:
        """processTaintBaseEviction, with the Ready status as this pass observed it before any Unknown update:
        a node seen not ready is queued for its NoExecute taint (or has the opposite one swapped at once), a
        node seen ready loses both (markNodeAsReachable). A node marked Unknown by this pass is queued on the
        next one."""
        have = _no_execute_keys(node)
        if observed in ("False", "Unknown"):
            want, opposite = (NOT_READY, UNREACHABLE) if observed == "False" else (UNREACHABLE, NOT_READY)
            if opposite in have:
                self._swap_no_execute(node, want, opposite)  # not rate limited
                return
            # markNodeForTainting: a node without the taint is queued again, due now (Remove, then Add)
            queue = self.tainting.setdefault(zone_key(node), {})
            name = node["metadata"]["name"]
            if want not in have:
                queue.pop(name, None)
            if name not in queue:
                queue[name] = self.clock.now
                self._arm_pass()
        elif observed == "True":
            self._mark_reachable(node["metadata"]["name"], node)

    def _mark_reachable(self, name: str, node: Obj | None = None) -> None:
        """markNodeAsReachable: both NoExecute taints go and the node leaves its zone's queue."""
        node = node if node is not None else self.api.store.get("nodes", "", name)
        if node is None:
            return
        if _no_execute_keys(node):
            self._swap_no_execute(node, None, NOT_READY, UNREACHABLE)
        self.tainting.get(zone_key(node), {}).pop(name, None)

    def _arm_pass(self) -> None:
        """doNoExecuteTaintingPass runs every 100ms; here only when a queued node could be tainted, on that grid."""
        wait: int | None = None
        for zone, queue in self.tainting.items():
            queued = [due for due in queue.values() if due is not None]
            ready = self._limiter(zone).ready_in(self.clock.now) if queued else None
            if ready is not None:
                due = max(ready, min(queued) - self.clock.now)
                wait = due if wait is None else min(wait, due)
        if wait is None:
            return
        when = -(-(self.clock.now + wait) // NODE_EVICTION_PERIOD_MS) * NODE_EVICTION_PERIOD_MS
        if self._pass_timer is not None and not self._pass_timer.cancelled and self._pass_timer.when <= when:
            return
        if self._pass_timer is not None:
            self._pass_timer.cancel()
        self._pass_timer = self.clock.call_at(when, self._tainting_pass, label="node NoExecute tainting pass")

    def _tainting_pass(self) -> None:
        self._pass_timer = None
        self.no_execute_tainting_pass()
        self._arm_pass()

    def no_execute_tainting_pass(self, name: str | None = None) -> None:
        """doNoExecuteTaintingPass: each zone's queue, head first, one limiter token per node tried; a node still
        not ready gets its taint, a ready or vanished one leaves the queue. ``name`` is ignored (every queue
        is run, as upstream's pass does)."""
        now = self.clock.now
        for zone in sorted(self.tainting):
            queue = self.tainting[zone]
            limiter = self._limiter(zone)
            for node_name in sorted((n for n in queue if queue[n] is not None), key=lambda n: queue[n] or 0):
                if not limiter.try_accept(now):
                    break
                if (queue[node_name] or 0) > now:
                    break
                node = self.api.store.get("nodes", "", node_name)
                status = (get_condition(node, "Ready") or {}).get("status") if node is not None else None
                if status not in ("False", "Unknown"):
                    queue[node_name] = None  # gone, or ready again: no need to taint it
                    continue
                assert node is not None
                want, opposite = (NOT_READY, UNREACHABLE) if status == "False" else (UNREACHABLE, NOT_READY)
                # RemoveFromQueue keeps a tainted node in the set; a refused write is tried on the next pass
                queue[node_name] = None if self._swap_no_execute(node, want, opposite) else now + 1

    def _swap_no_execute(self, node: Obj, add: str | None, *remove: str) -> bool:
        """SwapNodeControllerTaint for the NoExecute taints: False when the API refused the write."""
        taints = node["spec"].get("taints") or []
        new = [t for t in taints if t.get("effect") != "NoExecute" or t["key"] not in remove]
        if add is not None and add not in _no_execute_keys(node):
            new.append({"key": add, "effect": "NoExecute", "timeAdded": timestamp(self.clock.now)})
        if new == taints:
            return True

        def rewrite(n: Obj) -> None:
            kept = [t for t in n["spec"].get("taints") or []
                    if t.get("effect") != "NoExecute" or t["key"] not in (*remove, add)]
            kept += [t for t in new if t.get("effect") == "NoExecute" and t["key"] == add]
            if kept:
                n["spec"]["taints"] = kept
            else:
                n["spec"].pop("taints", None)
        try:
            self.api.patch("nodes", node["metadata"]["name"], "", rewrite)
        except ApiError:
            return False
        return True

    # -- doNodeProcessingPassWorker ---------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        """doNodeProcessingPassWorker for one changed node: NoSchedule condition taints and labels, written at
        once (NoExecute taints come from the monitor pass and the tainting queues)."""
        node = self.api.store.get("nodes", "", key)  # try_get's read: a reconcile acts for no user
        if node is None:
            self.health.pop(key, None)
            return
        # a node of the cluster's template (kspec/templates.py: shared, read-only) found in need of nothing by a
        # cluster before needs nothing here either: what _write decides is read from the node alone
        template = self._template
        if template is None or template[0].get(("", key)) is not node:
            self._write(node, no_schedule=True, labels=True)
            return
        seen, memo = template[1], (_NOTHING_TO_WRITE, key)
        if seen.get(memo) is not node and not self._write(node, no_schedule=True, labels=True):
            seen[memo] = node

    def no_schedule_tainting_pass(self, name: str) -> None:
        """doNoScheduleTaintingPass alone."""
        self._write(self.api.get("nodes", name, ""), no_schedule=True)

    def reconcile_node_labels(self, name: str) -> None:
        """reconcileNodeLabels alone."""
        self._write(self.api.get("nodes", name, ""), labels=True)

    def _wanted_no_schedule(self, node: Obj) -> set[str]:
        wanted = {taint for cond in node["status"].get("conditions") or []
                  if (taint := CONDITION_TAINTS.get((cond.get("type"), cond.get("status")))) is not None}
        if node["spec"].get("unschedulable"):
            wanted.add(UNSCHEDULABLE)
        return wanted

    def _write(self, node: Obj, *, no_schedule: bool = False, labels: bool = False) -> bool:
        """Write the node's NoSchedule condition taints and reconciled labels; whether it had to."""
        taints = node["spec"].get("taints") or []
        new = list(taints)
        if no_schedule:
            want = self._wanted_no_schedule(node)
            have = {t["key"] for t in new if t.get("effect") == "NoSchedule" and t["key"] in _MANAGED}
            new = [t for t in new if t.get("effect") != "NoSchedule" or t["key"] not in _MANAGED or t["key"] in want]
            new += [{"key": k, "effect": "NoSchedule"} for k in sorted(want - have)]
        label_update = reconciled_labels(node["metadata"].get("labels") or {}) if labels else {}
        if new == taints and not label_update:
            return False

        def rewrite(n: Obj) -> None:
            if new:
                n["spec"]["taints"] = new
            else:
                n["spec"].pop("taints", None)
            if label_update:
                n["metadata"].setdefault("labels", {}).update(label_update)
        self.api.patch("nodes", node["metadata"]["name"], "", rewrite)
        return True


def _no_execute_keys(node: Obj) -> set[str]:
    """The node's not-ready / unreachable NoExecute taints."""
    return {t["key"] for t in node["spec"].get("taints") or []
            if t.get("effect") == "NoExecute" and t["key"] in (NOT_READY, UNREACHABLE)}
