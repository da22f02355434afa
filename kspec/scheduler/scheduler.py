"""The scheduler component: watches pods and nodes, runs one scheduling cycle per clock callback.

``Scheduler(cluster, config)`` serves every profile of its
KubeSchedulerConfiguration; pods naming another ``schedulerName`` and pods
that already have ``spec.nodeName`` are left alone. A cycle (schedule_one.go)
pops one pod, filters and scores nodes through the profile's framework,
assumes the pod onto the chosen node and binds it at the same instant; a
failure runs PostFilter (preemption), records ``FailedScheduling`` and the
``PodScheduled=False`` condition, and parks the pod in the queue.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Sequence
from functools import partial
from itertools import chain, compress, repeat
from operator import attrgetter, is_, itemgetter, not_
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError, PluginError, StepError
from kspec.objects import Obj, set_condition
from kspec.scheduler import framework as fwk
from kspec.scheduler.cache import Cache
from kspec.scheduler.explain import Attempt, Explainer, PackedStatuses
from kspec.scheduler.framework import Code, CycleState, Diagnosis, Status
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo
from kspec.scheduler.profile.config import SchedulerConfiguration, configured
from kspec.scheduler.queue import QueuedPodInfo, SchedulingQueue
from kspec.scheduler.registry import PluginRegistry, build_registry
from kspec.scheduler.runtime import Framework

if TYPE_CHECKING:
    from kspec.cluster import Cluster

COMPONENT = "default-scheduler"
#: minFeasibleNodesToFind / minFeasibleNodesPercentageToFind
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
#: noteLenLimit (events.go): longer event messages are cut with " ..."
NOTE_LEN_LIMIT = 1024
#: how long a binding cycle waits before calling a PreBind plugin that answered Wait again (BindPodVolumes polls
#: every second)
PRE_BIND_POLL_MS = 1000
#: the places of PreBindPreFlight and PreBind among the points from Reserve to Bind (Reserve and Permit, before
#: them, end the scheduling cycle)
_PRE_BIND_PRE_FLIGHTS, _PRE_BIND = 2, 3
_TERMINAL = ("Succeeded", "Failed")
#: the "plugin" a pod is unschedulable for when the cluster has no nodes at all (retried on Node/Add)
NO_NODES = "<no nodes>"
_FIRST = itemgetter(0)
_CODE = attrgetter("code")
_PLUGIN = attrgetter("plugin")
_NONES = repeat(None)
#: _filter_chunks' mark for "the failed nodes got more than one Status object"
_MIXED = object()


def num_feasible_nodes_to_find(percentage: int, num_all_nodes: int) -> int:
    """numFeasibleNodesToFind: all nodes below 100, else an adaptive share (50% - n/125, at least 5%)."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    if percentage == 0:
        percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def nth_index(values: list[int], value: int, nth: int, count: int) -> int:
    """The index of the ``nth`` (from 0) occurrence of ``value`` in ``values``, which holds it ``count``
    times. With few other values around, the guess ``i`` is moved on by how many occurrences are still
    missing up to it (never past the answer), each step a slice count in C; with few occurrences, they
    are walked with list.index."""
    if nth <= 8 or len(values) - count > count:
        i = values.index(value)
        for _ in range(nth):
            i = values.index(value, i + 1)
        return i
    i = nth
    seen = values[:i + 1].count(value)
    while seen <= nth:
        step = nth + 1 - seen
        seen += values[i + 1:i + 1 + step].count(value)
        i += step
    return i


def _top_byte(data: bytes) -> int:
    """max(data) for totals of at most 200 (run_score_parts' bytes): the first value found looking down from
    200, each look a memchr, instead of max() making an int per byte; max() when none is."""
    for value in _DOWN_FROM_200:
        if value in data:
            return value
    return max(data)


_DOWN_FROM_200 = range(200, -1, -1)


def _distinct(statuses: list[Status]) -> list[Status]:
    """The distinct Status objects (by identity) in first-seen order; the common case, one object for
    every node (a shared rejection), is found with one pass in C."""
    if statuses and all(map(is_, statuses, repeat(statuses[0]))):
        return [statuses[0]]
    return list(dict(zip(map(id, statuses), statuses, strict=True)).values())


def truncate_message(message: str) -> str:
    if len(message) <= NOTE_LEN_LIMIT:
        return message
    return message[:NOTE_LEN_LIMIT - 4] + " ..."


