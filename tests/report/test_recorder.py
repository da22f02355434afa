"""The recorder: what it keeps of a scenario, and that keeping it changes nothing in the run."""

from __future__ import annotations

from collections.abc import Callable

from kspec.cluster import Cluster
from kspec.dump import digests
from kspec.report import Recorder, Recording


def test_steps_keep_their_order_times_and_outcome(rollout: Recording) -> None:
    steps = rollout.steps
    assert [s.line for s in steps] == [1, 2, 3, 4]
    assert [s.status for s in steps] == ["passed", "passed", "passed", "failed"]
    seqs = [x for s in steps for x in (s.start_seq, s.end_seq)]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert steps[2].end_ms - steps[2].start_ms >= 30_000  # the update step waited 30s of virtual time


def test_every_pod_has_its_state_changes_and_node(rollout: Recording) -> None:
    web = {k: p for k, p in rollout.pods.items() if p["owner"].startswith("ReplicaSet/web-")}
    assert len(web) == 8  # 4 of the first template, 4 of the second
    old = [p for p in web.values() if p["deleted_seq"] is not None]
    new = [p for p in web.values() if p["deleted_seq"] is None]
    assert len(old) == 4 and len(new) == 4
    for pod in new:
        t, seq, phase, ready, node, terminating = pod["states"][-1]
        assert (phase, ready, terminating) == ("Running", True, False) and node in rollout.nodes
        assert pod["states"][0][2:] == ["Pending", False, "", False]  # created, not yet scheduled
    assert any(s[5] for p in old for s in p["states"])  # the old pods were seen terminating
    assert rollout.pods["default/huge"]["states"] == [rollout.pods["default/huge"]["states"][0]]
    assert rollout.nodes == ["node-1", "node-2", "node-3"]


def test_rollout_counts_stay_within_the_bounds_and_reach_the_surge(rollout: Recording) -> None:
    samples = rollout.deployments["default/web"]["samples"]
    update = rollout.steps[2].start_seq
    during = [s for s in samples if s[1] > update]
    assert during and all(s[5:] == [5, 4] for s in during)  # replicas 4 + maxSurge 1, 4 - maxUnavailable 0
    assert max(s[2] for s in during) == 5  # the surge pod existed
    assert all(s[2] <= s[5] and s[3] >= s[6] for s in during)
    assert samples[-1][2:5] == [4, 4, 4]


def test_scheduler_attempts_keep_filter_reasons_and_scores(rollout: Recording) -> None:
    [*_, huge] = rollout.attempts["default/huge"]
    assert huge["node"] == ""
    assert {r["plugin"] for r in huge["rows"]} == {"NodeResourcesFit"}
    assert all(r["reason"] == "Insufficient cpu" for r in huge["rows"])
    bound = [a for k, a in rollout.attempts.items() if k.startswith("default/web-")]
    assert len(bound) == 8
    last = bound[-1][-1]
    selected = [r for r in last["rows"] if r["result"] == "selected"]
    assert [r["node"] for r in selected] == [last["node"]]
    assert "NodeResourcesFit" in last["plugins"] and selected[0]["total"] is not None


def test_events_are_all_kept_in_sequence(rollout: Recording) -> None:
    seqs = [e["seq"] for e in rollout.events]
    assert seqs == sorted(seqs)
    reasons = {e["reason"] for e in rollout.events}
    assert {"ScalingReplicaSet", "Scheduled", "FailedScheduling", "Killing"} <= reasons
    assert rollout.moments == sorted(rollout.moments)


def test_etcd_leaders_only_with_etcd(rollout: Recording, etcd_rollout: Recording) -> None:
    assert rollout.etcd_leaders == [] and rollout.etcd_members == []
    assert etcd_rollout.etcd_members == ["etcd-1", "etcd-2", "etcd-3"]
    assert etcd_rollout.etcd_leaders[0][:2] == [2, "etcd-1"]


def test_recording_does_not_change_the_run(run_rollout: Callable[..., Cluster]) -> None:
    """The recorder only listens: the same scenario with and without it leaves the same events and objects."""
    assert digests(run_rollout(None)) == digests(run_rollout(Recorder("x")))


def test_a_scenario_without_a_cluster_still_finishes() -> None:
    recorder = Recorder("empty")
    recorder.step_started(None, "Given", "nothing", 1)
    recorder.step_finished(None, ok=True)
    rec = recorder.finish("passed")
    assert rec.steps[0].end_seq < rec.end_seq and rec.pods == {} and rec.as_dict()["outcome"] == "passed"
