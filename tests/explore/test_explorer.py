"""The scenario explorer: each invariant fails on a broken state, a bounded exploration runs clean, and a
violation is shrunk and written as a feature file that lints and fails again at its Then step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kspec.explore import actions, explore, invariants, walk, write_feature
from kspec.explore.actions import Model
from kspec.explore.invariants import Tracker
from kspec.explore.steps import Step
from kspec.lint import lint

Obj = dict[str, Any]


class FakeCluster:
    """Just what the invariants read, holding whatever broken state a test puts in it."""

    def __init__(self, **objects: list[Obj]) -> None:
        self.objects = objects
        self.events: dict[str, list[Obj]] = {}
        self.started = True
        self.etcd_members = 0
        self.etcd: Any = None

    def list(self, kind: str, namespace: str | None = "default") -> list[Obj]:
        return self.objects.get(kind, [])

    def try_get(self, kind: str, name: str, namespace: str = "default") -> Obj | None:
        return next((o for o in self.objects.get(kind, []) if o["metadata"]["name"] == name), None)

    def events_for(self, kind: str, name: str, namespace: str = "default") -> list[Obj]:
        return self.events.get(name, [])


def pod(name: str, node: str = "", cpu: str = "500m", **meta: Any) -> Obj:
    return {"metadata": {"name": name, "namespace": "default", **meta},
            "spec": {"nodeName": node, "containers": [{"resources": {"requests": {"cpu": cpu}}}]},
            "status": {"phase": "Running" if node else "Pending"}}


def node(name: str, cpu: str = "1") -> Obj:
    return {"metadata": {"name": name}, "status": {"allocatable": {"cpu": cpu, "memory": "1Gi"}}}


def check(fn: Any, cluster: FakeCluster, tracker: Tracker | None = None) -> invariants.Violation | None:
    return fn(cluster, tracker or Tracker())


def test_overcommitted_node_breaks_no_overcommit() -> None:
    fits = FakeCluster(node=[node("n1")], pod=[pod("a", "n1"), pod("b", "n1")])
    assert check(invariants.no_overcommit, fits) is None
    over = FakeCluster(node=[node("n1")], pod=[pod("a", "n1"), pod("b", "n1"), pod("c", "n1", cpu="1m")])
    found = check(invariants.no_overcommit, over)
    assert found is not None and found.invariant == "no-overcommit" and "1001m" in found.message


def ready_pod(name: str, ready: bool = True, **meta: Any) -> Obj:
    p = pod(name, "n1", labels={"app": "web"}, **meta)
    p["status"].update(podIP="10.244.0.5", conditions=[{"type": "Ready", "status": str(ready)}])
    return p


def endpoints(*names: str) -> Obj:
    return {"metadata": {"name": "web"}, "subsets": [{"addresses": [{"targetRef": {"name": n}} for n in names]}]}


def test_stale_endpoints_break_endpoints_match_once_settled() -> None:
    svc = {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}}}
    t = Tracker(services={"web"}, settled=True)
    good = FakeCluster(service=[svc], pod=[ready_pod("a"), ready_pod("b", ready=False),
                                          ready_pod("c", deletionTimestamp="x")], endpoints=[endpoints("a")])
    assert check(invariants.endpoints_match, good, t) is None
    stale = FakeCluster(service=[svc], pod=[ready_pod("a"), ready_pod("b")], endpoints=[endpoints("a")])
    found = check(invariants.endpoints_match, stale, t)
    assert found is not None and found.then == Step("then", 'the endpoints of service "web" are pods "a, b"')
    assert check(invariants.endpoints_match, stale, Tracker(services={"web"}, settled=False)) is None


def rollout_cluster(pods: int) -> FakeCluster:
    d = {"metadata": {"name": "web", "uid": "d1"}}
    rs = {"metadata": {"name": "web-1", "uid": "r1", "ownerReferences": [{"uid": "d1"}]}}
    owned = [pod(f"p{i}", "n1", ownerReferences=[{"uid": "r1"}]) for i in range(pods)]
    stray = pod("other", "n1", ownerReferences=[{"uid": "elsewhere"}])
    return FakeCluster(deployment=[d], replicaset=[rs], pod=[*owned, stray])


def test_too_many_pods_break_rollout_bounds() -> None:
    t = Tracker(surge_bound={"web": 3})
    assert check(invariants.rollout_bounds, rollout_cluster(3), t) is None
    found = check(invariants.rollout_bounds, rollout_cluster(4), t)
    assert found is not None and "never more than 3 pods" in (found.then.text if found.then else "")
    # pods left over from before the template changed may exceed the new bound, never grow past it
    assert check(invariants.rollout_bounds, rollout_cluster(4), Tracker(surge_bound={"web": 3}, carry={"web": 5})) \
        is None


def test_unaccounted_pod_breaks_pods_accounted() -> None:
    t = Tracker(waited=True)
    c = FakeCluster(pod=[pod("a", "n1"), pod("b"), pod("c", deletionTimestamp="x")])
    found = check(invariants.pods_accounted, c, t)
    assert found is not None and found.then == Step("then", 'pod "b" has event "FailedScheduling"')
    c.events["b"] = [{"reason": "FailedScheduling"}]
    assert check(invariants.pods_accounted, c, t) is None


def test_lost_write_breaks_writes_kept() -> None:
    d = {"metadata": {"name": "web"}, "spec": {"replicas": 2, "template": {"spec": {"containers": [
        {"image": "nginx:1.27"}]}}}}
    t = Tracker()
    t.observe(Step("when", "I apply:", actions.deployment_yaml("web", 2, "1", "nginx:1.27")))
    assert check(invariants.writes_kept, FakeCluster(deployment=[d]), t) is None
    assert check(invariants.writes_kept, FakeCluster(), t) is not None
    t.observe(Step("when", 'I scale deployment "web" to 3 replicas'))
    found = check(invariants.writes_kept, FakeCluster(deployment=[d]), t)
    assert found is not None and found.then == Step("then", 'the field "{.spec.replicas}" of deployment "web" is "3"')
    t.observe(Step("when", "I apply:", actions.service_yaml("web")))
    t.unknown(Step("when", 'I delete deployment "web"'))  # timed out: it may or may not happen
    assert t.services == {"web"} and "web" not in t.deployments  # the Service of that name is still known
    assert check(invariants.writes_kept, FakeCluster(service=[d]), t) is None
    assert check(invariants.writes_kept, FakeCluster(), t) is not None


class Member:
    def __init__(self, name: str, term: int, leader: bool) -> None:
        self.name, self.term = name, term
        self.state = type("S", (), {"name": "LEADER" if leader else "FOLLOWER"})()


def test_two_leaders_of_one_term_break_one_leader_per_term() -> None:
    c = FakeCluster()
    c.etcd_members = 3
    c.etcd = type("E", (), {"nodes": {"etcd-1": Member("etcd-1", 2, True), "etcd-2": Member("etcd-2", 2, False)}})()
    t = Tracker()
    assert check(invariants.one_leader_per_term, c, t) is None
    c.etcd.nodes["etcd-2"] = Member("etcd-2", 2, True)  # a second leader of term 2, even at a later step
    c.etcd.nodes["etcd-1"] = Member("etcd-1", 3, False)
    found = check(invariants.one_leader_per_term, c, t)
    assert found is not None and "both led term 2" in found.message


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_a_bounded_exploration_runs_clean(data: st.DataObject) -> None:
    """50 drawn actions per example; hypothesis draws them, so a failure here is shrunk by hypothesis."""
    run = walk(Model(), lambda options: data.draw(st.sampled_from(list(options))), 50)
    assert run.violation is None, run.violation


def test_a_violation_is_shrunk_and_written_as_a_feature_that_fails_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant a defect in the explorer's idea of maxSurge (0, not 25%): the first rollout breaks the bound;
    the shrunk run is a short feature that kspec lint accepts and that fails at its Then step."""
    monkeypatch.setattr(invariants, "max_surge", lambda replicas: 0)
    run = explore(8, 60)
    assert run.violation is not None and run.violation.invariant == "rollout-bounds"
    assert run.reproduced and len(run.steps) <= 4, [s.text for s in run.steps]
    path = write_feature(run, tmp_path, 8)
    assert lint([str(path)]) == []
    text = path.read_text()
    assert "Then during the rollout of deployment" in text
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                             str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout
    assert "expected never more than" in result.stdout, result.stdout[-3000:]


def test_kspec_explore_prints_the_invariants_and_the_clean_count(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path) -> None:
    from kspec.cli import main

    assert main(["explore", "--seed", "3", "--steps", "20", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "invariants checked after every step: no-overcommit, endpoints-match, rollout-bounds" in out
    assert out.rstrip().splitlines()[-1].split(" steps clean")[0].isdigit()
    assert not list(tmp_path.iterdir())


def test_kspec_explore_writes_the_shrunk_feature_and_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.cli import main

    monkeypatch.setattr(invariants, "max_surge", lambda replicas: 0)
    assert main(["explore", "--seed", "8", "--steps", "60", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'explore-8-rollout-bounds.feature'}" in out
    assert (tmp_path / "explore-8-rollout-bounds.feature").is_file()
