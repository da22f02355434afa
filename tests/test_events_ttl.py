"""Events live for kube-apiserver's --event-ttl (1h) after their last update, whatever became of their object."""

from __future__ import annotations

from kspec import Cluster
from kspec.events import EVENT_TTL_MS


def _cluster_with_object() -> tuple[Cluster, dict]:
    c = Cluster(nodes=0)
    c.start()
    # a ConfigMap: no controller records events of its own about it
    obj = c.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}})
    return c, obj


def test_an_event_goes_an_hour_after_its_last_update() -> None:
    c, pod = _cluster_with_object()
    c.events.event(pod, "Warning", "BackOff", "back-off", component="kubelet")
    c.run_for(EVENT_TTL_MS // 2)
    c.events.event(pod, "Warning", "BackOff", "back-off", component="kubelet")  # count 2, TTL renewed
    c.run_for(EVENT_TTL_MS - 1000)
    [event] = c.events_for("ConfigMap", "web")
    assert event["count"] == 2
    c.run_for(1000)
    assert c.events_for("ConfigMap", "web") == []


def test_events_outlive_their_object() -> None:
    c, pod = _cluster_with_object()
    c.events.event(pod, "Normal", "Scheduled", "assigned", component="default-scheduler")
    c.delete("configmap", "web")
    assert c.try_get("configmap", "web") is None
    assert [e["reason"] for e in c.events_for("ConfigMap", "web")] == ["Scheduled"]
    c.expect.has_event("configmap", "web", "Scheduled")


def test_an_expired_event_recurring_is_created_again_counting_on() -> None:
    # client-go recordEvent: the correlator's cache still holds the key, so the Patch finds no Event and it is
    # created again with the cached name, firstTimestamp and the next count (the scheduler's events API has no
    # such cache: its recurrence is a new event)
    c, pod = _cluster_with_object()
    c.events.event(pod, "Warning", "BackOff", "back-off", component="kubelet")
    c.run_for(EVENT_TTL_MS + 1000)
    c.events.event(pod, "Warning", "BackOff", "back-off", component="kubelet")
    [event] = c.events_for("ConfigMap", "web")
    assert event["count"] == 2 and event["firstTimestamp"] == "2025-01-01T00:00:00Z"
    assert event["lastTimestamp"] == "2025-01-01T01:00:01Z"
    c.events.event(pod, "Normal", "Scheduled", "assigned", component="default-scheduler")
    c.run_for(EVENT_TTL_MS + 1000)
    c.events.event(pod, "Normal", "Scheduled", "assigned", component="default-scheduler")
    [event] = [e for e in c.events_for("ConfigMap", "web") if e["reason"] == "Scheduled"]
    assert event["count"] == 1 and event["firstTimestamp"] == "2025-01-01T02:00:02Z"


def test_no_sweeping_is_left_once_every_event_expired() -> None:
    c, pod = _cluster_with_object()
    c.clock.run_now()
    before = c.clock.pending()
    c.events.event(pod, "Normal", "Pulled", "pulled", component="kubelet")
    c.clock.run_now()
    assert c.clock.pending() == before + 1  # the sweeper
    c.run_for(EVENT_TTL_MS + 1000)
    assert c.clock.pending() == before


def test_a_renewed_event_keeps_one_deadline_entry() -> None:
    """A crash loop renews its events every few minutes: each renewal moves the deadline without adding to
    the sweep's heap, and the event still goes an hour after its last update."""
    c, obj = _cluster_with_object()
    for _ in range(30):
        c.events.event(obj, "Warning", "BackOff", "back-off", component="kubelet")
        c.run_for(60_000)
    assert len(c.events._deadlines) == 1
    c.run_for(EVENT_TTL_MS - 60_000 - 1000)  # the last update was a minute ago
    [event] = c.events_for("ConfigMap", "web")
    assert event["count"] == 30
    c.run_for(1000)
    assert c.events_for("ConfigMap", "web") == [] and c.events._deadlines == []
