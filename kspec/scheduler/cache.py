"""The scheduler's cache: one ``NodeInfo`` per node, kept up to date from watch events.

The scheduler never re-lists: pod and node events update the cache
incrementally, and a pod the scheduler has just placed is *assumed* onto its
node until the binding comes back through the informer (internal/cache).
Because a scheduling cycle runs at one instant on one thread, the cache is
also the cycle's snapshot; the node list follows upstream's node tree
(zones taken round-robin) so larger clusters spread their search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from kspec.objects import Obj
from kspec.scheduler.nodeinfo import NodeInfo, PodInfo, node_images

_INF = float("inf")
_NAME = attrgetter("name")
#: score tables kept at once (one per plugin and distinct pod request)
MAX_TABLES = 64
#: a table's mark for "not computed": an int, because the gaps are found with list.index among ints (scores,
#: yes/no answers), which compares ints twice as fast as it compares an int with None. A result that equals
#: it is only computed again each time (the same value): never a wrong answer
MISSING = -1
#: a score table's mark for "not computed" (see window_scores: its results are ints in 0..254)
MISSING_BYTE = 255


class Cache:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self._zones: dict[tuple[str, str], list[str]] = {}
        self._order: list[NodeInfo] | None = None
        self.names: list[str] = []  # the names of node_list(), once it is computed
        # per-node results by key (see window_results), aligned with _order
        self._tables: dict[Any, list[Any]] = {}
        self._score_tables: dict[Any, bytearray] = {}
        self._label_tables: dict[Any, list[Any]] = {}
        # label key -> value -> places in node_list() of the nodes carrying it (see nodes_labelled)
        self._label_places: dict[str, dict[str, list[int]]] = {}
        self.pod_node: dict[str, str] = {}  # pod uid -> node it is on (bound or assumed)
        self.assumed: set[str] = set()
        self.affinity_nodes: dict[str, NodeInfo] = {}
        self.anti_affinity_nodes: dict[str, NodeInfo] = {}
        self.image_nodes: dict[str, int] = {}  # image name -> nodes that have it (ImageStateSummary.NumNodes)
        self._pending_pods: dict[str, dict[str, PodInfo]] = {}  # pods seen before their node
        # indexes that spare InterPodAffinity a walk over every pod: pods by label pair, and existing
        # required anti-affinity terms by the label pair they require (None: no such pair)
        self.pods_by_label: dict[tuple[str, str], dict[str, tuple[PodInfo, NodeInfo]]] = {}
        self.anti_terms: dict[tuple[str, str] | None, dict[str, tuple[PodInfo, NodeInfo]]] = {}
        self.scoring_affinity_nodes: dict[str, NodeInfo] = {}
        # how many nodes are cordoned or carry NoSchedule/NoExecute taints (lets filters skip clean clusters)
        self.unschedulable_count = 0
        self.hard_tainted_count = 0
        self.prefer_tainted_count = 0
        # a lower bound of every node's free pod slots, cpu and memory (exact when ``floor_exact``): lets
        # NodeResourcesFit pass a whole batch of nodes at once when the pod fits under it
        self.floor_pods = self.floor_cpu = self.floor_mem = _INF
        self.floor_exact = True

    # -- the free-resources floor -----------------------------------------------------------
    def _lower_floor(self, ni: NodeInfo) -> None:
        if ni.free_pods < self.floor_pods:
            self.floor_pods = ni.free_pods
        if ni.free_cpu < self.floor_cpu:
            self.floor_cpu = ni.free_cpu
        if ni.free_mem < self.floor_mem:
            self.floor_mem = ni.free_mem

    def fits_everywhere(self, cpu: int, mem: int) -> bool:
        """Whether every node has a free pod slot, ``cpu`` and ``mem`` left (0: not asked for), recomputing
        a stale floor once before saying no."""
        if self._under_floor(cpu, mem):
            return True
        if self.floor_exact:
            return False
        self.floor_pods = self.floor_cpu = self.floor_mem = _INF
        for ni in self.nodes.values():
            self._lower_floor(ni)
        self.floor_exact = True
        return self._under_floor(cpu, mem)

    def _under_floor(self, cpu: int, mem: int) -> bool:
        return self.floor_pods >= 1 and (not cpu or cpu <= self.floor_cpu) and (not mem or mem <= self.floor_mem)

    # -- nodes --------------------------------------------------------------------------
    def _count(self, ni: NodeInfo, sign: int) -> None:
        if ni.unschedulable:
            self.unschedulable_count += sign
        if ni.hard_taints:
            self.hard_tainted_count += sign
        if ni.prefer_taints:
            self.prefer_tainted_count += sign

    def add_node(self, node: Obj) -> NodeInfo:
        name = node["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is not None:
            self._count(ni, -1)
        if ni is None:
            ni = NodeInfo(node)
            ni.owner = self
            self.nodes[name] = ni
            self._zones.setdefault(ni.zone, []).append(name)
            self._drop_order()
            if self._pending_pods:
                for pi in self._pending_pods.pop(name, {}).values():
                    self._place(ni, pi)
        else:
            self._images(ni, -1)
            old_zone = ni.zone
            ni.set_node(node)
            self.floor_exact = False
            if ni.zone != old_zone:
                self._zones[old_zone].remove(name)
                if not self._zones[old_zone]:
                    del self._zones[old_zone]
                self._zones.setdefault(ni.zone, []).append(name)
                self._drop_order()
        self._images(ni, 1)
        self._count(ni, 1)
        self._lower_floor(ni)
        return ni

    def node_status_written(self, old: Obj, new: Obj) -> bool:
        """An update of ``old``, the node object this cache holds, that changed nothing but status fields other
        than allocatable (the caller checks that: conditions, heartbeats, images...): the new object is kept
        and only the images are read again, every per-node result stands (they read the node's labels, taints,
        allocatable and pods). False, doing nothing, when the cache holds another object: add_node then."""
        ni = self.nodes.get(new["metadata"]["name"])
        if ni is None or ni.node is not old:
            return False
        ni.node = new
        status = new.get("status") or {}
        old_images = (old.get("status") or {}).get("images")
        if status.get("images") is not old_images and status.get("images") != old_images:
            self._images(ni, -1)
            ni.images = node_images(status)
            self._images(ni, 1)
        return True

    def remove_node(self, name: str) -> None:
        ni = self.nodes.pop(name, None)
        if ni is None:
            return
        ni.owner = None
        self.floor_exact = False
        self._images(ni, -1)
        self._count(ni, -1)
        self._zones[ni.zone].remove(name)
        if not self._zones[ni.zone]:
            del self._zones[ni.zone]
        self._drop_order()
        self.affinity_nodes.pop(name, None)
        self.anti_affinity_nodes.pop(name, None)
        self.scoring_affinity_nodes.pop(name, None)
        for pi in ni.pods.values():
            self._unindex(pi)
        if ni.pods:  # pods still bound to a deleted node wait for it to come back (or for their deletion)
            self._pending_pods[name] = dict(ni.pods)

    def _images(self, ni: NodeInfo, sign: int) -> None:
        for image in ni.images:
            left = self.image_nodes.get(image, 0) + sign
            if left > 0:
                self.image_nodes[image] = left
            else:
                self.image_nodes.pop(image, None)

    def node_list(self) -> list[NodeInfo]:
        """nodeTree.list: one node from each zone in turn, zones in the order they appeared."""
        if self._order is None:
            if len(self._zones) == 1:  # one zone (a cluster without zone labels): its nodes in order
                order = list(map(self.nodes.__getitem__, next(iter(self._zones.values()))))
            else:
                order = self._zone_order()
            for i, ni in enumerate(order):
                ni.pos = i
            self._order = order
            self.names = list(map(_NAME, order))
            self._tables = {}
            self._score_tables = {}
            self._label_tables = {}
            self._label_places = {}
        return self._order

    def _zone_order(self) -> list[NodeInfo]:
        zones = [list(names) for names in self._zones.values()]
        order: list[NodeInfo] = []
        i = 0
        while len(order) < len(self.nodes):
            for names in zones:
                if i < len(names):
                    order.append(self.nodes[names[i]])
            i += 1
        return order

    # -- score tables -----------------------------------------------------------------------
    def _drop_order(self) -> None:
        """Forget the node list and every table over it. Not built since the last drop (a cluster's nodes added
        one after the other), the tables are still empty: they are only filled after node_list() builds it."""
        if self._order is None:
            return
        self._order = None
        self._tables = {}
        self._score_tables = {}
        self._label_tables = {}
        self._label_places = {}

    def node_changed(self, ni: NodeInfo, node_object: bool = False) -> None:
        """NodeInfo._refresh: the node's pods (or, with ``node_object``, the node itself) changed; forget its
        results."""
        if self._order is not None and 0 <= ni.pos < len(self._order) and self._order[ni.pos] is ni:
            pos = ni.pos
            for table in self._tables.values():
                table[pos] = MISSING
            for scores in self._score_tables.values():
                scores[pos] = MISSING_BYTE
            if node_object:
                for table in self._label_tables.values():
                    table[pos] = MISSING
                self._label_places = {}

    def label_results(self, key: Any, nodes: list[NodeInfo], fill: Callable[[NodeInfo], bool],
                      positions: Sequence[int] | None = None) -> list[bool]:
        """Like ``results``, for a yes/no answer that depends on the node object alone (labels, name,
        taints), kept until the node object changes."""
        table = self._label_tables.get(key)
        if table is None:
            if len(self._label_tables) >= MAX_TABLES:
                self._label_tables = {}
            table = self._label_tables[key] = [MISSING] * len(self.node_list())
        return _from_table(table, nodes, lambda ni: bool(fill(ni)), positions)

    def nodes_labelled(self, key: str, value: str) -> list[int]:
        """The places in node_list() of the nodes whose label ``key`` is ``value``, in order (an index per
        key, built on first use and dropped when a node object or the node list changes)."""
        return self.label_index(key).get(value, [])

    def label_index(self, key: str) -> dict[str, list[int]]:
        """``value -> nodes_labelled(key, value)`` for every value of label ``key`` (read-only)."""
        index = self._label_places.get(key)
        if index is None:
            index = {}
            for i, ni in enumerate(self.node_list()):
                v = ni.labels.get(key)
                if v is not None:
                    index.setdefault(v, []).append(i)
            self._label_places[key] = index
        return index

    def _table(self, key: Any) -> list[Any]:
        table = self._tables.get(key)
        if table is None:
            if len(self._tables) >= MAX_TABLES:
                self._tables = {}
            table = self._tables[key] = [MISSING] * len(self.node_list())
        return table

    def results(self, key: Any, nodes: list[NodeInfo], fill: Callable[[NodeInfo], Any],
                positions: Sequence[int] | None = None) -> list[Any]:
        """``[fill(ni) for ni in nodes]`` for nodes of this cache's node_list(), from the score tables (see
        window_results); ``positions``: the nodes' places in node_list(), when known."""
        return _from_table(self._table(key), nodes, fill, positions)

    def window_results(self, key: Any, start: int, count: int, fill: Callable[[NodeInfo], Any]) -> list[Any]:
        """``[fill(ni) for ni in window]`` for the window of ``count`` nodes of node_list() from ``start``
        (wrapping round), from a table per key that keeps each node's result until the node changes.
        ``fill`` must depend on nothing but the node's requests, allocatable and node object."""
        order = self.node_list()
        n = len(order)
        table = self._table(key)
        end = start + count
        out = table[start:end] if end <= n else table[start:] + table[:end - n]
        i = -1
        try:
            while True:
                i = out.index(MISSING, i + 1)
                j = start + i
                if j >= n:
                    j -= n
                out[i] = table[j] = fill(order[j])
        except ValueError:
            return out

    def _score_table(self, key: Any) -> bytearray:
        table = self._score_tables.get(key)
        if table is None:
            if len(self._score_tables) >= MAX_TABLES:
                self._score_tables = {}
            table = self._score_tables[key] = bytearray([MISSING_BYTE]) * len(self.node_list())
        return table

    def window_scores(self, key: Any, start: int, count: int, fill: Callable[[NodeInfo], int]) -> bytearray:
        """``window_results`` for scores (``fill`` answers an int in 0..254), kept in a bytearray per key: the
        window is one copy in C, its gaps are found by memchr, and the scores go on as bytes (the framework's
        range check and totals read them without a list)."""
        order = self.node_list()
        n = len(order)
        table = self._score_table(key)
        end = start + count
        out = table[start:end] if end <= n else table[start:] + table[:end - n]
        i = out.find(MISSING_BYTE)
        while i >= 0:
            j = start + i
            if j >= n:
                j -= n
            out[i] = table[j] = fill(order[j])
            i = out.find(MISSING_BYTE, i + 1)
        return out

    def scores_at(self, key: Any, nodes: list[NodeInfo], fill: Callable[[NodeInfo], int],
                  positions: Sequence[int] | None = None) -> bytearray:
        """``results`` for scores (``fill`` answers an int in 0..254), from the same bytearrays as
        window_scores."""
        table = self._score_table(key)
        if positions is None or len(positions) != len(nodes):
            positions = [ni.pos for ni in nodes]
        if type(positions) is range and positions.step == 1:
            out = table[positions.start:positions.stop]
        else:
            out = bytearray(map(table.__getitem__, positions))
        i = out.find(MISSING_BYTE)
        while i >= 0:
            out[i] = table[positions[i]] = fill(nodes[i])
            i = out.find(MISSING_BYTE, i + 1)
        return out

    # -- pods ---------------------------------------------------------------------------
    def add_pod(self, pi: PodInfo, node: str, refresh: bool = True) -> None:
        """A pod bound (or assumed) to ``node``; a second add replaces the first (confirming an assume)."""
        self.remove_pod(pi.uid, refresh)
        self.pod_node[pi.uid] = node
        ni = self.nodes.get(node)
        if ni is None:
            self._pending_pods.setdefault(node, {})[pi.uid] = pi
            return
        self._place(ni, pi, refresh)

    def reinsert_pod(self, uid: str, node: str, pod: Obj) -> bool:
        """A bound pod's update that changed nothing its PodInfo is made of (a status write): the same
        remove-and-add as ``add_pod(PodInfo(pod), node)``, so every order (the node's pods, the label index,
        the affinity lists) ends up as it would, but the PodInfo is kept (now pointing at ``pod``) and the
        node's memoized results and score tables, which depend on nothing that changed, are not dropped.
        False (nothing done) unless the pod is bound, not assumed, on ``node``."""
        if uid in self.assumed or self.pod_node.get(uid) != node:
            return False
        ni = self.nodes.get(node)
        pi = ni.pods.get(uid) if ni is not None else None
        if pi is None:
            return False
        if pi.has_affinity or pi.required_anti_affinity or pi.has_scoring_affinity or pi.host_ports or pi.scalars:
            self.remove_pod(uid, refresh=False)
            pi.pod = pod
            self.add_pod(pi, node, refresh=False)
            return True
        # The common pod (no affinity terms, host ports or extended resources): the same moves done in place.
        # Each dict ends in the order remove-and-add leaves it (the entry last; an emptied label bucket's key
        # last), the integer accounting cancels out, the affinity node sets are checked as remove_pod does.
        pi.pod = pod
        pod_node = self.pod_node
        del pod_node[uid]
        pod_node[uid] = node
        pods = ni.pods
        del pods[uid]
        pods[uid] = pi
        self.floor_exact = False
        self._unmark_affinity(ni)
        self._lower_floor(ni)
        by_label = self.pods_by_label
        entry = (pi, ni)
        for pair in pi.labels.items():
            bucket = by_label.get(pair)
            if bucket is not None:
                bucket.pop(uid, None)
                if not bucket:
                    del by_label[pair]
            by_label.setdefault(pair, {})[uid] = entry
        return True

    def _place(self, ni: NodeInfo, pi: PodInfo, refresh: bool = True) -> None:
        ni.add_pod(pi, refresh)
        self._lower_floor(ni)
        if pi.has_affinity:
            self.affinity_nodes[ni.name] = ni
        if pi.has_scoring_affinity:
            self.scoring_affinity_nodes[ni.name] = ni
        if pi.required_anti_affinity:
            self.anti_affinity_nodes[ni.name] = ni
            for key in {t.index_key() for t in pi.required_anti_affinity}:
                self.anti_terms.setdefault(key, {})[pi.uid] = (pi, ni)
        for pair in pi.labels.items():
            self.pods_by_label.setdefault(pair, {})[pi.uid] = (pi, ni)

    def _unindex(self, pi: PodInfo) -> None:
        for pair in pi.labels.items():
            bucket = self.pods_by_label.get(pair)
            if bucket is not None:
                bucket.pop(pi.uid, None)
                if not bucket:
                    del self.pods_by_label[pair]
        for key in {t.index_key() for t in pi.required_anti_affinity}:
            bucket = self.anti_terms.get(key)
            if bucket is not None:
                bucket.pop(pi.uid, None)
                if not bucket:
                    del self.anti_terms[key]

    def remove_pod(self, uid: str, refresh: bool = True) -> PodInfo | None:
        node = self.pod_node.pop(uid, None)
        self.assumed.discard(uid)
        if node is None:
            return None
        ni = self.nodes.get(node)
        if ni is None:
            pending = self._pending_pods.get(node, {})
            return pending.pop(uid, None)
        pi = ni.pods.get(uid)
        if pi is None:
            return None
        ni.remove_pod(pi, refresh)
        self.floor_exact = False
        self._unindex(pi)
        self._unmark_affinity(ni)
        return pi

    def _unmark_affinity(self, ni: NodeInfo) -> None:
        """Drop ``ni`` from the affinity node sets it no longer belongs in once a pod left it."""
        if not ni.pods_with_affinity:  # most nodes: no pod with affinity terms, no generator to make
            self.affinity_nodes.pop(ni.name, None)
            self.scoring_affinity_nodes.pop(ni.name, None)
        elif not any(p.has_scoring_affinity for p in ni.pods_with_affinity):
            self.scoring_affinity_nodes.pop(ni.name, None)
        if not ni.pods_with_required_anti_affinity:
            self.anti_affinity_nodes.pop(ni.name, None)

    def assume(self, pi: PodInfo, node: str) -> None:
        self.add_pod(pi, node)
        self.assumed.add(pi.uid)

    def forget(self, pi: PodInfo) -> None:
        if pi.uid in self.assumed:
            self.remove_pod(pi.uid)

    def pod_count(self) -> int:
        return len(self.pod_node)


def _from_table(table: list[Any], nodes: list[NodeInfo], fill: Callable[[NodeInfo], Any],
                positions: Sequence[int] | None) -> list[Any]:
    """The nodes' entries of a per-node table, filling (and keeping) only the missing ones.

    The search for gaps runs in C (``list.index``); ``fill`` runs once per gap.
    """
    if positions is None or len(positions) != len(nodes):
        positions = [ni.pos for ni in nodes]
    if type(positions) is range and positions.step == 1:
        out = table[positions.start:positions.stop]  # consecutive places (a filter batch): one slice
    else:
        out = [table[p] for p in positions]  # a comprehension: twice as fast as map(table.__getitem__, ...)
    i = -1
    try:
        while True:
            i = out.index(MISSING, i + 1)
            out[i] = table[positions[i]] = fill(nodes[i])
    except ValueError:
        return out
