"""Event recording (client-go's record.EventRecorder with its correlator's de-duplication).

Events are core/v1 Event objects in the API, in the involved object's
namespace, so ``kubectl get events`` and specs see them as in a real cluster.
Repeats of the same (object, type, reason, message, source) bump ``count``
and ``lastTimestamp`` instead of creating a new Event. A failed write (the
store has no quorum) drops the event, as the recorder does.

Events outlive the object they are about: kube-apiserver stores each with a
TTL of ``--event-ttl`` (1h), renewed by every write, so an Event disappears an
hour after its last update, not when its object is deleted.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.frozen import fast_init
from kspec.objects import Obj, timestamp
from kspec.store import StoreError

if TYPE_CHECKING:
    from kspec.api.server import APIServer
    from kspec.clock import Timer

#: kube-apiserver ``--event-ttl`` default (``DefaultEventTTL``, 1h): an Event is deleted this long after its last
#: write.
EVENT_TTL_MS = 60 * 60 * 1000
#: How often expired Events are removed (etcd revokes expired leases within about a second).
EXPIRY_SWEEP_MS = 1000
#: components recording through the events.k8s.io API (client-go tools/events: no correlator), not core/v1's
EVENTS_API_COMPONENTS = frozenset({"default-scheduler"})
#: client-go tools/record events_cache.go: maxLruCacheEntries, defaultAggregateMaxEvents,
#: defaultAggregateIntervalInSeconds
LRU_ENTRIES = 4096
AGGREGATE_MAX_EVENTS = 10
AGGREGATE_INTERVAL_MS = 600_000
#: EventAggregatorByReasonMessageFunc's prefix
COMBINED_PREFIX = "(combined from similar events): "
#: what ``event`` reads of an object without metadata (read-only, never handed out)
_NO_METADATA: dict[str, str] = {}


@fast_init  # one per emitted event
@dataclass(frozen=True, slots=True)
class EventRecord:
    """One emitted event on the virtual timeline (what the log and the failure dump show)."""

    time_ms: int
    type: str
    reason: str
    kind: str
    namespace: str
    name: str
    message: str
    component: str

    @property
    def object(self) -> str:
        return f"{self.kind.lower()}/{self.name}"


@dataclass(slots=True)
class _Observation:
    """eventLog: what the correlator's logger remembers of an event key."""

    count: int
    first_ms: int
    name: str = ""


