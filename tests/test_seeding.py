"""A generator from ``seeded`` draws exactly what ``random.Random`` seeded the same way draws."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from kspec import seeding


@given(st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=20)))
def test_a_remembered_start_state_draws_the_same(seed: int | str) -> None:
    for _ in range(2):  # the first call seeds, the second sets the remembered state
        ours, theirs = seeding.seeded(seed), random.Random(seed)
        assert [ours.getrandbits(32) for _ in range(700)] == [theirs.getrandbits(32) for _ in range(700)]
        assert ours.random() == theirs.random()


def test_int_and_str_seeds_are_different_streams() -> None:
    assert seeding.seeded(1).random() != seeding.seeded("1").random()
    assert seeding.seeded(1).random() == random.Random(1).random()
    assert seeding.seeded(True).random() == random.Random(True).random()
