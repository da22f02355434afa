"""controller_utils.random_chars draws what ``"".join(rng.choice(alphabet) for ...)`` draws, character for
character, and leaves the generator in the same state."""

from __future__ import annotations

import random

import pytest

from kspec.controllers.controller_utils import random_chars


@pytest.mark.parametrize("alphabet", ["bcdfghjklmnpqrstvwxz2456789", "a", "ab", "0123456789abcdef" * 2,
                                      "0123456789abcdefghijklmnopqrstuvwxyz"[:33],
                                      "".join(map(chr, range(32, 127))) * 2, "x" * 255, "y" * 300, "ünï"])
def test_the_same_characters_from_the_same_draws(alphabet: str) -> None:
    for seed in range(200):
        a, b = random.Random(seed), random.Random(seed)
        for n in (0, 1, 5, 13):
            assert random_chars(a, alphabet, n) == "".join(b.choice(alphabet) for _ in range(n))
        assert a.getstate() == b.getstate()


def test_a_subclass_draws_through_its_own_choice() -> None:
    class Fixed(random.Random):
        def choice(self, seq):  # type: ignore[no-untyped-def, override]
            return seq[0]

    assert random_chars(Fixed(1), "xyz", 3) == "xxx"
