"""A new cluster's bootstrap objects and nodes, built once per process and copied afterwards.

Every ``Cluster(nodes=N)`` starts the same way: the system namespaces, the kubernetes and kube-dns
Services, the kubernetes Endpoints, then N Ready nodes, each through decoding, defaulting, admission and
validation. For one seed and one list of nodes the result is always the same state, so the first
cluster built that way records it and the next ones restore a private copy of it (``marshal``, which
copies dicts, lists and strings in C and keeps shared references shared): the store's objects and
revision, the seeded generator's position, the clock's write log and change count, the API server's
write count and address allocators. ``tests/test_templates.py`` checks that the state is the same, field
for field, as the eager construction's; ``KSPEC_EAGER=1`` (or ``ENABLED = False``) turns the copy off.
"""

from __future__ import annotations

import marshal
import os
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kspec.api.server import APIServer
from kspec.store import MemoryStore

if TYPE_CHECKING:
    from kspec.cluster import Cluster, NodeSpec

#: Off under ``KSPEC_EAGER=1``: every cluster is then built request by request (to compare runs).
ENABLED = os.environ.get("KSPEC_EAGER", "") in ("", "0")
#: How many distinct (seed, node list) constructions are kept; a suite uses a handful.
MAX_TEMPLATES = 64
#: Larger clusters are built eagerly: their own run dwarfs construction, and a copy kept would be megabytes.
MAX_TEMPLATE_NODES = 256


@dataclass(frozen=True)
class Template:
    blob: bytes  # marshal of (store data, clock write log)
    revision: int
    rng_state: tuple[Any, ...]
    writes: int
    changes: int
    service_ips: frozenset[int]
    node_ports: frozenset[int]
    node_index: int
    auth_rng_state: tuple[Any, ...] = ()  # the API server's stream for RBAC objects and service accounts


_TEMPLATES: OrderedDict[tuple[Any, ...], Template] = OrderedDict()


def key_for(cluster: Cluster, nodes: list[NodeSpec]) -> tuple[Any, ...] | None:
    """What the construction depends on, or None when this cluster is not built the standard way."""
    from kspec.cluster import Cluster

    if not ENABLED or type(cluster.store) is not MemoryStore or type(cluster.api) is not APIServer \
            or type(cluster).add_node is not Cluster.add_node or cluster.clock.now or cluster.clock._seq \
            or cluster.store.revision != 1 or cluster.store._data or cluster.api.writes \
            or cluster.api.informers._handlers or len(nodes) > MAX_TEMPLATE_NODES:
        return None
    return (cluster.seed, *(repr(n) for n in nodes))


def restore(cluster: Cluster, key: tuple[Any, ...]) -> bool:
    """Give ``cluster`` a private copy of the recorded construction; False when there is none yet."""
    t = _TEMPLATES.get(key)
    if t is None:
        return False
    _TEMPLATES.move_to_end(key)
    data, writes = marshal.loads(t.blob)
    store, api, clock = cluster.store, cluster.api, cluster.clock
    store._data = data
    store.revision = t.revision
    cluster.rng.setstate(t.rng_state)
    clock._writes.extend(writes)
    clock.changes = t.changes
    api.writes = t.writes
    api.service_ips.used = set(t.service_ips)
    api.node_ports.used = set(t.node_ports)
    cluster._node_index = t.node_index
    if t.auth_rng_state:
        api._auth_rng.setstate(t.auth_rng_state)
    return True


def record(cluster: Cluster, key: tuple[Any, ...]) -> None:
    """Remember the state an eager construction reached (called right after it)."""
    clock: Any = cluster.clock
    writes: deque[Any] = clock._writes
    if any(w[4] is not None for w in writes) or clock._seq or cluster.api.informers._handlers:
        return  # something reacted during construction: not a plain sequence of writes
    _TEMPLATES[key] = Template(
        marshal.dumps((cluster.store._data, list(writes))), cluster.store.revision,
        cluster.rng.getstate(), cluster.api.writes, clock.changes, frozenset(cluster.api.service_ips.used),
        frozenset(cluster.api.node_ports.used), cluster._node_index, cluster.api._auth_rng.getstate())
    while len(_TEMPLATES) > MAX_TEMPLATES:
        _TEMPLATES.popitem(last=False)


def clear() -> None:
    _TEMPLATES.clear()