class _ChunkFailures:
    """One chunk's rejections, per rejecting filter in the order they ran: the failed nodes' indexes in the
    chunk, their Status objects, their places in the cache's node list (when tracked) and the one Status every
    node that filter rejected got (or _MIXED)."""

    __slots__ = ("idx", "statuses", "positions", "ones")

    def __init__(self) -> None:
        self.idx: list[list[int]] = []
        self.statuses: list[list[Status]] = []
        self.positions: list[list[int]] = []
        self.ones: list[Any] = []

    def up_to(self, cut: int, track: bool) -> tuple[list[int], list[Status], list[int] | None, Any, list[Status]]:
        """The failed nodes before index ``cut`` in node order (what _record gets): their indexes, Statuses and
        places (when one filter rejected them all and they are tracked), the one Status or _MIXED, and the
        distinct Statuses; a filter's Error status is raised."""
        places: list[int] | None = None
        if len(self.idx) == 1:
            fails, recorded, one = self.idx[0], self.statuses[0], self.ones[0]
            if track:
                places = self.positions[0]  # in node order already
        else:
            failed_at = dict(zip(chain.from_iterable(self.idx), chain.from_iterable(self.statuses), strict=True))
            fails = sorted(failed_at)
            recorded = list(map(failed_at.__getitem__, fails))
            one = self.ones[0] if all(map(is_, self.ones, repeat(self.ones[0]))) else _MIXED
        k = bisect_left(fails, cut)
        if k < len(fails):
            fails, recorded = fails[:k], recorded[:k]
            if places is not None:
                places = places[:k]
        if not fails:
            distinct = []
        elif one is not _MIXED:
            distinct = [one]  # every failed node's Status is this one object
        else:
            distinct = _distinct(recorded)
        if Code.ERROR in set(map(_CODE, distinct)):
            status = next(st for st in recorded if st.code == Code.ERROR)
            raise PluginError(f'running "{status.plugin}" filter plugin: {status.message}')
        return fails, recorded, places, one, distinct