class _LRU(OrderedDict[str, Any]):
    """k8s.io/utils/lru with maxLruCacheEntries: a Get or Add refreshes an entry, the oldest is dropped."""

    def touch(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > LRU_ENTRIES:
            self.popitem(last=False)


class _Correlator:
    """client-go's EventCorrelator: its EventAggregator and eventLogger."""

    def __init__(self) -> None:
        self.aggregates = _LRU()  # aggregate key -> (messages seen, in order, as a dict; last time)
        self.logs = _LRU()  # event key -> _Observation

    def aggregate(self, aggregate_key: str, key: str, message: str, now: int) -> tuple[str, str]:
        """EventAggregate: the 10th distinct message of one source, object, type and reason within 10 minutes
        of the last becomes one aggregate event, ``(combined from similar events): <message>``."""
        messages, last = self.aggregates.get(aggregate_key, (None, 0))
        if messages is None or now - last > AGGREGATE_INTERVAL_MS:
            messages = {}
        messages[message] = None
        self.aggregates.touch(aggregate_key, (messages, now))
        if len(messages) < AGGREGATE_MAX_EVENTS:
            return key, message
        # localKeys.PopAny: Go picks any; the oldest here, so runs are deterministic
        del messages[next(iter(messages))]
        return f"aggregate\x00{aggregate_key}", COMBINED_PREFIX + message

    def observe(self, key: str, now: int) -> _Observation:
        """eventObserve: a key seen before counts on from its last observation (written or not)."""
        seen = self.logs.get(key)
        seen = _Observation(1, now) if seen is None else _Observation(seen.count + 1, seen.first_ms, seen.name)
        self.logs.touch(key, seen)
        return seen


class EventRecorder:
    def __init__(self, api: APIServer) -> None:
        self.api = api
        self.log: list[EventRecord] = []
        self._index: dict[str, str] = {}  # "\x00"-joined keys: a dict of strings stays untracked by the gc
        self._serial = 0
        self._expires: dict[str, int] = {}  # "namespace\x00event name" -> when its TTL runs out
        # the same deadlines by time (stale entries skipped), so a sweep looks only at what is due
        self._deadlines: list[tuple[int, str, str]] = []
        # event name -> the index key that named it (one: a name is made only for a key not in the index); a dict of
        # strings, untracked by the gc like _index
        self._keys_of: dict[str, str] = {}
        self._sweeper: Timer | None = None
        #: client-go EventCorrelator state, one per recording process (a component, on a host)
        self._correlators: dict[tuple[str, str], _Correlator] = {}

    def event(self, obj: Obj, type_: str, reason: str, message: str, *, component: str,
              host: str = "", action: str = "", field_path: str = "") -> None:
        """Record one event; ``field_path`` names the part of ``obj`` it is about (a container of a pod,
        kubecontainer.GenerateContainerRef), and like the message it keeps events apart (getEventKey).

        The components on client-go's core/v1 recorder (all but the scheduler) go through its EventCorrelator:
        similar events aggregated and repeats counted. Its EventSourceObjectSpamFilter (25 events per source
        and object, then one per 5 minutes) is left out: the kubelet here records a BackOff per crash, not one
        per pod sync as upstream's does, so the filter's tokens would go to other reasons than upstream's."""
        md = obj.get("metadata", _NO_METADATA)
        obj_ns, obj_name, uid = md.get("namespace"), md.get("name", ""), md.get("uid", "")
        ns = obj_ns or "default"
        now = self.api.clock.now
        kind = obj.get("kind", "")
        self.log.append(EventRecord(now, type_, reason, kind, ns, obj_name, message, component))
        key = "\x00".join((kind, ns, obj_name, field_path, uid, type_, reason, message, component, host))
        api_version = obj.get("apiVersion", "")
        observed: _Observation | None = None
        if component not in EVENTS_API_COMPONENTS:
            correlator = self._correlators.get((component, host))
            if correlator is None:
                correlator = self._correlators[(component, host)] = _Correlator()
            aggregate_key = "\x00".join((component, host, kind, ns, obj_name, uid, api_version, type_, reason))
            key, message = correlator.aggregate(aggregate_key, key, message, now)
            observed = correlator.observe(key, now)
        store = self.api.store
        try:
            # a key the correlator's cache no longer holds (or never did) is a new Event, whatever is stored
            existing_name = self._index.get(key) if observed is None or observed.count > 1 else None
            existing = store.get("events", ns, existing_name) if existing_name else None
            if existing is not None:
                # stored objects are read-only: copy only what changes (the top level, the metadata); the count
                # and lastTimestamp set in the copy's literal, where they were (their keys exist already)
                count = observed.count if observed is not None else existing.get("count", 1) + 1
                store.update("events", {**existing, "metadata": dict(existing["metadata"]), "count": count,
                                        "lastTimestamp": timestamp(now), "message": message})
                self._renew(ns, existing_name)
                return
            if observed is not None and observed.name:
                name = observed.name  # the correlator's cache outlives the Event: its name and count go on
            else:
                self._serial += 1
                # event names are <object>.<unique hex> (the recorder uses the time in nanoseconds)
                name = f"{obj_name}.{now * 1_000_000 + self._serial:x}"
                if observed is not None:
                    observed.name = name
            involved = {"kind": kind, "name": obj_name, "apiVersion": api_version, "uid": uid}
            if obj_ns:
                involved["namespace"] = obj_ns
            if field_path:
                involved["fieldPath"] = field_path
            resource_version = md.get("resourceVersion")
            if resource_version:
                involved["resourceVersion"] = resource_version
            stamp = timestamp(now)
            ev = {
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": name, "namespace": ns, "creationTimestamp": stamp},
                "involvedObject": involved, "reason": reason, "message": message, "type": type_,
                "count": observed.count if observed is not None else 1,
                "firstTimestamp": timestamp(observed.first_ms) if observed is not None else stamp,
                "lastTimestamp": stamp,
                "source": {"component": component, "host": host} if host else {"component": component},
                "reportingComponent": component, "reportingInstance": host,
            }
            if action:
                ev["action"] = action
            store.create("events", ev)
            self._index[key] = name
            self._keys_of[name] = key  # a new name: the time and the serial in it only grow
            self._renew(ns, name)
        except (ApiError, StoreError):
            return  # events are best-effort: a store without quorum drops them

    def _renew(self, namespace: str, name: str) -> None:
        """Every write of an Event restarts its TTL (the apiserver's TTLFunc on create and update).

        Only a new Event's deadline goes on the heap: a renewed one keeps its earlier entry, which the sweep
        that pops it puts back at the later deadline (a crash-looping pod's events are renewed every few
        minutes; one entry per renewal made the heap, and the sweeps popping it, ten times longer)."""
        when = self.api.clock.now + EVENT_TTL_MS
        key = f"{namespace}\x00{name}"
        if key not in self._expires:
            heapq.heappush(self._deadlines, (when, namespace, name))
        self._expires[key] = when
        if self._sweeper is None:
            self._sweeper = self.api.clock.call_every(EXPIRY_SWEEP_MS, self._expire, label="event TTL")

    def _expire(self) -> None:
        now = self.api.clock.now
        deadlines, expires = self._deadlines, self._expires
        due_set: set[tuple[str, str]] = set()
        while deadlines and deadlines[0][0] <= now:
            _when, ns, name = heapq.heappop(deadlines)
            expiry = expires.get(f"{ns}\x00{name}")
            if expiry is None:
                continue  # gone already
            if expiry <= now:
                due_set.add((ns, name))
            else:
                heapq.heappush(deadlines, (expiry, ns, name))  # renewed since: due at its new deadline
        due = sorted(due_set)
        for ns, name in due:
            try:
                if self.api.store.get("events", ns, name) is not None:
                    self.api.store.delete("events", ns, name)
            except (ApiError, StoreError):
                heapq.heappush(deadlines, (expires[f"{ns}\x00{name}"], ns, name))
                continue  # no quorum: try again on the next sweep
            del expires[f"{ns}\x00{name}"]
        if due:
            gone = {name for ns, name in due if f"{ns}\x00{name}" not in expires}
            for name in sorted(gone):
                key = self._keys_of.pop(name, None)
                if key is not None and self._index.get(key) == name:
                    del self._index[key]
        if not self._expires and self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None

    def for_object(self, kind: str, name: str, namespace: str = "default") -> list[Obj]:
        """The Events about one object, oldest first (what ``kubectl describe`` lists)."""
        return sorted((e for e in self.api.store.list("events", namespace)
                       if e["involvedObject"].get("kind") == kind and e["involvedObject"].get("name") == name),
                      key=lambda e: int(e["metadata"]["name"].rpartition(".")[2], 16))
