"""The shape every controller shares: informer handlers enqueue keys, ``reconcile(key)`` is level-triggered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.informers import WorkQueue, enqueue_handler
from kspec.objects import Obj, key_of

if TYPE_CHECKING:
    from kspec.cluster import Cluster


class _Queue:
    """``Controller.queue``, made on first use: a controller whose start waits for the first object it watches
    (kspec/lazystart.py) and never sees one never needs its queue. Making a WorkQueue does nothing else (no clock
    callback, no sequence number, no write), so when it is made changes nothing a run shows. With
    ``KSPEC_EAGER_START=1`` the built-in controllers' queues are made with them (kspec/builtin/controllers.py)."""

    def __get__(self, controller: Controller | None, owner: type | None = None) -> Any:
        if controller is None:
            return self
        queue = controller.__dict__["queue"] = WorkQueue(controller.clock, controller._process, controller.NAME)
        return queue


class Controller:
    """Subclasses set NAME, call ``watch`` in ``start`` and implement ``reconcile``."""

    NAME = "controller"
    #: every resource the controller watches, when its ``start`` only registers informer handlers: it then
    #: starts with the first object of any of them (kspec/lazystart.py), the run unchanged
    START_ON_FIRST: tuple[str, ...] = ()
    #: resource (of START_ON_FIRST) -> a test of its objects: only one the test holds for starts the controller,
    #: whose handlers must act on no other object of it until something starts it (kspec/lazystart.py)
    START_WHEN: Mapping[str, Callable[[Obj], bool]] = {}

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.clock = cluster.clock
        self.events = cluster.events

    queue: WorkQueue = _Queue()  # type: ignore[assignment]

    def start(self) -> None:
        raise NotImplementedError

    def watch(self, resource: str, key: Callable[[Obj], str | None] = key_of) -> None:
        """Enqueue ``key(obj)`` on every change of ``resource``, starting with what exists."""
        informers = self.api.informers
        if key is not key_of:
            informers.replay(informers.on(resource, **enqueue_handler(self.queue, key)), self.api.store.list(resource))
            return
        queue = self.queue  # enqueue_handler(queue)'s functions, as the queue's own methods
        add = queue.add_object
        informers.on(resource, add, queue.update_object, add)
        if informers.replaying:  # Informers.replay
            for obj in self.api.store.list(resource):
                add(obj)

    def _process(self, key: str) -> None:
        try:
            failed = self.reconcile(key)
        except ApiError as exc:
            if exc.code in (409, 429, 500, 503, 504):
                self.queue.add_rate_limited(key)  # conflicts and outages are retried with back-off
                return
            raise
        if failed:  # the sync handler returned an error: processNextWorkItem's AddRateLimited
            self.queue.add_rate_limited(key)
            return
        if self.queue._failures:  # WorkQueue.forget, called only when there is something to forget
            self.queue.forget(key)

    def reconcile(self, key: str) -> bool | None:
        """Level-triggered sync of one key; a true result asks for a retry with back-off."""
        raise NotImplementedError
