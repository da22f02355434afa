"""The Deployment arithmetic of deployment_util.go: fenceposts, NewRSNewReplicas, proportions, conditions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kspec.controllers import deployment_util as du


def deployment(replicas: int, surge: object = "25%", unavailable: object = "25%", kind: str = "RollingUpdate") -> dict:
    strategy = {"type": kind}
    if kind == "RollingUpdate":
        strategy["rollingUpdate"] = {"maxSurge": surge, "maxUnavailable": unavailable}
    return {"metadata": {"name": "web", "generation": 1}, "spec": {"replicas": replicas, "strategy": strategy}}


def rs(replicas: int, available: int = 0, name: str = "rs", created: str = "2025-01-01T00:00:00Z") -> dict:
    return {"metadata": {"name": name, "creationTimestamp": created, "annotations": {}},
            "spec": {"replicas": replicas}, "status": {"availableReplicas": available}}


def test_fenceposts_match_upstream_examples() -> None:
    # UPSTREAM.md WL-02
    assert (du.max_surge(deployment(10)), du.max_unavailable(deployment(10))) == (3, 2)
    assert (du.max_surge(deployment(3)), du.max_unavailable(deployment(3))) == (1, 0)
    assert (du.max_surge(deployment(1)), du.max_unavailable(deployment(1))) == (1, 0)
    assert du.max_unavailable(deployment(3, 0, "10%")) == 1  # both zero: one may be unavailable
    assert du.max_unavailable(deployment(0)) == 0
    assert du.max_unavailable(deployment(2, 0, 5)) == 2  # capped at replicas
    assert du.max_surge(deployment(4, kind="Recreate")) == 0


@given(st.integers(0, 500), st.integers(0, 100), st.integers(0, 100))
def test_fenceposts_round_surge_up_and_unavailable_down(replicas: int, surge: int, unavailable: int) -> None:
    d = deployment(replicas, f"{surge}%", f"{unavailable}%")
    s, u = du.resolve_fenceposts(f"{surge}%", f"{unavailable}%", replicas)
    assert s * 100 >= surge * replicas > (s - 1) * 100
    assert u * 100 <= unavailable * replicas < (u + 1) * 100 or (s == 0 and u == 1)
    assert du.max_unavailable(d) <= replicas
    assert s + u >= 1  # a rollout can always make progress


def test_new_rs_new_replicas() -> None:
    d = deployment(10)  # surge 3
    new = rs(0, name="new")
    assert du.new_rs_new_replicas(d, [rs(10, 10), new], new) == 3
    assert du.new_rs_new_replicas(d, [rs(10, 10), rs(3, name="new")], rs(3, name="new")) == 3  # at maxTotal
    assert du.new_rs_new_replicas(d, [rs(5, 5), rs(3, name="new")], rs(3, name="new")) == 8
    assert du.new_rs_new_replicas(deployment(4, kind="Recreate"), [new], new) == 4


@given(st.integers(1, 100), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100))
def test_new_rs_never_exceeds_replicas_or_surge(replicas: int, old: int, new: int, surge: int) -> None:
    d = deployment(replicas, f"{surge}%", "25%")
    new = min(new, replicas)
    result = du.new_rs_new_replicas(d, [rs(old), rs(new, name="new")], rs(new, name="new"))
    assert new <= result <= replicas
    if result > new:
        assert old + result <= replicas + du.max_surge(d)


def test_proportion_and_rounding() -> None:
    d = deployment(15)  # surge 4 -> 19 allowed
    old = rs(6)
    old["metadata"]["annotations"][du.MAX_REPLICAS] = "13"
    assert du.replica_set_proportion(old, d, 6, 0) == 3  # round(6*19/13 = 8.77) - 6
    assert du.replica_set_proportion(old, d, 2, 0) == 2  # capped by what is left to add
    assert du._round_half_away(2.5) == 3 and du._round_half_away(-2.5) == -3


def test_revision_history_annotation_grows_on_reuse() -> None:
    d = deployment(3)
    old = rs(0)
    old["metadata"]["annotations"][du.REVISION] = "1"
    assert du.set_new_rs_annotations(d, old, 3, True)
    assert old["metadata"]["annotations"][du.REVISION] == "3"
    assert old["metadata"]["annotations"][du.REVISION_HISTORY] == "1"


def test_set_condition_keeps_transition_time_for_same_status() -> None:
    status: dict = {}
    du.set_condition(status, du.new_condition("Progressing", "True", "A", "a", 0))
    du.set_condition(status, du.new_condition("Progressing", "True", "B", "b", 5000))
    cond = du.get_condition(status, "Progressing")
    assert cond is not None
    assert (cond["reason"], cond["lastTransitionTime"], cond["lastUpdateTime"]) == (
        "B", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z")


def test_find_active_or_latest() -> None:
    a, b = rs(0, name="a", created="2025-01-01T00:00:00Z"), rs(0, name="b", created="2025-01-01T00:01:00Z")
    assert du.find_active_or_latest(None, [a, b]) is b
    assert du.find_active_or_latest(rs(2, name="n"), [a, b])["metadata"]["name"] == "n"
    assert du.find_active_or_latest(rs(2, name="n"), [rs(1, name="o")]) is None


# -- table cases ported from pkg/controller/deployment/util/deployment_util_test.go ---------------------
def _fraction_case(d_replicas: int, d_status: int, surge: int, rs_replicas: int, annotations: dict) -> int:
    """TestGetReplicaSetFraction's setup: maxUnavailable 1, the given maxSurge and annotations."""
    d = deployment(d_replicas, surge, 1)
    d["status"] = {"replicas": d_status}
    s = rs(rs_replicas)
    s["metadata"]["annotations"] = dict(annotations)
    return du.replica_set_fraction(s, d)