class Scheduler:
    """kube-scheduler in one object; ``cluster.components["scheduler"]``."""

    def __init__(self, cluster: Cluster, config: SchedulerConfiguration | None = None,
                 registry: PluginRegistry | None = None) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.clock = cluster.clock
        self.config = configured(cluster) or config or SchedulerConfiguration()
        self.registry = registry or build_registry(cluster.pm)
        self.cache = Cache()
        self.frameworks: dict[str, Framework] = {}
        self.queue = SchedulingQueue(self.clock, self._framework,
                                     initial_backoff_ms=self.config.pod_initial_backoff_seconds * 1000,
                                     max_backoff_ms=self.config.pod_max_backoff_seconds * 1000,
                                     on_active=self._kick)
        self.queue.on_gated = self._report_gated  # type: ignore[method-assign]
        for profile in self.config.profiles:
            self.frameworks[profile.scheduler_name] = Framework(profile, self.registry, self,
                                                                self.config.percentage_of_nodes_to_score)
        self.explainer = Explainer()
        self.next_start_node_index = 0
        self._batched: dict[int, tuple[list[tuple[str, Any]], list[tuple[str, Any, Any, Any]]]] = {}
        self._scheduled = False
        self.started = False
        self.cycles = 0

    def _framework(self, scheduler_name: str) -> Framework | None:
        return self.frameworks.get(scheduler_name)

    # -- start and watch ------------------------------------------------------------------------
    def start(self) -> None:
        if self.started:
            return
        self.started = True
        informers = self.api.informers
        nodes = informers.on("nodes", self._node_added, self._node_updated, self._node_deleted)
        pods = informers.on("pods", self._pod_added, self._pod_updated, self._pod_deleted)
        informers.replay(nodes, self.api.store.list("nodes"))
        informers.replay(pods, self.api.store.list("pods"))
        self._watch_storage()
        self.queue.start()

    def _watch_storage(self) -> None:
        """The storage kinds some plugin registered events for (VolumeBinding & co.): their adds and updates
        move the unschedulable pods those plugins rejected (eventhandlers.go addAllEventHandlers)."""
        wanted = self.frameworks[next(iter(self.frameworks))].storage_kinds if len(self.frameworks) == 1 else \
            sorted({kind for fw in self.frameworks.values() for kind in fw.storage_kinds})
        for kind in wanted:
            def added(obj: Obj, kind: str = kind) -> None:
                self.queue.move_all(f"{kind}/Add", None, obj)

            def updated(old: Obj, new: Obj, kind: str = kind) -> None:
                self.queue.move_all(f"{kind}/Update", old, new)

            def deleted(obj: Obj, kind: str = kind) -> None:
                self.queue.move_all(f"{kind}/Delete", obj, None)
            self.api.informers.on(fwk.STORAGE_EVENT_RESOURCES[kind], added, updated, deleted)

    # -- node events ------------------------------------------------------------------------------
    def _node_added(self, node: Obj) -> None:
        self.cache.add_node(node)
        self.queue.move_all(fwk.NODE_ADD, None, node)

    def _node_updated(self, old: Obj, new: Obj) -> None:
        # a kubelet's status write (conditions, heartbeats, images) leaves the NodeInfo's results standing
        if not (_node_status_write(old, new) and self.cache.node_status_written(old, new)):
            self.cache.add_node(new)
        if self.queue.unschedulable:  # else move_all moves nothing, whatever the events
            for event in node_update_events(old, new):
                self.queue.move_all(event, old, new)

    def _node_deleted(self, node: Obj) -> None:
        self.cache.remove_node(node["metadata"]["name"])

    # -- pod events ---------------------------------------------------------------------------------
    def _responsible(self, pod: Obj) -> bool:
        return (pod.get("spec") or {}).get("schedulerName", COMPONENT) in self.frameworks

    def _pod_added(self, pod: Obj) -> None:
        if (pod.get("status") or {}).get("phase") in _TERMINAL:
            return
        if pod["spec"].get("nodeName"):
            pi = PodInfo(pod)
            self.cache.add_pod(pi, pod["spec"]["nodeName"])
            self.queue.move_all(fwk.POD_ADD, None, pod)
        elif self._responsible(pod) and not pod["metadata"].get("deletionTimestamp"):
            self.queue.add(PodInfo(pod))

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        node = new["spec"].get("nodeName")
        if node:
            key = f"{new['metadata'].get('namespace', 'default')}/{new['metadata']['name']}"
            self.queue.delete(key)
            if (new.get("status") or {}).get("phase") in _TERMINAL:
                if self.cache.remove_pod(new["metadata"].get("uid", key)) is not None:
                    self.queue.move_all(fwk.POD_DELETE, old, None)
                return
            uid = new["metadata"].get("uid", key)
            if not old["spec"].get("nodeName"):
                assumed = self._assumed(uid, node)
                if assumed is not None:  # our own binding coming back: confirm the assumed pod
                    assumed.pod, assumed.node_name = new, node
                    self.cache.assumed.discard(uid)
                else:
                    self.cache.add_pod(PodInfo(new), node)
                self.queue.move_all(fwk.POD_ADD, None, new)
                return
            ni = self.cache.nodes.get(node)
            cur = ni.pods.get(uid) if ni is not None else None
            if cur is not None and _same_pod_info(old, new) and (cur.pod is old or _same_pod_info(cur.pod, new)) \
                    and self.cache.reinsert_pod(uid, node, new):
                return  # a status write: no label change, no scale-down, the node's results stand
            pi = PodInfo(new)
            self.cache.add_pod(pi, node)
            if (old["metadata"].get("labels") or {}) != (new["metadata"].get("labels") or {}):
                self.queue.move_all(fwk.POD_LABEL, old, new)
            # requests are read from the spec alone: a status write (the spec shared) cannot scale down
            if old["spec"] is not new["spec"]:
                old_pi = PodInfo(old)
                if (pi.cpu, pi.mem, pi.eph) < (old_pi.cpu, old_pi.mem, old_pi.eph):
                    self.queue.move_all(fwk.POD_SCALE_DOWN, old, new)
            return
        if not self._responsible(new):
            return
        if new["metadata"].get("deletionTimestamp"):
            self.queue.delete(f"{new['metadata'].get('namespace', 'default')}/{new['metadata']['name']}")
            return
        if _scheduling_relevant(old) != _scheduling_relevant(new):
            self.queue.update(PodInfo(new))

    def _pod_deleted(self, pod: Obj) -> None:
        md = pod["metadata"]
        key = f"{md.get('namespace', 'default')}/{md['name']}"
        self.queue.delete(key)
        if pod["spec"].get("nodeName"):
            if self.cache.remove_pod(md.get("uid", key)) is not None:
                self.queue.move_all(fwk.POD_DELETE, pod, None)

    def _assumed(self, uid: str, node: str) -> PodInfo | None:
        if uid not in self.cache.assumed or self.cache.pod_node.get(uid) != node:
            return None
        ni = self.cache.nodes.get(node)
        return ni.pods.get(uid) if ni is not None else None

    # -- the cycle loop -------------------------------------------------------------------------------
    def _kick(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self.clock.soon(self._schedule_one, "scheduler scheduleOne")  # nothing cancels it: no Timer

    def _schedule_one(self) -> None:
        self._scheduled = False
        qpi = self.queue.pop()
        if self.queue.has_active():
            self._kick()
        if qpi is None:
            return
        self.cycles += 1
        live = self.api.store.get("pods", qpi.pod_info.namespace, qpi.pod_info.name)
        if live is None or live["spec"].get("nodeName") or live["metadata"].get("deletionTimestamp"):
            self.queue.done(qpi.key)  # skipPodSchedule: gone, bound elsewhere or being deleted
            return
        if live is not qpi.pod_info.pod:
            qpi.pod_info = PodInfo(live)
        fw = self.frameworks.get(qpi.pod_info.scheduler_name)
        if fw is None:
            self.queue.done(qpi.key)
            return
        self.scheduling_cycle(fw, qpi)

    def scheduling_cycle(self, fw: Framework, qpi: QueuedPodInfo) -> None:
        pi = qpi.pod_info
        state = CycleState()
        attempt = Attempt(pi.key, self.clock.now, fw.name, len(self.cache.nodes))
        try:
            node, diagnosis = self.schedule_pod(fw, state, pi, attempt)
        except _NoNodes as exc:
            status = Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, str(exc))
            self._failure(fw, qpi, status, {NO_NODES}, attempt, "")
            return
        except PluginError as exc:  # an error clears the pod's nomination (clearNominatedNode)
            self._failure(fw, qpi, Status(Code.ERROR, str(exc)), set(), attempt, "")
            return
        if node is None:
            assert diagnosis is not None
            self._handle_fit_error(fw, state, qpi, diagnosis, attempt)
            return
        self._assume_and_bind(fw, state, qpi, node, attempt)

    # -- schedulePod ----------------------------------------------------------------------------------
    def schedule_pod(self, fw: Framework, state: CycleState, pi: PodInfo, attempt: Attempt
                     ) -> tuple[str | None, Diagnosis | None]:
        nodes = self.cache.node_list()
        if not nodes:
            raise _NoNodes()
        feasible, diagnosis = self.find_nodes_that_fit(fw, state, pi, nodes, attempt)
        if not feasible:
            return None, diagnosis
        attempt.feasible_nodes = feasible
        if len(feasible) == 1:
            attempt.node = feasible[0].name
            return feasible[0].name, None
        status = fw.run_pre_score(state, pi, feasible)
        if status is not None:
            raise PluginError(f'running PreScore plugin "{status.plugin}": {status.message}')
        # the totals without the offset every node shares: the same best, ties and pick (select_host), and the
        # offset is added when the attempt's totals are read (Attempt.totals)
        totals, offset, per_plugin = fw.run_score_parts(state, pi, feasible) if fw.scorers else \
            ([1] * len(feasible), 0, {})
        node = self.select_host(feasible, totals)
        attempt.node = node
        attempt.scores = per_plugin
        # with scores kept, the totals are their sum (Attempt.totals): nothing more to keep
        attempt.base_totals = None if per_plugin else totals
        attempt.totals_offset = offset
        places = state.node_positions
        if state.from_cache and places is not None and len(places) == len(feasible):
            # the explainer keeps the feasible nodes' places rather than the nodes (see Attempt.feasible_at),
            # as a range when they are consecutive nodes of the list
            window = state.window
            if window is not None and window[1] == len(places) and window[0] + window[1] <= len(self.cache.names):
                places = range(window[0], window[0] + window[1])
            attempt.feasible_at = (self.cache.names, places)
            attempt.feasible_nodes = []
        return node, None

    def find_nodes_that_fit(self, fw: Framework, state: CycleState, pi: PodInfo, nodes: list[NodeInfo],
                            attempt: Attempt) -> tuple[list[NodeInfo], Diagnosis]:
        diagnosis = Diagnosis()
        pre_result, status = fw.run_pre_filter(state, pi)
        # findNodesThatFitPod: the plugins whose PreFilter results narrowed the nodes are unschedulable plugins
        diagnosis.unschedulable_plugins.update(pre_result.plugins)
        if status is not None:
            if status.code == Code.ERROR:
                raise PluginError(f'running PreFilter plugin "{status.plugin}": {status.message}')
            diagnosis.node_statuses = {ni.name: status for ni in nodes}
            diagnosis.pre_filter_msg = status.message
            if status.plugin:
                diagnosis.unschedulable_plugins.add(status.plugin)
            attempt.pre_filter = status
            return [], diagnosis
        if pi.nominated_node:
            ni = self.cache.nodes.get(pi.nominated_node)
            if ni is not None and fw.run_filters_with_nominated(state, pi, ni) is None:
                return [ni], diagnosis
        candidates = nodes
        if pre_result.node_names is not None:
            candidates = [n for n in nodes if n.name in pre_result.node_names]
            plugins = sorted(pre_result.plugins)
            diagnosis.absent_status = fwk.unresolvable(f"node(s) didn't satisfy plugin(s) [{' '.join(plugins)}]")
            attempt.absent = diagnosis.absent_status
        feasible = self._pass_filters(fw, state, pi, candidates, len(nodes), diagnosis)
        attempt.statuses = diagnosis.node_statuses
        return feasible, diagnosis

    def _pass_filters(self, fw: Framework, state: CycleState, pi: PodInfo, nodes: list[NodeInfo],
                      num_all: int, diagnosis: Diagnosis) -> list[NodeInfo]:
        """findNodesThatPassFilters: stop once enough feasible nodes are found, starting where the last
        cycle stopped."""
        n = len(nodes)
        if n == 0:
            return []
        # without Score plugins any feasible node will do, so the first one found is taken
        to_find = num_feasible_nodes_to_find(fw.percentage, n) if fw.scorers else 1
        start = self.next_start_node_index % n
        filters = fw.active_filters(state)
        if not self.queue.nominated:
            feasible, processed = self._pass_filters_batched(fw, state, pi, _Rotated(nodes, start), to_find,
                                                             diagnosis)
            if nodes is self.cache.node_list() or all(ni.owner is self.cache for ni in nodes):
                state.from_cache = True
                if not diagnosis.node_statuses and nodes is self.cache.node_list():
                    state.window = (start, len(feasible))  # nothing filtered out: consecutive nodes
        else:
            order = nodes[start:] + nodes[:start] if start else nodes
            feasible, processed = self._pass_filters_one_by_one(fw, state, pi, order, to_find, diagnosis, filters)
        self.next_start_node_index = (self.next_start_node_index + processed) % num_all
        return feasible

    def _pass_filters_one_by_one(self, fw: Framework, state: CycleState, pi: PodInfo, order: list[NodeInfo],
                                 to_find: int, diagnosis: Diagnosis, filters: list[tuple[str, Any]]
                                 ) -> tuple[list[NodeInfo], int]:
        feasible: list[NodeInfo] = []
        processed = 0
        for ni in order:
            processed += 1
            status = fw.run_filters_with_nominated(state, pi, ni)
            if status is None:
                feasible.append(ni)
                if len(feasible) >= to_find:
                    break
                continue
            self._record(diagnosis, ni, status)
        return feasible, processed

    def _pass_filters_batched(self, fw: Framework, state: CycleState, pi: PodInfo,
                              order: _Rotated | list[NodeInfo], to_find: int, diagnosis: Diagnosis
                              ) -> tuple[list[NodeInfo], int]:
        """The same verdicts as filtering node by node, plugin by plugin, but each plugin sees a chunk of
        nodes at once; the last chunk is trimmed back to the node where enough were found. ``order`` holds
        nodes of this scheduler's cache only."""
        if isinstance(order, list):
            order = _Rotated(order, 0)
        filters = fw.active_filters(state)
        state.batch_from_cache = True
        track = order.nodes is self.cache.node_list()
        try:
            feasible, processed, positions = self._filter_chunks(state, pi, order, to_find, diagnosis, filters,
                                                                 track)
        except BaseException:
            state.node_positions = None
            raise
        finally:
            state.batch_from_cache = False
        state.node_positions = positions  # now the feasible nodes' places, for the scorers
        return feasible, processed

    def _filter_chunks(self, state: CycleState, pi: PodInfo, order: _Rotated, to_find: int,
                       diagnosis: Diagnosis, filters: list[tuple[str, Any]], track: bool
                       ) -> tuple[list[NodeInfo], int, list[int] | None]:
        """The chunked Filter pass; with ``track`` (``order`` is the cache's node list) each batch call gets
        the places of its nodes in ``state.node_positions``, and the feasible nodes' places are returned.

        After the first chunk (``_filter_chunk``), the next one is sized by the pass rate seen so far, so that
        a pod most nodes reject (a zone's node affinity) needs two or three rounds rather than a dozen. Chunk
        sizes change nothing but the work: every verdict is per node and the last chunk is trimmed back to
        where enough were found."""
        batched = self._batched_filters(filters)
        plugins = diagnosis.unschedulable_plugins
        # the failed nodes (their places in all_names when tracked, else their names) and verdicts, in order
        fail_places: list[int] = []
        fail_names: list[str] = []
        fail_statuses: list[Status] = []
        # the one Status object every failed node got so far (None: none yet; _MIXED: more than one)
        only: Any = None
        feasible: list[NodeInfo] = []
        feasible_pos: list[int] | None = [] if track else None
        all_names = self.cache.names if track else []
        chunk_pos: Sequence[int] = []
        pos = 0
        n = len(order)
        examined = passed = 0
        processed = -1
        while pos < n and len(feasible) < to_find:
            need = to_find - len(feasible)
            if not examined:
                size = max(need, 32)
            elif passed:
                size = max(-(-need * examined // passed) + 16, 32)
            else:
                size = n - pos
            chunk = order.slice(pos, pos + size)
            m = len(chunk)
            if track:
                chunk_pos = order.positions(pos, pos + m)
            cur_nodes, cur_pos, cur_idx, failures = self._filter_chunk(batched, state, pi, chunk, chunk_pos, track)
            examined += m
            passed += len(cur_nodes)
            if not failures.idx:
                take = min(m, need)
                feasible.extend(chunk[:take])
                if feasible_pos is not None:
                    feasible_pos.extend(chunk_pos[:take])
                if len(feasible) >= to_find:
                    processed = pos + take
                    break
                pos += m
                continue
            cut = cur_idx[need - 1] + 1 if len(cur_idx) >= need else m
            fails, recorded, places, one, distinct = failures.up_to(cut, track)
            # comprehensions: a bound __getitem__ mapped over a thousand failed nodes (a zone's node affinity)
            # costs several times more
            if not track:
                fail_names.extend([chunk[i].name for i in fails])
            elif places is not None:
                fail_places.extend(places)
            elif type(chunk_pos) is range and chunk_pos.step == 1:
                first = chunk_pos.start
                fail_places.extend([first + i for i in fails])
            else:
                fail_places.extend([chunk_pos[i] for i in fails])
            if fails:
                fail_statuses.extend(recorded)
                only = one if only is None or only is one else _MIXED
            plugins.update(map(_PLUGIN, distinct))
            feasible.extend(cur_nodes[:need])
            if feasible_pos is not None:
                feasible_pos.extend(cur_pos[:need])
            if len(feasible) >= to_find:
                processed = pos + cut
                break
            pos += m
        if processed < 0:
            processed = pos
        if fail_statuses:
            # kept as places and shared Status objects: a dict of a thousand names costs every collection
            same = only if only is not _MIXED else None
            packed = PackedStatuses.of(all_names, fail_statuses, fail_places, same) if track else \
                PackedStatuses.of(fail_names, fail_statuses, None, same)
            if diagnosis.node_statuses:
                diagnosis.node_statuses.update(packed.items())
            else:
                diagnosis.node_statuses = packed  # type: ignore[assignment]
        return feasible, processed, feasible_pos

    def _filter_chunk(self, batched: list[tuple[str, Any, Any, Any]], state: CycleState, pi: PodInfo,
                      chunk: list[NodeInfo], chunk_pos: Sequence[int], track: bool
                      ) -> tuple[list[NodeInfo], Sequence[int], list[int] | range, _ChunkFailures]:
        """Run the filters over one chunk, each over the nodes the ones before it passed; the bookkeeping over
        the verdicts runs in C (``compress`` over masks). Returns the nodes that passed, their places (when
        tracked) and indexes in the chunk, and the rejections."""
        cur_nodes, cur_pos = chunk, chunk_pos
        m = len(chunk)
        failures = _ChunkFailures()
        cur_idx: list[int] | range = range(m)
        for name, f, batch, mask in batched:
            if not cur_nodes:
                break
            if track:
                state.node_positions = cur_pos
            masked = mask(state, pi, cur_nodes) if mask is not None else None
            if masked is not None:
                # (pass or not per node, the one Status of every rejection): no verdict list to sort out
                ok, status = masked
                if len(ok) != len(cur_nodes):
                    raise ValueError(f"{name}: {len(ok)} answers for {len(cur_nodes)} nodes")
                failed = ok.count(False)
                if not failed or not status.code:  # a Success status passes too
                    continue
                if not status.plugin:
                    status.plugin = name
                bad_mask = list(map(not_, ok))
                bad = [status] * failed
                one = status
            else:
                verdicts = batch(state, pi, cur_nodes) if batch is not None else \
                    [f(state, pi, ni) for ni in cur_nodes]
                if verdicts is None:
                    continue
                if len(verdicts) != len(cur_nodes):
                    raise ValueError(f"{name}: {len(verdicts)} verdicts for {len(cur_nodes)} nodes")
                ok = list(map(is_, verdicts, _NONES))
                if all(ok):
                    continue
                bad_mask = list(map(not_, ok))
                bad = list(compress(verdicts, bad_mask))
                distinct = _distinct(bad)
                if not all(map(_CODE, distinct)):  # a Success status passes too
                    ok = [v is None or not v.code for v in verdicts]
                    if all(ok):
                        continue
                    bad_mask = list(map(not_, ok))
                    bad = list(compress(verdicts, bad_mask))
                    distinct = _distinct(bad)
                for status in distinct:
                    if not status.plugin:  # with_plugin, once per distinct Status object
                        status.plugin = name
                one = distinct[0] if len(distinct) == 1 else _MIXED
            failures.idx.append(list(compress(cur_idx, bad_mask)))
            failures.statuses.append(bad)
            failures.ones.append(one)
            cur_nodes = list(compress(cur_nodes, ok))
            if track:
                failures.positions.append(list(compress(cur_pos, bad_mask)))
                cur_pos = list(compress(cur_pos, ok))
            cur_idx = list(compress(cur_idx, ok))
        return cur_nodes, cur_pos, cur_idx, failures

    def _batched_filters(self, filters: list[tuple[str, Any]]) -> list[tuple[str, Any, Any, Any]]:
        """Each filter with its plugin's ``filter_nodes`` and ``filter_mask`` (or None), per list of active
        filters (the framework hands out the same few lists, so they are looked up once, not every cycle)."""
        found = self._batched.get(id(filters))
        if found is None or found[0] is not filters:
            rows = []
            for name, f in filters:
                owner = getattr(f, "__self__", None)
                rows.append((name, f, getattr(owner, "filter_nodes", None), getattr(owner, "filter_mask", None)))
            found = self._batched[id(filters)] = (filters, rows)
        return found[1]

    def _record(self, diagnosis: Diagnosis, ni: NodeInfo, status: Status) -> None:
        if status.code == Code.ERROR:
            raise PluginError(status.message)  # RunFilterPlugins said which plugin failed
        diagnosis.node_statuses[ni.name] = status
        diagnosis.unschedulable_plugins.add(status.plugin)

    def select_host(self, nodes: list[NodeInfo], totals: Sequence[int]) -> str:
        """selectHost: the highest total; a tie is broken uniformly at random (on cluster.rng). Totals given
        as ``bytes`` (run_score_parts: each at most 200) are searched, counted and indexed in C."""
        best = _top_byte(totals) if type(totals) is bytes else max(totals)
        count = totals.count(best)
        if count == 1:
            return nodes[totals.index(best)].name
        pick = self.cluster.rng.randrange(count)
        if count == len(totals):
            return nodes[pick].name
        return nodes[nth_index(totals, best, pick, count)].name

    # -- success -----------------------------------------------------------------------------------------
    def _assume_and_bind(self, fw: Framework, state: CycleState, qpi: QueuedPodInfo, node: str,
                         attempt: Attempt) -> None:
        self.cache.assume(qpi.pod_info, node)
        self._binding_cycle(fw, state, qpi, node, attempt, None)

    def _binding_cycle(self, fw: Framework, state: CycleState, qpi: QueuedPodInfo, node: str, attempt: Attempt,
                       waiting: str | None) -> None:
        """Reserve and Permit (the scheduling cycle's end), then PreBind and Bind. A PreBind plugin answering Wait
        is called again after ``PRE_BIND_POLL_MS`` (``waiting`` names it) while the pod stays assumed and other
        pods are scheduled: upstream's binding cycle runs in its own goroutine."""
        pi = qpi.pod_info
        # one point after the other: a point that fails ends the attempt before the next one runs
        steps = (fw.run_reserve, fw.run_permit, fw.run_pre_bind_pre_flights, fw.run_pre_bind, fw.run_bind)
        for step in range(_PRE_BIND if waiting is not None else 0, len(steps)):
            if step == _PRE_BIND and waiting is not None:
                status = fw.run_pre_bind(state, pi, node, resume_from=waiting)
            else:
                status = steps[step](state, pi, node)
            if status is None or status.code == Code.SKIP:  # a PreBindPreFlight Skip: no PreBind work
                continue
            in_cycle = step < _PRE_BIND_PRE_FLIGHTS
            if status.code == Code.WAIT and step == _PRE_BIND:
                plugin = status.plugin
                self.clock.call_later(PRE_BIND_POLL_MS, partial(self._binding_cycle, fw, state, qpi, node, attempt,
                                                                plugin),
                                      label=f"scheduler binding cycle {pi.key}: {plugin} PreBind")
                return
            fw.run_unreserve(state, pi, node)
            self.cache.forget(pi)
            attempt.node = ""
            plugins = {status.plugin} if status.rejected else set()
            if status.rejected and in_cycle:
                # schedulingCycle: a Reserve or Permit rejection is a FitError on the one node tried
                diagnosis = Diagnosis(node_statuses={node: status}, unschedulable_plugins=set(plugins))
                status = Status(status.code, fwk.fit_error_message(1, diagnosis), plugin=status.plugin)
            self._failure(fw, qpi, status, plugins, attempt, "")  # clearNominatedNode
            return
        self.explainer.record(attempt)
        self.queue.delete(qpi.key)
        bound = self.api.store.get("pods", pi.namespace, pi.name) or pi.pod
        self.cluster.events.event(bound, "Normal", "Scheduled", f"Successfully assigned {pi.key} to {node}",
                                  component=fw.name, action="Binding")
        fw.run_post_bind(state, pi, node)

    # -- failure -----------------------------------------------------------------------------------------
    def _handle_fit_error(self, fw: Framework, state: CycleState, qpi: QueuedPodInfo, diagnosis: Diagnosis,
                          attempt: Attempt) -> None:
        pi = qpi.pod_info
        nominated: str | None = None
        if fw.points["postFilter"]:
            result, status = fw.run_post_filter(state, pi, diagnosis)
            # even a PostFilter Error only adds its message to the FitError (schedulingCycle logs it)
            diagnosis.post_filter_msg = status.message
            if result is not None and result.nominated_node is not None:
                nominated = result.nominated_node
        message = fwk.fit_error_message(len(self.cache.nodes), diagnosis)
        plugins = set(diagnosis.unschedulable_plugins)
        self._failure(fw, qpi, Status(Code.UNSCHEDULABLE, message), plugins, attempt, nominated)

    def _failure(self, fw: Framework, qpi: QueuedPodInfo, status: Status, plugins: set[str], attempt: Attempt,
                 nominated: str | None) -> None:
        """handleSchedulingFailure: event, condition (and nomination), then back to the queue."""
        pi = qpi.pod_info
        message = status.message
        attempt.message = message
        self.explainer.record(attempt)
        live = self.api.store.get("pods", pi.namespace, pi.name)
        # gone, bound, or deleted and recreated under the same name (another UID): nothing to report or requeue
        if live is None or live["spec"].get("nodeName") or live["metadata"].get("uid", pi.uid) != pi.uid:
            if self.queue.pods.get(qpi.key) is qpi:  # not the recreated pod's own entry
                self.queue.done(qpi.key)
            return
        reason = "Unschedulable" if status.code != Code.ERROR else "SchedulerError"
        self.cluster.events.event(live, "Warning", "FailedScheduling", truncate_message(message),
                                  component=fw.name, action="Scheduling")
        self._update_pod(pi, reason, message, nominated)
        if nominated is not None:
            self.queue.nominate(pi, nominated)
        self.queue.add_unschedulable(qpi, plugins, error=status.code == Code.ERROR)

    def _update_pod(self, pi: PodInfo, reason: str, message: str, nominated: str | None) -> None:
        now = self.clock.now

        def mutate(pod: Obj) -> None:
            set_condition(pod, "PodScheduled", "False", now, reason, message, probe_time=False)
            status = pod.setdefault("status", {})
            if nominated:
                status["nominatedNodeName"] = nominated
            elif nominated == "":
                status.pop("nominatedNodeName", None)
        try:
            self.api.patch("pods", pi.name, pi.namespace, mutate, status=True)
        except ApiError:
            return

    def _report_gated(self, qpi: QueuedPodInfo, message: str) -> None:
        """A pod held back at PreEnqueue (scheduling gates) shows PodScheduled=False SchedulingGated."""
        pi = qpi.pod_info
        now = self.clock.now

        def mutate(pod: Obj) -> None:
            set_condition(pod, "PodScheduled", "False", now, "SchedulingGated",
                          "Scheduling is blocked due to non-empty scheduling gates")
        try:
            self.api.patch("pods", pi.name, pi.namespace, mutate, status=True)
        except ApiError:
            return

    # -- explain ------------------------------------------------------------------------------------------
    def explain_text(self, namespace: str, name: str) -> str:
        """The last attempt's per-node filter verdicts and per-plugin scores, as a table."""
        return self.explainer.text(namespace, name)

    def expect_filtered(self, pod: str, node: str, plugin: str, namespace: str = "default") -> None:
        attempt = self.explainer.last(namespace, pod)
        fw = self.frameworks.get(attempt.profile) if attempt is not None else None
        if fw is not None:
            _check_filter_plugin(fw, plugin)
        self.explainer.expect_filtered(namespace, pod, node, plugin)


def _check_filter_plugin(fw: Framework, plugin: str) -> None:
    """StepError unless the profile runs ``plugin`` at PreFilter or Filter (the points that reject nodes), so a
    misspelt name (``NodeResourceFit``) is named as such rather than read as "not filtered by it"."""
    names = list(dict.fromkeys(p.NAME for point in ("preFilter", "filter") for p in fw.points[point]))
    if plugin in names:
        return
    close = difflib.get_close_matches(plugin, names, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    raise StepError(f'profile "{fw.name}" has no filter plugin "{plugin}"{hint}; its PreFilter and Filter '
                    f'plugins are {", ".join(names)}')


class _Rotated:
    """``nodes[start:] + nodes[:start]`` without the copy: slices are cut from the original list."""

    __slots__ = ("nodes", "start", "n")

    def __init__(self, nodes: list[NodeInfo], start: int) -> None:
        self.nodes, self.start, self.n = nodes, start, len(nodes)

    def __len__(self) -> int:
        return self.n

    def positions(self, lo: int, hi: int) -> Sequence[int]:
        """The indexes in ``nodes`` of order[lo:hi] (for lo < hi <= n): a ``range`` unless they wrap round
        (no int objects made up front, and ``index`` is arithmetic)."""
        a, b = self.start + lo, self.start + hi
        n = self.n
        if b <= n:
            return range(a, b)
        if a >= n:
            return range(a - n, b - n)
        return [*range(a, n), *range(b - n)]

    def slice(self, lo: int, hi: int) -> list[NodeInfo]:
        """order[lo:hi] for 0 <= lo."""
        n = self.n
        if hi > n:
            hi = n
        if lo >= hi:
            return []
        a, b = self.start + lo, self.start + hi
        if b <= n:
            return self.nodes[a:b]
        if a >= n:
            return self.nodes[a - n:b - n]
        return self.nodes[a:] + self.nodes[:b - n]


class _NoNodes(PluginError):
    def __init__(self) -> None:
        super().__init__(fwk.NO_NODES_AVAILABLE)


def node_update_events(old: Obj, new: Obj) -> list[str]:
    """nodeSchedulingPropertiesChange: which kinds of change an update carries, in upstream's order
    (spec.unschedulable, allocatable, labels, taints, conditions, annotations; an unschedulable change is a
    taint change, and is reported once)."""
    events = []
    os_, ns_ = old.get("spec") or {}, new.get("spec") or {}
    ost, nst = old.get("status") or {}, new.get("status") or {}
    if bool(os_.get("unschedulable")) != bool(ns_.get("unschedulable")):
        events.append(fwk.NODE_TAINT)
    if ost.get("allocatable") != nst.get("allocatable"):
        events.append(fwk.NODE_ALLOCATABLE)
    if (old["metadata"].get("labels") or {}) != (new["metadata"].get("labels") or {}):
        events.append(fwk.NODE_LABEL)
    if os_.get("taints") != ns_.get("taints") and fwk.NODE_TAINT not in events:
        events.append(fwk.NODE_TAINT)
    old_conditions, new_conditions = ost.get("conditions") or [], nst.get("conditions") or []
    # equal lists (a status write that left them as they were, heartbeats included) have equal types and
    # statuses: one comparison in C first
    if old_conditions != new_conditions and \
            [(c.get("type"), c.get("status")) for c in old_conditions] != \
            [(c.get("type"), c.get("status")) for c in new_conditions]:
        events.append(fwk.NODE_CONDITION)
    if (old["metadata"].get("annotations") or {}) != (new["metadata"].get("annotations") or {}):
        events.append(fwk.NODE_ANNOTATION)
    return events


def _node_status_write(old: Obj, new: Obj) -> bool:
    """Whether a node update changed nothing but status fields other than allocatable: the same spec, the
    same metadata but for its resourceVersion (what a NodeInfo reads but the images, and all that its
    per-node results depend on)."""
    old_spec, new_spec = old.get("spec"), new.get("spec")
    if old_spec is not new_spec and old_spec != new_spec:
        return False
    if (old.get("status") or {}).get("allocatable") != (new.get("status") or {}).get("allocatable"):
        return False
    old_md, new_md = old["metadata"], new["metadata"]
    # one comparison run in C, of values that are mostly the same objects (stored metadata always has a version)
    return len(old_md) == len(new_md) and \
        {**old_md, "resourceVersion": None} == {**new_md, "resourceVersion": None}


def _same_pod_info(old: Obj, new: Obj) -> bool:
    """Whether ``PodInfo(new)`` would equal ``PodInfo(old)``: the same spec, the same metadata but for its
    resourceVersion (labels, deletionTimestamp, owners...), and the same status fields a PodInfo reads
    (nominatedNodeName, and the start time: startTime, else creationTimestamp). A kubelet's status write
    changes none of them."""
    old_spec, new_spec = old.get("spec"), new.get("spec")
    if old_spec is not new_spec and old_spec != new_spec:  # a status write shares the spec: no comparison
        return False
    old_status, new_status = old.get("status") or {}, new.get("status") or {}
    if old_status.get("nominatedNodeName") != new_status.get("nominatedNodeName"):
        return False
    old_md, new_md = old["metadata"], new["metadata"]
    old_start, new_start = old_status.get("startTime"), new_status.get("startTime")
    # PodInfo.start_ms reads startTime, else creationTimestamp: the kubelet's first status write sets a
    # startTime that is most often the creation time's very text (a pod started the instant it was made)
    if old_start != new_start and \
            (old_start or old_md.get("creationTimestamp")) != (new_start or new_md.get("creationTimestamp")):
        return False
    if len(old_md) != len(new_md):
        return False
    # one comparison run in C, of values that are mostly the same objects (stored metadata always has a version)
    return {**old_md, "resourceVersion": None} == {**new_md, "resourceVersion": None}


def _scheduling_relevant(pod: Obj) -> Any:
    """isPodUpdated: what an update must change to be worth a new attempt (not status)."""
    md = pod["metadata"]
    return (pod.get("spec"), md.get("labels"), md.get("annotations"))
