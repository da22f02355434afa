"""The storage interface under the API server, and the in-memory implementation.

The API server talks to storage only through ``Store``, so an etcd model (or a
third party's store) can sit underneath without the API server knowing. Every
successful write bumps one global revision, which becomes the object's
``resourceVersion``, and is reported to subscribers in commit order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kspec.frozen import fast_init
from kspec.objects import Obj

NAME = "memory"


class StoreError(Exception):
    """Raised by a store; the API server turns it into an API error."""


class KeyExists(StoreError):
    pass


class KeyNotFound(StoreError):
    pass


class RevisionMismatch(StoreError):
    pass


class Unavailable(StoreError):
    """The store cannot serve the request now (no quorum, member down)."""


@fast_init  # constructed on every commit
@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str  # ADDED, MODIFIED, DELETED
    resource: str
    obj: Obj
    old: Obj | None
    revision: int


class Store(Protocol):
    """What the API server needs from storage (etcd's KV API, reduced)."""

    revision: int

    def get(self, resource: str, namespace: str, name: str) -> Obj | None: ...

    def list(self, resource: str, namespace: str | None = None) -> list[Obj]: ...

    def create(self, resource: str, obj: Obj) -> Obj: ...

    def update(self, resource: str, obj: Obj, expect_rv: str | None = None) -> Obj: ...

    def delete(self, resource: str, namespace: str, name: str, expect_rv: str | None = None) -> Obj: ...

    def subscribe(self, fn: Callable[[WatchEvent], None]) -> None: ...

    def check_write(self) -> None:
        """Raise ``Unavailable`` if a write could not commit now."""


class MemoryStore:
    """A single, always-available key space: what a healthy etcd looks like from outside."""

    name = NAME

    def __init__(self) -> None:
        self.revision = 1
        self._data: dict[str, dict[tuple[str, str], Obj]] = {}
        self._subscribers: list[Callable[[WatchEvent], None]] = []
        #: resource -> (its table, the revision and size it had, its objects in key order): a cluster's start lists
        #: the same resources for one informer after another while nothing is written to them
        self._listed: dict[str, tuple[dict[tuple[str, str], Obj], int, int, list[Obj]]] = {}
        #: (resource, namespace) -> the same, for a list of one namespace
        self._listed_in: dict[tuple[str, str], tuple[dict[tuple[str, str], Obj], int, int, list[Obj]]] = {}
        #: resource -> the revision of its last write: a list remembered at that revision or later still holds
        #: (a write elsewhere, the kubelets' Lease renewals, leaves it so)
        self._written: dict[str, int] = {}

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        table = self._data.get(resource)
        return None if table is None else table.get((namespace, name))

    def list(self, resource: str, namespace: str | None = None) -> list[Obj]:
        items = self._data.get(resource)
        if not items:  # most informers' start-up lists find nothing: no sort, no key copy
            return []
        if namespace is None:
            return self._in_order(self._listed, resource, resource, items, None)
        return self._in_order(self._listed_in, (resource, namespace), resource, items, namespace)

    def _in_order(self, memo: dict[Any, tuple[dict[tuple[str, str], Obj], int, int, list[Obj]]], key: Any,
                  resource: str, items: dict[tuple[str, str], Obj], namespace: str | None) -> list[Obj]:
        """``items``' objects (of ``namespace``, when given) in key order, remembered in ``memo`` while no write to
        the resource came after: its table (not replaced) and size (no object added or removed behind the store's
        back) as they were. A copy each time: callers may sort or extend what they get."""
        listed = memo.get(key)
        if listed is not None and listed[0] is items and listed[1] >= self._written.get(resource, 0) \
                and listed[2] == len(items):
            return list(listed[3])
        keys = sorted(items) if namespace is None else sorted(k for k in items if k[0] == namespace)
        out = [items[k] for k in keys]
        memo[key] = (items, self.revision, len(items), out)
        return list(out)

    def count(self, resource: str) -> int:
        return len(self._data.get(resource, {}))

    def check_write(self) -> None:
        return None

    def create(self, resource: str, obj: Obj) -> Obj:
        # the revision bump and the commit written out, as in update
        self.check_write()
        md = obj["metadata"]
        key = (md.get("namespace", ""), md["name"])
        table = self._data.setdefault(resource, {})
        if key in table:
            raise KeyExists(key)
        self.revision = self._written[resource] = revision = self.revision + 1
        md["resourceVersion"] = str(revision)
        table[key] = obj
        event = WatchEvent("ADDED", resource, obj, None, revision)
        for fn in self._subscribers:
            fn(event)
        return obj

    def update(self, resource: str, obj: Obj, expect_rv: str | None = None) -> Obj:
        # every Lease renewal, status write and event count comes through here
        self.check_write()
        md = obj["metadata"]
        key = (md.get("namespace", ""), md["name"])
        table = self._data.get(resource)
        old = None if table is None else table.get(key)
        if table is None or old is None:
            raise KeyNotFound(key)
        if expect_rv is not None and old["metadata"].get("resourceVersion") != expect_rv:
            raise RevisionMismatch(key)
        self.revision = self._written[resource] = revision = self.revision + 1
        md["resourceVersion"] = str(revision)
        table[key] = obj
        event = WatchEvent("MODIFIED", resource, obj, old, revision)
        for fn in self._subscribers:
            fn(event)
        return obj

    def delete(self, resource: str, namespace: str, name: str, expect_rv: str | None = None) -> Obj:
        self.check_write()
        table = self._data.get(resource, {})
        old = table.get((namespace, name))
        if old is None:
            raise KeyNotFound((namespace, name))
        if expect_rv is not None and old["metadata"].get("resourceVersion") != expect_rv:
            raise RevisionMismatch((namespace, name))
        del table[(namespace, name)]
        self.revision = self._written[resource] = revision = self.revision + 1
        event = WatchEvent("DELETED", resource, old, old, revision)
        for fn in self._subscribers:
            fn(event)
        return old

    def subscribe(self, fn: Callable[[WatchEvent], None]) -> None:
        self._subscribers.append(fn)

    def load(self, other: MemoryStore) -> None:
        """Take over another store's contents (used when a store is swapped before the cluster starts)."""
        self.revision = max(self.revision, other.revision)
        self._listed.clear()
        self._listed_in.clear()
        for resource, table in other._data.items():
            self._data.setdefault(resource, {}).update(table)
