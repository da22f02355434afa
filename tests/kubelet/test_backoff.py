from hypothesis import given
from hypothesis import strategies as st

from kspec.kubelet.backoff import MAX_MS, Backoff


def test_crashloop_sequence_doubles_to_the_cap() -> None:
    b = Backoff()
    now, delays = 0, []
    for _ in range(8):
        b.next("k", now, now)
        delays.append(b.get("k"))
        now += b.get("k")
    assert delays == [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]


def test_entry_expires_after_twice_the_max() -> None:
    b = Backoff()
    b.next("k", 0, 0)
    b.next("k", 0, 0)
    assert b.get("k") == 20_000
    assert b.in_backoff_since("k", 1_000, 5_000)
    assert not b.in_backoff_since("k", 600_001, 600_002)
    b.next("k", 600_001, 600_001)
    assert b.get("k") == 10_000


@given(st.lists(st.integers(min_value=0, max_value=700_000), max_size=30))
def test_delay_never_exceeds_the_cap(gaps: list[int]) -> None:
    b, now = Backoff(), 0
    for gap in gaps:
        now += gap
        b.next("k", now, now)
        assert 10_000 <= b.get("k") <= MAX_MS


def test_the_crash_back_off_key_follows_the_container_spec() -> None:
    """getStableKey: pod name, namespace, uid, container name and the container's hash (name and image)."""
    from kspec.kubelet.backoff import stable_key

    pod = {"metadata": {"name": "web", "namespace": "shop", "uid": "u-1"}}
    old = stable_key(pod, {"name": "app", "image": "nginx:1.25", "env": [{"name": "A", "value": "1"}]})
    assert old.startswith("web_shop_u-1_app_")
    assert old == stable_key(pod, {"name": "app", "image": "nginx:1.25"})  # only name and image are hashed
    assert old != stable_key(pod, {"name": "app", "image": "nginx:1.26"})
    b = Backoff()
    b.next(old, 0, 0)
    b.next("u-1_nginx:1.25", 0, 0)  # an image pull entry
    b.next(stable_key({"metadata": {"name": "x", "uid": "u-2"}}, {"name": "app", "image": "i"}), 0, 0)
    b.forget("u-1")
    assert b.get(old) == 0 and b.get("u-1_nginx:1.25") == 0
    assert b.get(stable_key({"metadata": {"name": "x", "uid": "u-2"}}, {"name": "app", "image": "i"})) == 10_000
