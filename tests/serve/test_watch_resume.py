"""Watches resumed from a resourceVersion, expired ones, WatchList and the options a watch refuses."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

from kspec.api.watchhistory import EVENT_FRESH_MS, LOWER_BOUND_CAPACITY, history_of
from kspec.cluster import Cluster
from kspec.errors import ApiError
from kspec.serve import Server

POD = {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
PODS = "/api/v1/namespaces/default/pods"
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"  # no controller writes them: the events are the test's


def request(server: Server, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    ctype = "application/merge-patch+json" if method == "PATCH" else "application/json"
    req = urllib.request.Request(server.url + path, data=data, method=method,
                                 headers={"Accept": "application/json", "Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def watch(server: Server, query: str, path: str = PODS) -> list[dict[str, Any]]:
    """The events of a watch that the server ends after one second."""
    with urllib.request.urlopen(f"{server.url}{path}?watch=1&timeoutSeconds=1&{query}", timeout=10) as resp:
        return [json.loads(line) for line in resp.read().splitlines() if line.strip()]


def pod(name: str) -> dict[str, Any]:
    """A pod named ``name``."""
    return {**POD, "metadata": {"name": name}}


def test_a_watch_resumes_after_the_resource_version_it_names(served: Server) -> None:
    rv = request(served, "GET", CONFIGMAPS)[1]["metadata"]["resourceVersion"]
    request(served, "POST", CONFIGMAPS, {"metadata": {"name": "a"}})
    request(served, "POST", CONFIGMAPS, {"metadata": {"name": "b"}})
    request(served, "PATCH", f"{CONFIGMAPS}/b", {"data": {"k": "v"}})
    request(served, "DELETE", f"{CONFIGMAPS}/a")
    events = watch(served, f"resourceVersion={rv}", CONFIGMAPS)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"), ("ADDED", "b"), ("MODIFIED", "b"), ("DELETED", "a")]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and rvs[0] > int(rv) and len(set(rvs)) == 4  # a deletion carries its own revision
    after_b = events[1]["object"]["metadata"]["resourceVersion"]
    later = watch(served, f"resourceVersion={after_b}", CONFIGMAPS)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in later] == [("MODIFIED", "b"), ("DELETED", "a")]


def test_a_resource_version_older_than_the_history_is_expired(served: Server) -> None:
    events = watch(served, "resourceVersion=1")
    assert [e["type"] for e in events] == ["ERROR"]
    gone = events[0]["object"]
    assert (gone["kind"], gone["code"], gone["reason"]) == ("Status", 410, "Expired")
    assert re.fullmatch(r"too old resource version: 1 \(\d+\)", gone["message"])
    future = watch(served, "resourceVersion=999999999")[0]["object"]
    assert (future["code"], future["reason"]) == (504, "Timeout")
    assert future["message"].startswith("Too large resource version: 999999999, current: ")


def test_watch_list_sends_the_state_then_the_initial_events_end_bookmark(served: Server) -> None:
    request(served, "POST", PODS, pod("a"))
    events = watch(served, "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
    assert [(e["type"], e["object"]["metadata"].get("name")) for e in events[:2]] == [("ADDED", "a"),
                                                                                         ("BOOKMARK", None)]
    assert events[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_watch_options_upstream_refuses_are_422(served: Server) -> None:
    code, refused = request(served, "GET", f"{PODS}?watch=1&sendInitialEvents=true")
    assert (code, refused["reason"]) == (422, "Invalid")
    assert refused["message"] == ('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
                                  "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")
    code, refused = request(served, "GET", f"{PODS}?watch=1&resourceVersionMatch=NotOlderThan")
    assert code == 422 and refused["message"].endswith(
        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")


def test_the_history_drops_events_older_than_its_fresh_window_once_full() -> None:
    cluster = Cluster(nodes=1)
    api = cluster.api
    history = history_of(api)
    start = history.start_revision
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}
    api.create(config)
    for i in range(LOWER_BOUND_CAPACITY - 1):
        api.patch("configmaps", "c", "default", lambda o, i=i: o.__setitem__("data", {"i": str(i)}))
    assert len(history.since("configmaps", start)) == LOWER_BOUND_CAPACITY
    cluster.clock.run_for(EVENT_FRESH_MS + 1000)  # the buffer is full and its oldest event is stale
    api.patch("configmaps", "c", "default", lambda o: o.__setitem__("data", {"i": "last"}))
    try:
        history.since("configmaps", start)
    except ApiError as exc:
        assert (exc.code, exc.reason) == (410, "Expired")
        assert exc.message == f"too old resource version: {start} ({start + 1})"  # the create fell out
    else:
        raise AssertionError("the oldest event should have fallen out")
    kept = history.since("configmaps", start + 1)
    assert len(kept) == LOWER_BOUND_CAPACITY and kept[-1].obj["data"] == {"i": "last"}


def test_the_history_grows_while_its_events_are_fresh() -> None:
    api = Cluster(nodes=1).api
    history = history_of(api)
    start = history.start_revision
    api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}})
    for i in range(3 * LOWER_BOUND_CAPACITY):
        api.patch("configmaps", "c", "default", lambda o, i=i: o.__setitem__("data", {"i": str(i)}))
    assert len(history.since("configmaps", start)) == 3 * LOWER_BOUND_CAPACITY + 1


def test_the_history_follows_the_store_the_api_server_writes_to() -> None:
    from kspec.store import MemoryStore

    api = Cluster(nodes=1).api
    first = history_of(api)
    assert history_of(api) is first
    store = MemoryStore()
    store.load(api.store)
    api.attach_store(store)
    assert history_of(api).store is store


def test_a_watch_that_allows_bookmarks_gets_one_a_minute(served: Server) -> None:
    import threading
    import time

    rv = request(served, "GET", CONFIGMAPS)[1]["metadata"]["resourceVersion"]

    def advance() -> None:
        time.sleep(0.3)
        request(served, "POST", "/kspec/advance?ms=61000")
    mover = threading.Thread(target=advance)
    mover.start()
    events = watch(served, f"resourceVersion={rv}&allowWatchBookmarks=true", CONFIGMAPS)
    mover.join()
    marks = [e for e in events if e["type"] == "BOOKMARK"]
    assert marks and marks[0]["object"]["kind"] == "ConfigMap"
    assert int(marks[0]["object"]["metadata"]["resourceVersion"]) > int(rv)
    assert not [e for e in watch(served, f"resourceVersion={rv}", CONFIGMAPS) if e["type"] == "BOOKMARK"]


def test_an_object_entering_or_leaving_the_selection_is_added_or_deleted(served: Server) -> None:
    rv = request(served, "GET", CONFIGMAPS)[1]["metadata"]["resourceVersion"]
    request(served, "POST", CONFIGMAPS, {"metadata": {"name": "a"}})
    request(served, "PATCH", f"{CONFIGMAPS}/a", {"metadata": {"labels": {"team": "x"}}})
    request(served, "PATCH", f"{CONFIGMAPS}/a", {"data": {"k": "v"}})
    request(served, "PATCH", f"{CONFIGMAPS}/a", {"metadata": {"labels": {"team": None}}})
    events = watch(served, f"resourceVersion={rv}&labelSelector=team%3Dx", CONFIGMAPS)
    # the cacher's filtering (cacheWatcher.convertToWatchEvent): ADDED on entering, DELETED on leaving
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
