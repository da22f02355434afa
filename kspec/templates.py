"""A new cluster's bootstrap objects and nodes, built once per process and copied afterwards.

Every ``Cluster(nodes=N)`` starts the same way: the system namespaces, the kubernetes and kube-dns
Services, the kubernetes Endpoints, then N Ready nodes, each through decoding, defaulting, admission and
validation. For one seed and one list of nodes the result is always the same state, so the first
cluster built that way records it and the next ones restore it: the store's objects and revision, the
seeded generators' positions (the cluster's, and the API server's uid streams for RBAC objects and for
EndpointSlices), the clock's write log and change count, the API server's write count and
address allocators. Stored objects are read-only (every write stores a new object: ``APIServer.patch``
copies, ``update_owned`` shares the unchanged parts of the previous version), so each new cluster gets
its own tables (resource -> key -> object) holding the template's objects themselves, not copies of them:
copying them was a tenth of a scenario's time, and freeing the copies a good part of its garbage
collection. ``KSPEC_CHECK_TEMPLATES=1`` (or ``CHECK = True``) compares the shared objects with a pristine
copy on every restore, naming the first object a scenario changed in place. ``tests/test_templates.py``
checks that the state is the same, field for field, as the eager construction's; ``KSPEC_EAGER=1`` (or
``ENABLED = False``) turns the template off.
"""

from __future__ import annotations

import marshal
import os
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kspec.api.server import APIServer
from kspec.store import MemoryStore

if TYPE_CHECKING:
    from kspec.cluster import Cluster, NodeSpec

#: Off under ``KSPEC_EAGER=1``: every cluster is then built request by request (to compare runs).
ENABLED = os.environ.get("KSPEC_EAGER", "") in ("", "0")
#: On under ``KSPEC_CHECK_TEMPLATES=1``: every restore first checks that no cluster changed a shared object.
CHECK = os.environ.get("KSPEC_CHECK_TEMPLATES", "") not in ("", "0")
#: How many distinct (seed, node list) constructions are kept; a suite uses a handful.
MAX_TEMPLATES = 64
#: Larger clusters are built eagerly: their own run dwarfs construction, and a copy kept would be megabytes.
MAX_TEMPLATE_NODES = 256


@dataclass(frozen=True)
class Template:
    blob: bytes  # marshal of (store data, clock write log): the pristine state, for CHECK
    data: dict[str, dict[tuple[str, str], Any]]  # the shared objects (read-only), by resource and key
    write_log: tuple[Any, ...]  # the clock's write log entries
    revision: int
    rng_state: tuple[Any, ...]
    writes: int
    changes: int
    service_ips: frozenset[int]
    node_ports: frozenset[int]
    node_index: int
    auth_rng_state: tuple[Any, ...] = ()  # the API server's stream for RBAC objects and service accounts
    slice_rng_state: tuple[Any, ...] = ()  # ... and its stream for EndpointSlice uids (the kubernetes slice's)
    #: resource -> its objects in key order (what the store's first list of it sorts; see ``restore``)
    listed: dict[str, list[Any]] = field(default_factory=dict)
    #: what a component works out from these objects alone, the same for every cluster (``pristine``)
    derived: dict[Any, Any] = field(default_factory=dict)


_TEMPLATES: OrderedDict[tuple[Any, ...], Template] = OrderedDict()


def key_for(cluster: Cluster, nodes: list[NodeSpec]) -> tuple[Any, ...] | None:
    """What the construction depends on, or None when this cluster is not built the standard way."""
    from kspec.cluster import Cluster, NodeSpec

    if not ENABLED or type(cluster.store) is not MemoryStore or type(cluster.api) is not APIServer \
            or type(cluster).add_node is not Cluster.add_node or cluster.clock.now or cluster.clock._seq \
            or cluster.store.revision != 1 or cluster.store._data or cluster.api.writes \
            or cluster.api.informers._handlers or len(nodes) > MAX_TEMPLATE_NODES:
        return None
    if all(type(n) is NodeSpec for n in nodes):
        try:  # their fields' values, types and order, in one C call (version 2: no references, so equal values
            # give equal bytes) instead of a dataclass repr per node
            return (cluster.seed, marshal.dumps([n.__dict__ for n in nodes], 2))
        except ValueError:  # a value marshal does not take (a dict subclass, an object): the reprs say it
            pass
    return (cluster.seed, *(repr(n) for n in nodes))


