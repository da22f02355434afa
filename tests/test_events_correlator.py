"""client-go tools/record's EventCorrelator on kspec's core/v1 recorders (events_cache.go): the 10th distinct
message of one source, object, type and reason within 10 minutes becomes ``(combined from similar events): ...``
(EventAggregator). The scheduler records through events.k8s.io, without it."""

from __future__ import annotations

from kspec import Cluster
from kspec.events import COMBINED_PREFIX


def _cluster() -> tuple[Cluster, dict]:
    c = Cluster(nodes=0)
    c.start()
    return c, c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}})


def _messages(c: Cluster, reason: str) -> list[tuple[str, int]]:
    return [(e["message"], e["count"]) for e in c.events_for("ConfigMap", "web") if e["reason"] == reason]


def test_the_tenth_distinct_message_is_combined_from_similar_events() -> None:
    # EventAggregate: maxEvents 10; localKeys.Len() >= 10 makes the aggregate event, keyed by the aggregate key
    c, obj = _cluster()
    for i in range(14):
        c.events.event(obj, "Normal", "SuccessfulCreate", f"Created pod: web-{i}", component="replicaset-controller")
    seen = _messages(c, "SuccessfulCreate")
    assert seen[:9] == [(f"Created pod: web-{i}", 1) for i in range(9)]
    assert seen[9:] == [(COMBINED_PREFIX + "Created pod: web-13", 5)]  # the 10th to the 14th, latest message


def test_similar_events_spread_over_more_than_ten_minutes_are_not_combined() -> None:
    # a record older than maxIntervalInSeconds (600 s) starts over
    c, obj = _cluster()
    for i in range(12):
        c.events.event(obj, "Normal", "SuccessfulCreate", f"Created pod: web-{i}", component="replicaset-controller")
        c.run_for(601_000)
    assert all(not m.startswith(COMBINED_PREFIX) for m, _ in _messages(c, "SuccessfulCreate"))


def test_repeats_count_on_and_are_not_combined() -> None:
    # one message repeated is one key of the aggregate record: eventObserve counts it
    c, obj = _cluster()
    for _ in range(30):
        c.events.event(obj, "Warning", "BackOff", "back-off", component="kubelet", host="node-1")
    assert _messages(c, "BackOff") == [("back-off", 30)]


def test_the_scheduler_has_no_correlator() -> None:
    c, obj = _cluster()
    for i in range(30):
        c.events.event(obj, "Warning", "FailedScheduling", f"0/{i} nodes are available", component="default-scheduler")
    assert len(_messages(c, "FailedScheduling")) == 30
