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