def test_get_replica_set_fraction_table() -> None:
    cases = [
        # (name, deployment replicas, deployment status replicas, maxSurge, rs replicas, annotations, expected)
        ("empty deployment always scales to 0", 0, 0, 0, 10, {}, -10),
        ("unsynced deployment, max-replicas annotation missing", 10, 0, 0, 5, {}, 0),
        ("unsynced deployment, max-replicas annotation set to 0", 10, 0, 0, 5, {du.MAX_REPLICAS: "0"}, 0),
        ("scale up by 1/5, annotation missing", 120, 100, 0, 50, {}, 10),
        ("scale up by 1/5, annotation set to 0", 120, 100, 0, 50, {du.MAX_REPLICAS: "0"}, 10),
        ("scale up by 1/5", 120, 0, 0, 50, {du.MAX_REPLICAS: "100"}, 10),
        ("scale up with maxSurge by about 1/5", 120, 0, 10, 50, {du.MAX_REPLICAS: "110"}, 9),
        ("scale down by 1/6", 10, 0, 0, 6, {du.MAX_REPLICAS: "12"}, -1),
        ("scale down with maxSurge by about 1/6", 100, 0, 10, 50, {du.MAX_REPLICAS: "130"}, -8),
    ]
    for name, d_replicas, d_status, surge, rs_replicas, ann, expected in cases:
        assert _fraction_case(d_replicas, d_status, surge, rs_replicas, ann) == expected, name


def test_proportion_is_zero_when_the_fraction_has_no_base() -> None:
    # GetReplicaSetProportion over the guarded fraction: nothing to move, not the whole set
    d = deployment(10, 0, 1)
    d["status"] = {"replicas": 0}
    assert du.replica_set_proportion(rs(5), d, -3, 0) == 0
    assert du.replica_set_proportion(rs(5), d, 3, 0) == 0


def test_replicas_annotations_need_update_table() -> None:
    # TestReplicasAnnotationsNeedUpdate (desired 10, max 20)
    cases = [
        ("annotations nil", None, True),
        ("desiredReplicas update", {du.DESIRED_REPLICAS: "8", du.MAX_REPLICAS: "20"}, True),
        ("maxReplicas update", {du.DESIRED_REPLICAS: "10", du.MAX_REPLICAS: "16"}, True),
        ("needn't update", {du.DESIRED_REPLICAS: "10", du.MAX_REPLICAS: "20"}, False),
    ]
    for name, ann, expected in cases:
        s = rs(1)
        if ann is None:
            del s["metadata"]["annotations"]
        else:
            s["metadata"]["annotations"] = ann
        assert du.replicas_annotations_need_update(s, 10, 20) is expected, name


def test_max_unavailable_table() -> None:
    # TestMaxUnavailable (maxSurge 1)
    cases = [
        ("maxUnavailable less than replicas", 10, 5, 5),
        ("maxUnavailable equal replicas", 10, 10, 10),
        ("maxUnavailable greater than replicas", 5, 10, 5),
        ("maxUnavailable with replicas is 0", 0, 10, 0),
        ("maxUnavailable less than replicas with percents", 10, "50%", 5),
        ("maxUnavailable equal replicas with percents", 10, "100%", 10),
        ("maxUnavailable greater than replicas with percents", 5, "100%", 5),
    ]
    for name, replicas, unavailable, expected in cases:
        assert du.max_unavailable(deployment(replicas, 1, unavailable)) == expected, name
    assert du.max_unavailable(deployment(10, kind="Recreate")) == 0


