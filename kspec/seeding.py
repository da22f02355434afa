"""Seeded generators without re-seeding: every new cluster seeds the same few streams from the same strings.

Seeding a Mersenne Twister from a string hashes it and runs the seeding algorithm (about 20 us); setting the
state it produced the first time gives the same generator for less than half of that.
"""

from __future__ import annotations

import random

#: seed -> the state a generator seeded with it starts in
_STATES: dict[tuple[type, int | str], tuple[object, ...]] = {}
_LIMIT = 1024


def seeded(seed: int | str) -> random.Random:
    """``random.Random(seed)``, its start state remembered per process."""
    key = (type(seed), seed)
    state = _STATES.get(key)
    if state is None:
        rng = random.Random(seed)
        if len(_STATES) >= _LIMIT:
            _STATES.clear()
        _STATES[key] = rng.getstate()
        return rng
    rng = random.Random.__new__(random.Random)
    rng.setstate(state)
    return rng
