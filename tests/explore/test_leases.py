"""One scheduler (or controller manager) acting per lease: the write recorder on replicated processes changes
nothing, the invariant fails on a write from a replica that did not lead, and a planted defect (a killed replica
whose process keeps running) is found, shrunk and written as a feature that fails again under pytest."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kspec.explore import explore, leases, walk, write_feature
from kspec.explore.actions import Model, deployment_yaml, next_action
from kspec.explore.invariants import Tracker
from kspec.explore.leases import Write, one_actor_per_lease
from kspec.explore.steps import Step, run_step
from kspec.harness import Harness
from kspec.lint import lint

HA = [Step("given", "a cluster with 3 nodes"), Step("given", "the control plane runs 2 schedulers"),
      Step("given", "the control plane runs 2 controller managers")]


def cluster(record: bool = True) -> tuple[Harness, Tracker]:
    h, t = Harness(), Tracker()
    for step in HA:
        run_step(h, step)
    if record:
        leases.install(h.cluster, t)
    return h, t


def test_bindings_and_controller_writes_are_attributed_to_the_leading_replicas() -> None:
    h, t = cluster()
    run_step(h, Step("when", "I apply:", deployment_yaml("web", 2, "500m", "nginx:1.27")))
    binds = [w for w in t.writes if w.verb == "bind"]
    assert [w.replica for w in binds] == ["kube-scheduler-1"] * 2 and all(w.acting for w in binds)
    assert {w.replica for w in t.writes if w.component == "controller manager"} == {"kube-controller-manager-1"}
    assert one_actor_per_lease(h.cluster, t) is None and t.writes == []  # checked writes are consumed


def _fake(t: Tracker, h: Harness, **changes: Any) -> None:
    good = dict(at=h.cluster.clock.now, component="scheduler", replica="kube-scheduler-1",
                identity=h.cluster.replicated["scheduler"].replicas[0].elector.identity, verb="bind",
                what="bound pod default/p to node-1", acting=True, holder="", valid_until=h.cluster.clock.now + 1,
                pod=("default", "p"))
    good["holder"] = good["identity"]
    t.writes.append(Write(**{**good, **changes}))


def test_a_write_outside_the_lease_breaks_one_actor_per_lease() -> None:
    h, t = cluster()
    h.cluster.start()
    _fake(t, h)
    assert one_actor_per_lease(h.cluster, t) is None
    _fake(t, h, holder="kube-scheduler-2_x")
    found = one_actor_per_lease(h.cluster, t)
    assert found is not None and "while the Lease kube-system/kube-scheduler was held by kube-scheduler-2_x" \
        in found.message
    _fake(t, h, valid_until=h.cluster.clock.now)  # the record expired at that very instant
    assert one_actor_per_lease(h.cluster, t) is not None
    _fake(t, h, acting=False)
    found = one_actor_per_lease(h.cluster, t)
    assert found is not None and "but it did not lead" in found.message
    _fake(t, h, leaders=("kube-scheduler-1", "kube-scheduler-2"))  # another replica led too when it wrote
    found = one_actor_per_lease(h.cluster, t)
    assert found is not None and "kube-scheduler-1, kube-scheduler-2 all lead" in found.message


def test_two_replicas_leading_at_once_break_one_actor_per_lease() -> None:
    h, t = cluster()
    run_step(h, Step("when", "I wait 5s"))
    assert one_actor_per_lease(h.cluster, t) is None
    follower = h.cluster.replicated["scheduler"].replicas[1].elector
    follower.leading = True  # it has seen the leader renew: the lease it believes in is valid
    found = one_actor_per_lease(h.cluster, t)
    assert found is not None and "kube-scheduler-1, kube-scheduler-2 all lead" in found.message


def test_kubectl_rollout_undo_is_the_clients_write_not_a_controller_managers() -> None:
    """Found by kspec explore --controller-managers 2 (seed 7): the rollback went through the last leading
    controller manager's process, so a stopped replica seemed to write; kubectl makes that request itself."""
    h, t = cluster()
    run_step(h, Step("when", "I apply:", deployment_yaml("web", 1, "500m", "nginx:1.27")))
    run_step(h, Step("when", 'I set the image of deployment "web" to "nginx:1.28"'))
    run_step(h, Step("when", "I stop the leading controller manager"))
    t.writes.clear()
    run_step(h, Step("when", 'I roll back deployment "web"'))
    assert t.writes == []
    image = h.cluster.get("deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "nginx:1.27"


def _snapshot(h: Harness) -> Any:
    c = h.cluster
    objects = {kind: sorted((o["metadata"].get("namespace", ""), o["metadata"]["name"],
                             o["metadata"].get("resourceVersion"), repr(o.get("spec")), repr(o.get("status")))
                            for o in c.list(kind, None))
               for kind in ("pod", "deployment", "replicaset", "endpoints", "lease", "node")}
    return c.clock.now, c.clock.callbacks_run, objects, [repr(e) for e in c.event_log]


def test_the_recorder_changes_nothing() -> None:
    """The same drawn steps, with and without the recorder: the same objects, events and callbacks."""
    rng, model = random.Random(5), Model(schedulers=2, controller_managers=2)
    steps = [next_action(model, rng.choice) for _ in range(60)]
    steps[3:3] = [Step("when", "I stop the leading scheduler"), Step("when", "I wait 30s")]
    ends: list[Any] = []
    recorded: list[Write] = []
    for record in (True, False):
        h, t = cluster(record)
        for step in steps:
            try:
                run_step(h, step)
            except Exception:  # noqa: BLE001 - a drawn step that does not apply, in both runs alike
                pass
        recorded += t.writes
        ends.append(_snapshot(h))
    assert len(recorded) > 30 and {w.verb for w in recorded} >= {"bind", "create", "write_status"}
    assert ends[0] == ends[1]


def test_a_ha_exploration_runs_clean() -> None:
    run = walk(Model(schedulers=2, controller_managers=2), random.Random(11).choice, 60)
    assert run.violation is None, run.violation
    assert any(s.text == "I stop the leading scheduler" for s in run.steps)


ZOMBIE = '''
from kspec.leaderelection import Replica


def _zombie_stop(self):
    """Planted defect: a killed replica's elector stops, but its process keeps running and acting."""
    self.running = False
    if self.elector is not None:
        self.elector.stop()


Replica.stop = _zombie_stop
'''


def test_a_replica_acting_after_it_stopped_is_found_and_fails_again_under_pytest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.leaderelection import Replica

    monkeypatch.setattr(Replica, "stop", Replica.stop)  # the real stop comes back after the test
    exec(compile(ZOMBIE, "zombie", "exec"), {"__name__": "zombie"})  # noqa: S102 - the conftest below, in-process
    run = explore(1, 60, schedulers=2)
    assert run.violation is not None and run.violation.invariant == "one-actor-per-lease", run.violation
    assert run.reproduced and len(run.steps) <= 3, [s.text for s in run.steps]
    path = write_feature(run, tmp_path, 1)
    assert lint([str(path)]) == []
    text = path.read_text()
    assert "When I stop the leading scheduler" in text and "is not scheduled" in text
    pytest_run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(path)]
    clean = subprocess.run(pytest_run, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stdout[-3000:]  # without the defect the pod waits for a new leader
    (tmp_path / "conftest.py").write_text(ZOMBIE)
    broken = subprocess.run(pytest_run, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1, broken.stdout[-3000:]
    assert "is not scheduled" in broken.stdout, broken.stdout[-3000:]


def test_old_pods_left_while_no_controller_manager_leads_do_not_break_rollout_bounds() -> None:
    """Found by kspec explore --schedulers 2 --controller-managers 2 (seed 11): after a rollback (whose template
    the tracker cannot know) the next template change forgot the pods already there; with no controller
    manager leading, nothing scaled them down, and the bound was wrongly 1 + maxSurge."""
    from kspec.explore import replay

    steps = [Step("when", "I apply:", deployment_yaml("web", 0, "250m", "nginx:1.27")),
             Step("when", "I apply:", deployment_yaml("web", 3, "1", "nginx:1.27")),
             Step("when", "I stop the leading controller manager"),
             Step("when", 'I roll back deployment "web"'),
             Step("when", "I apply:", deployment_yaml("web", 1, "500m", "nginx:1.27"))]
    run = replay(HA, steps, strict=True)
    assert run.violation is None and not run.skipped and len(run.steps) == 5, run.violation


def test_the_model_settles_only_when_a_quorum_of_etcd_members_can_act() -> None:
    m = Model(etcd=3)
    assert m.etcd_quorum()
    m.etcd_paused.add("etcd-1")
    assert m.etcd_quorum()  # etcd-2 and etcd-3
    m.etcd_cut = "etcd-2"
    assert not m.etcd_quorum()  # the majority side etcd-1, etcd-3 has its etcd-1 frozen
    m.etcd_paused.clear()
    m.etcd_stopped_unnamed = 1  # "the etcd leader" was stopped: which one the model does not know
    assert not m.etcd_quorum()  # counted against the majority side
    m.etcd_cut = None
    assert m.etcd_quorum()
    m.etcd_stopped.add("etcd-3")
    assert not m.etcd_quorum()


def test_an_exploration_with_etcd_faults_and_replicated_schedulers_runs_clean() -> None:
    """Every etcd action of the vocabulary is drawn; no acknowledged write is lost, one leader per term."""
    run = walk(Model(etcd=3, schedulers=2), random.Random(5).choice, 40)
    assert run.violation is None, run.violation
    texts = " / ".join(s.text for s in run.steps)
    for phrase in ("I pause etcd member", "I resume etcd member", "I partition etcd members",
                   "I heal the etcd partition", "I stop the etcd leader", "I start every stopped etcd member",
                   "I stop the leading scheduler"):
        assert phrase in texts, phrase


@settings(max_examples=2, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_a_bounded_ha_exploration_with_etcd_faults_runs_clean(data: st.DataObject) -> None:
    """Hypothesis draws the actions (and would shrink a failure): 40 per example, etcd faults and failovers."""
    model = Model(etcd=3, schedulers=2, controller_managers=2)
    run = walk(model, lambda options: data.draw(st.sampled_from(list(options))), 40)
    assert run.violation is None, run.violation


def test_a_pod_made_while_no_scheduler_leads_waits_without_breaking_pods_accounted() -> None:
    """Upstream too: nobody records FailedScheduling while no scheduler leads; once one does, the pod is placed."""
    from kspec.explore import replay

    steps = [Step("when", "I stop the leading scheduler"),
             Step("when", "I apply:", deployment_yaml("web", 1, "500m", "nginx:1.27")),
             Step("when", "I wait 5s"), Step("when", "I wait 30s")]
    run = replay(HA, steps, strict=True)
    assert run.violation is None and len(run.steps) == 4, run.violation


def test_endpoints_left_stale_while_no_controller_manager_leads_do_not_break_endpoints_match() -> None:
    """With no controller manager leading nobody updates Endpoints, as upstream; settling does not change that."""
    from kspec.explore import replay
    from kspec.explore.actions import service_yaml

    setup = [Step("given", "a cluster with 3 nodes"), Step("given", "the control plane runs 1 controller managers")]
    steps = [Step("when", "I apply:", deployment_yaml("web", 1, "500m", "nginx:1.27")),
             Step("when", "I apply:", service_yaml("web")), Step("when", "the cluster settles"),
             Step("when", "I stop the leading controller manager"),
             Step("when", 'the readiness probe of pod "deployment/web#0" starts failing'),
             Step("when", "the cluster settles")]
    run = replay(setup, steps, strict=True)
    assert run.violation is None and len(run.steps) == 6, run.violation


def test_kspec_explore_takes_schedulers_and_controller_managers(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    from kspec.cli import main

    assert main(["explore", "--seed", "2", "--steps", "15", "--etcd", "3", "--schedulers", "2",
                 "--controller-managers", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("kspec explore: seed 2, 15 steps, 3 etcd members, 2 schedulers, 2 controller managers")
    assert "one-actor-per-lease" in out and " steps clean" in out