def test_min_available_table() -> None:
    # TestMinAvailable (maxSurge 1)
    cases = [
        ("replicas greater than maxUnavailable", 10, 5, 5),
        ("replicas equal maxUnavailable", 10, 10, 0),
        ("replicas less than maxUnavailable", 5, 10, 0),
        ("replicas is 0", 0, 10, 0),
        ("replicas greater than maxUnavailable with percents", 10, "60%", 4),
        ("replicas equal maxUnavailable with percents", 10, "100%", 0),
        ("replicas less than maxUnavailable with percents", 5, "100%", 0),
    ]
    for name, replicas, unavailable, expected in cases:
        assert du.min_available(deployment(replicas, 1, unavailable)) == expected, name
    assert du.min_available(deployment(10, kind="Recreate")) == 0


def test_resolve_fenceposts_table() -> None:
    # TestResolveFenceposts (the cases without parse errors)
    cases = [("0%", "0%", 0, (0, 1)), ("39%", "39%", 10, (4, 3)), (None, "39%", 10, (0, 3)),
             ("39%", None, 10, (4, 0)), (None, None, 10, (0, 1))]
    for surge, unavailable, desired, expected in cases:
        assert du.resolve_fenceposts(surge, unavailable, desired) == expected, (surge, unavailable, desired)


def test_new_rs_new_replicas_table() -> None:
    # TestNewRSNewReplicas: one other set of 5 replicas; maxUnavailable 1
    cases = [("can not scale up - to newRSReplicas", "RollingUpdate", 1, 5, 1, 5),
             ("scale up - to depReplicas", "RollingUpdate", 6, 2, 10, 6),
             ("recreate - to depReplicas", "Recreate", 3, 1, 1, 3)]
    for name, kind, d_replicas, new_replicas, surge, expected in cases:
        d = deployment(d_replicas, surge, 1, kind)
        new = rs(new_replicas, name="new")
        assert du.new_rs_new_replicas(d, [rs(5, name="rs5")], new) == expected, name


def test_deployment_complete_table() -> None:
    # TestDeploymentComplete: (desired, current, updated, available, maxUnavailable, maxSurge)
    cases = [("min but not all pods become available", (5, 5, 5, 4, 1, 0), False),
             ("min availability is not honored", (5, 5, 5, 3, 1, 0), False),
             ("complete", (5, 5, 5, 5, 0, 0), True),
             ("all pods are available but not updated", (5, 5, 4, 5, 0, 0), False),
             ("still running old pods", (1, 2, 1, 1, 0, 1), False),
             ("one replica deployment never comes up", (1, 1, 1, 0, 1, 1), False)]
    for name, (desired, current, updated, available, unavailable, surge), expected in cases:
        d = deployment(desired, surge, unavailable)
        d["metadata"]["generation"] = 0
        status = {"replicas": current, "updatedReplicas": updated, "availableReplicas": available}
        assert du.deployment_complete(d, status) is expected, name


def _sized(replicas: int, name: str, created: str) -> dict:
    return rs(replicas, name=name, created=created)


def test_replica_sets_by_size_newer_breaks_ties_like_upstream() -> None:
    # controller.ReplicaSetsBySizeNewer: larger first; among equals ReplicaSetsByCreationTimestamp reversed,
    # so newer first and, at the same creation time, the name that sorts last first
    t0, t1 = "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"
    sets = [_sized(3, "a", t0), _sized(3, "b", t0), _sized(3, "c", t1), _sized(5, "z", t0)]
    assert [s["metadata"]["name"] for s in du.by_size_newer(sets)] == ["z", "c", "b", "a"]


def test_replica_sets_by_size_older_breaks_ties_like_upstream() -> None:
    # controller.ReplicaSetsBySizeOlder: larger first; among equals older first, then name ascending
    t0, t1 = "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"
    sets = [_sized(3, "c", t1), _sized(3, "b", t0), _sized(3, "a", t0), _sized(5, "z", t1)]
    assert [s["metadata"]["name"] for s in du.by_size_older(sets)] == ["z", "a", "b", "c"]


def test_equal_ignore_hash_holds_an_empty_struct_equal_to_none() -> None:
    """kubectl rollout undo sends the old template back with ``resources: {}``: the old ReplicaSet must match."""
    from kspec.controllers.deployment_util import equal_ignore_hash

    stored = {"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}},
              "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
    sent = {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {}}], "securityContext": {}}}
    assert equal_ignore_hash(stored, sent)
    assert not equal_ignore_hash(stored, {**sent, "spec": {"containers": [{"name": "web", "image": "nginx:2"}]}})
