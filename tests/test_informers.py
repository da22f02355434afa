"""Informers deliver committed changes in commit order; WorkQueue de-duplicates and backs off."""

from __future__ import annotations

import copy

from kspec.clock import Clock
from kspec.informers import LIKE_UPDATE, Handler, Informers, WorkQueue, enqueue_handler
from kspec.store import MemoryStore


def _cm(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"},
            "data": data}


def _wired() -> tuple[Clock, MemoryStore, Informers]:
    clock = Clock()
    store = MemoryStore()
    informers = Informers(clock)
    store.subscribe(informers.notify)
    return clock, store, informers


def test_delivery_is_deferred_to_a_callback() -> None:
    clock, store, informers = _wired()
    seen: list[str] = []
    informers.on("configmaps", on_add=lambda o: seen.append(o["metadata"]["name"]))
    store.create("configmaps", _cm("a"))
    assert seen == []  # the write returns before any handler runs
    clock.run_now()
    assert seen == ["a"]


def test_delivery_order_equals_commit_order_even_when_a_handler_writes() -> None:
    clock, store, informers = _wired()
    log: list[str] = []

    def on_add(obj: dict) -> None:
        name = obj["metadata"]["name"]
        log.append(f"add {name}")
        if name == "a":
            store.create("configmaps", _cm("c"))  # committed after "b": delivered after it

    informers.on("configmaps", on_add=on_add,
                 on_update=lambda old, new: log.append(f"update {new['metadata']['name']} "
                                                       f"{old['data']}->{new['data']}"),
                 on_delete=lambda o: log.append(f"delete {o['metadata']['name']}"))
    store.create("configmaps", _cm("a"))
    store.create("configmaps", _cm("b"))
    store.update("configmaps", _cm("a", x="1"))
    store.delete("configmaps", "default", "b")
    clock.run_now()
    assert log == ["add a", "add b", "update a {}->{'x': '1'}", "delete b", "add c"]


def test_star_handlers_see_every_resource_and_others_only_theirs() -> None:
    clock, store, informers = _wired()
    every: list[str] = []
    secrets: list[str] = []
    informers.on("*", on_add=lambda o: every.append(o["metadata"]["name"]))
    informers.on("secrets", on_add=lambda o: secrets.append(o["metadata"]["name"]))
    store.create("configmaps", _cm("a"))
    store.create("secrets", {"metadata": {"name": "s", "namespace": "default"}})
    clock.run_now()
    assert every == ["a", "s"]
    assert secrets == ["s"]


def test_removed_handler_is_not_called() -> None:
    clock, store, informers = _wired()
    seen: list[str] = []
    handler = informers.on("configmaps", on_add=lambda o: seen.append("x"))
    informers.remove(handler)
    store.create("configmaps", _cm("a"))
    clock.run_now()
    assert seen == []


def test_replay_adds_existing_objects() -> None:
    clock, store, informers = _wired()
    store.create("configmaps", _cm("b"))
    store.create("configmaps", _cm("a"))
    seen: list[str] = []
    handler = informers.on("configmaps", on_add=lambda o: seen.append(o["metadata"]["name"]))
    informers.replay(handler, store.list("configmaps"))
    assert seen == ["a", "b"]


# -- WorkQueue ------------------------------------------------------------------------------
def _queue() -> tuple[Clock, WorkQueue, list[tuple[int, str]]]:
    clock = Clock()
    done: list[tuple[int, str]] = []
    q = WorkQueue(clock, lambda key: done.append((clock.now, key)), "test")
    return clock, q, done


def test_key_added_twice_while_queued_is_processed_once() -> None:
    clock, q, done = _queue()
    q.add("a")
    q.add("b")
    q.add("a")
    assert len(q) == 2
    clock.run_now()
    assert done == [(0, "a"), (0, "b")]
    assert len(q) == 0


def test_key_added_while_processing_is_processed_again() -> None:
    clock = Clock()
    done: list[str] = []
    box: list[WorkQueue] = []

    def process(key: str) -> None:
        done.append(key)
        if len(done) == 1:
            box[0].add(key)  # the object changed while we reconciled it

    q = WorkQueue(clock, process)
    box.append(q)
    q.add("a")
    clock.run_now()
    assert done == ["a", "a"]


def test_add_after_keeps_the_earliest_due_time() -> None:
    clock, q, done = _queue()
    q.add_after("a", 100)
    q.add_after("a", 300)  # later: ignored
    q.add_after("b", 300)
    q.add_after("b", 50)  # earlier: wins
    clock.run_for(1000)
    assert done == [(50, "b"), (100, "a")]


def test_add_after_zero_adds_now() -> None:
    clock, q, done = _queue()
    q.add_after("a", 0)
    clock.run_now()
    assert done == [(0, "a")]


def test_add_rate_limited_doubles_from_5ms() -> None:
    clock, q, done = _queue()
    delays = []
    for _ in range(5):
        start = clock.now
        q.add_rate_limited("a")
        clock.run_for(10_000)
        delays.append(done[-1][0] - start)
    assert delays == [5, 10, 20, 40, 80]