def restore(cluster: Cluster, key: tuple[Any, ...]) -> bool:
    """Give ``cluster`` the recorded construction (its own tables, the shared objects); False when there is none yet."""
    t = _TEMPLATES.get(key)
    if t is None:
        return False
    _TEMPLATES.move_to_end(key)
    if CHECK:
        check(t)
    store, api, clock = cluster.store, cluster.api, cluster.clock
    store._data = {resource: table.copy() for resource, table in t.data.items()}
    store.revision = t.revision
    # the store's listing memo (MemoryStore.list) starts with the template's sorted lists: every started
    # cluster lists these tables, most of them several times
    store._listed = {resource: (store._data[resource], t.revision, len(objs), objs)
                     for resource, objs in t.listed.items()}
    cluster._template = (t, store)
    cluster.rng.setstate(t.rng_state)
    clock._writes.extend(t.write_log)
    clock.changes = t.changes
    api.writes = t.writes
    api.service_ips.used = set(t.service_ips)
    api.node_ports.used = set(t.node_ports)
    cluster._node_index = t.node_index
    if t.auth_rng_state:
        api._auth_rng.setstate(t.auth_rng_state)
    if t.slice_rng_state:
        api._slice_rng.setstate(t.slice_rng_state)
    return True


def record(cluster: Cluster, key: tuple[Any, ...]) -> None:
    """Remember the state an eager construction reached (called right after it)."""
    clock: Any = cluster.clock
    writes: deque[Any] = clock._writes
    if any(w[4] is not None for w in writes) or clock._seq or cluster.api.informers._handlers:
        return  # something reacted during construction: not a plain sequence of writes
    blob = marshal.dumps((cluster.store._data, list(writes)))
    data, shared_writes = marshal.loads(blob)  # the template's own objects: the recording cluster goes on writing
    _TEMPLATES[key] = Template(
        blob, data, tuple(shared_writes), cluster.store.revision,
        cluster.rng.getstate(), cluster.api.writes, clock.changes, frozenset(cluster.api.service_ips.used),
        frozenset(cluster.api.node_ports.used), cluster._node_index, cluster.api._auth_rng.getstate(),
        cluster.api._slice_rng.getstate(),
        {resource: [table[k] for k in sorted(table)] for resource, table in data.items() if table})
    while len(_TEMPLATES) > MAX_TEMPLATES:
        _TEMPLATES.popitem(last=False)


def pristine(cluster: Cluster) -> Template | None:
    """The template ``cluster`` was built from, while its store still holds exactly the template's objects (no
    write since, the same store): what a component derives from those objects alone can then be remembered in
    ``Template.derived`` and reused by every such cluster. None otherwise."""
    found: tuple[Template, Any] | None = vars(cluster).get("_template")
    if found is None:
        return None
    t, store = found
    if cluster.store is not store or store.revision != t.revision:
        return None
    return t


class SharedObjectChanged(AssertionError):
    """A cluster changed one of the template's shared objects in place (KSPEC_CHECK_TEMPLATES)."""


def check(t: Template) -> None:
    """Fail naming the first shared object that differs from the pristine recorded one."""
    data, writes = marshal.loads(t.blob)
    if data == t.data and writes == list(t.write_log):
        return
    for resource, table in data.items():
        for k, obj in table.items():
            if t.data.get(resource, {}).get(k) != obj:
                raise SharedObjectChanged(f"a stored {resource} object {'/'.join(k)} of a cluster template was "
                                          "changed in place: stored objects are read-only (copy, then write)")
    raise SharedObjectChanged("the shared template's tables or write log were changed in place")


def clear() -> None:
    _TEMPLATES.clear()
