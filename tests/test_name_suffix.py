"""objects.name_suffix draws what ``"".join(rng.choice(NAME_ALPHABET) for _ in range(5))`` draws."""

from __future__ import annotations

import random

from kspec.objects import NAME_ALPHABET, name_suffix


def test_name_suffix_draws_as_choice_does() -> None:
    for seed in range(300):
        fast, slow = random.Random(seed), random.Random(seed)
        for _ in range(20):
            assert name_suffix(fast) == "".join(slow.choice(NAME_ALPHABET) for _ in range(5))
        assert fast.getstate() == slow.getstate()


def test_any_length_draws_as_choice_does() -> None:
    for n in (0, 1, 2, 7, 40):
        for seed in range(50):
            fast, slow = random.Random(seed), random.Random(seed)
            assert name_suffix(fast, n) == "".join(slow.choice(NAME_ALPHABET) for _ in range(n))
            assert fast.getstate() == slow.getstate()


def test_a_subclass_gets_choice_itself() -> None:
    class Counting(random.Random):
        picks = 0

        def choice(self, seq):  # type: ignore[no-untyped-def, override]
            Counting.picks += 1
            return super().choice(seq)

    assert len(name_suffix(Counting(1), 7)) == 7 and Counting.picks == 7