def test_add_rate_limited_is_capped_at_1000s() -> None:
    clock, q, _done = _queue()
    q._failures = {"a": 40}  # long past the cap (a queue makes its failures dict on the first one)
    q.add_rate_limited("a")
    assert clock.next_time() == WorkQueue.MAX_DELAY_MS == 1_000_000


def test_forget_resets_the_back_off() -> None:
    clock, q, done = _queue()
    q.add_rate_limited("a")
    q.add_rate_limited("a")  # 5ms is already pending: 10ms is later, so it is dropped
    clock.run_for(100)
    q.forget("a")
    start = clock.now
    q.add_rate_limited("a")
    clock.run_for(100)
    assert done[-1][0] - start == 5


def test_keys_are_processed_one_per_callback() -> None:
    clock, q, done = _queue()
    other: list[str] = []
    q.add("a")
    q.add("b")
    clock.call_soon(lambda: other.append("between"))
    q.add("c")
    clock.run_now()
    # the queue's drain yields after each key, so other work at the instant interleaves
    assert [k for _t, k in done] == ["a", "b", "c"]
    assert other == ["between"]


def test_a_delivery_calls_the_handlers_registered_when_it_starts() -> None:
    """A delivery iterates the handlers as they were when it began: one removed by an earlier handler is still
    called for this change, one added is called from the next change on."""
    clock, store, informers = _wired()
    seen: list[str] = []
    late: list[object] = []

    def first(_old: dict, new: dict) -> None:
        seen.append("first " + new["data"]["v"])
        if not late:
            informers.remove(second_handler)
            late.append(informers.on("configmaps", on_update=lambda _o, n: seen.append("late " + n["data"]["v"])))
    informers.on("configmaps", on_update=first)
    second_handler = informers.on("configmaps", on_update=lambda _o, n: seen.append("second " + n["data"]["v"]))
    cm = store.create("configmaps", _cm("a", v="0"))
    clock.run_now()
    cm = store.update("configmaps", {**cm, "metadata": dict(cm["metadata"]), "data": {"v": "1"}})
    clock.run_now()
    store.update("configmaps", {**cm, "metadata": dict(cm["metadata"]), "data": {"v": "2"}})
    clock.run_now()
    assert seen == ["first 1", "second 1", "first 2", "late 2"]


def test_a_handler_registered_after_deliveries_gets_the_next_ones() -> None:
    clock, store, informers = _wired()
    seen: list[str] = []
    informers.on("configmaps", on_add=lambda o: seen.append("first " + o["metadata"]["name"]))
    store.create("configmaps", _cm("a"))
    clock.run_now()  # the delivery remembered who gets configmaps
    informers.on("configmaps", on_add=lambda o: seen.append("second " + o["metadata"]["name"]))
    informers.on("*", on_add=lambda o: seen.append("every " + o["metadata"]["name"]))
    store.create("configmaps", _cm("b"))
    clock.run_now()
    assert seen == ["first a", "first b", "second b", "every b"]


def test_a_resource_whose_handlers_were_all_removed_takes_new_ones() -> None:
    clock, store, informers = _wired()
    seen: list[str] = []
    informers.remove(informers.on("configmaps", on_add=lambda o: seen.append("gone")))
    informers.on("configmaps", on_add=lambda o: seen.append(o["metadata"]["name"]))
    store.create("configmaps", _cm("a"))
    clock.run_now()
    assert seen == ["a"]


def test_a_handler_reads_as_its_fields_and_is_told_apart_by_its_order() -> None:
    """Handler is a tuple (made without a Python constructor by Informers.on): the fields read as named, and
    two handlers with the same functions are still two (remove takes the one given)."""
    _clock, _store, informers = _wired()

    def add(obj: dict) -> None: ...

    first = informers.on("configmaps", add, ignore=frozenset({"events"}))
    second = informers.on("configmaps", add, on_status=None)
    assert (first.on_add, first.on_update, first.on_delete, first.ignore, first.order, first.on_status) == (
        add, None, None, frozenset({"events"}), (1, 0), LIKE_UPDATE)
    assert second.order == (2, 0) and second.on_status is None and first != second
    assert Handler(add, order=(1, 0), ignore=frozenset({"events"})) == first
    assert copy.copy(second) == second and copy.deepcopy(first) == first
    informers.remove(second)
    assert informers._handlers["configmaps"] == [first]


def test_watch_queue_methods_enqueue_what_enqueue_handler_does() -> None:
    """WorkQueue.add_object/update_object (Controller.watch's default key) against enqueue_handler's functions."""
    objects = [{"metadata": {"name": "a", "namespace": "ns"}}, {"metadata": {"name": "b"}}, {"metadata": {}},
               {"metadata": {"name": "c", "namespace": ""}}, {}]
    clock = Clock()
    queues = [WorkQueue(clock, lambda _k: None, "q") for _ in range(2)]
    funcs = enqueue_handler(queues[0])
    for obj in objects:
        funcs["on_add"](obj)
        queues[1].add_object(obj)
        funcs["on_update"]({}, obj)
        queues[1].update_object({}, obj)
    assert list(queues[0]._order) == list(queues[1]._order) == ["ns/a", "b", "c"]
