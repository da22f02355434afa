"""The page: well formed, self-contained, every section drawn, text escaped; and the index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from kspec.report import Recording, write_index, write_page
from kspec.report.html import Axis, render, render_index

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "source", "wbr"}


class Structure(HTMLParser):
    """Checks that every element closes in order, and collects ids, classes and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.classes: list[str] = []
        self.external: list[str] = []
        self.tags: list[str] = []
        self.pods: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        self.ids += [a["id"]] if a.get("id") else []
        self.classes += (a.get("class") or "").split()
        self.pods += [a["data-pod"]] if a.get("data-pod") else []
        self.external += [f"{tag} {k}={v}" for k, v in attrs if k in ("src", "href", "xlink:href", "action")
                          and v and re.match(r"\s*(https?:)?//", v)]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def parse(text: str) -> Structure:
    s = Structure()
    s.feed(text)
    s.close()
    return s


def data_of(text: str) -> dict:
    m = re.search(r'<script type="application/json" id="kspec-data">(.*?)</script>', text, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_page_is_well_formed_and_self_contained(rollout: Recording) -> None:
    page = render(rollout)
    s = parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert s.errors == [] and s.stack == []
    assert s.external == []
    assert "http://" not in page and "https://" not in page
    assert "link" not in s.tags and all(t != "iframe" for t in s.tags)
    assert not re.search(r"<script[^>]*\bsrc=", page)


def test_page_draws_every_section(rollout: Recording) -> None:
    page = render(rollout)
    s = parse(page)
    assert {"steps", "pods", "deployments", "events", "pod-panel", "kspec-data"} <= set(s.ids)
    assert "etcd" not in s.ids  # no etcd members in this scenario
    assert s.tags.count("svg") == 4  # steps, pods, one deployment, events
    assert s.classes.count("step") == 4 and "failed" in s.classes
    assert sorted(set(s.pods)) == sorted(rollout.pods)
    assert s.classes.count("node-lane") == 4  # three nodes and the pods no node took
    assert {"max-surge", "max-unavailable", "pods-count", "available-count"} <= set(s.classes)
    assert s.classes.count("event-tick") == len(rollout.events)
    assert "Insufficient cpu" in page  # FailedScheduling's message, in the events table


def test_scheduling_attempts_travel_with_the_page(rollout: Recording) -> None:
    attempts = data_of(render(rollout))["attempts"]
    assert attempts["default/huge"][-1]["rows"][0]["plugin"] == "NodeResourcesFit"


def test_etcd_terms_are_drawn_when_etcd_runs(etcd_rollout: Recording) -> None:
    s = parse(render(etcd_rollout))
    assert "etcd" in s.ids and s.classes.count("etcd-term") == len(etcd_rollout.etcd_leaders) >= 1


def test_text_is_escaped(rollout: Recording) -> None:
    attempt = {"t": 0, "profile": "p", "node": "", "message": "</script><script>alert(1)</script>",
               "num_nodes": 0, "plugins": [], "rows": [], "pre_filter": ""}
    rec = Recording(**{**rollout.__dict__, "scenario": "<b>x</b>", "attempts": {"default/huge": [attempt]}})
    page = render(rec)
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert page.count("<script") == 2  # the data and the code, nothing smuggled in
    assert data_of(page)["attempts"]["default/huge"][0]["message"] == attempt["message"]
    assert parse(page).errors == []


def test_axis_orders_changes_and_widens_where_time_passes() -> None:
    axis = Axis([[1, 0], [2, 0], [3, 0], [4, 60_000], [5, 60_000]], 6, 60_000)
    xs = [axis.x(i) for i in range(1, 7)]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert xs[3] - xs[2] > xs[1] - xs[0]  # a minute passing takes more room than one change
    assert [t for _, t in axis.ticks()] == [0, 60_000]
    assert axis.x_time(60_000) == axis.x(4) and axis.x(None) == xs[-1]


def test_pages_and_index(tmp_path: Path, rollout: Recording) -> None:
    passed = Recording(**{**rollout.__dict__, "nodeid": "a/b.feature::test_ok", "outcome": "passed"})
    p1, p2 = write_page(tmp_path, passed), write_page(tmp_path, rollout)
    index = write_index(tmp_path)
    assert index is not None
    text = index.read_text()
    assert parse(text).errors == []
    assert text.index(p2.name) < text.index(p1.name)  # failures first
    assert p1.name == "a_b.feature_test_ok.html" and sorted(f.name for f in tmp_path.glob("*.html")) == sorted(
        [p1.name, p2.name, "index.html"])
    assert "index.html" in render(rollout) and "0 scenarios" in render_index([])


def test_a_big_clusters_idle_nodes_are_summed_up(rollout: Recording) -> None:
    many = [f"node-{i}" for i in range(1, 101)]
    s = parse(render(Recording(**{**rollout.__dict__, "nodes": many})))
    assert s.classes.count("node-lane") == 4  # the three nodes with pods and the unscheduled lane
    assert "97 nodes without pods not drawn" in render(Recording(**{**rollout.__dict__, "nodes": many}))
    few = parse(render(Recording(**{**rollout.__dict__, "nodes": many[:5]})))
    assert few.classes.count("node-lane") == 6
