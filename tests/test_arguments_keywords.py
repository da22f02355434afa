"""A checked method called with keyword arguments alone checks them in the signature's order, as Signature.bind
orders them, whatever order the call names them in."""

from __future__ import annotations

import pytest

from kspec.arguments import checked_methods
from kspec.errors import ArgumentError


@checked_methods
class Thing:
    def __init__(self, *, a: int = 0, b: int = 0, **rest: str) -> None:
        self.got = (a, b, rest)

    def pos(self, x: int, *, a: int = 0) -> tuple[int, int]:
        return x, a


def _message(**kwargs: object) -> str:
    with pytest.raises(ArgumentError) as info:
        Thing(**kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_keywords_are_checked_in_the_signatures_order() -> None:
    assert Thing(b=2, a=1).got == (1, 2, {})
    assert "a must be" in _message(b="x", a="y")
    assert "b must be" in _message(b="x", a=1)
    assert "rest must be" in _message(a=1, other=3)  # a **kwargs entry: the general binding
    assert Thing(a=1, other="z").got == (1, 0, {"other": "z"})


def test_a_missing_positional_is_still_refused() -> None:
    with pytest.raises(ArgumentError):
        Thing().pos(a=1)  # type: ignore[call-arg]
    assert Thing().pos(3, a=1) == (3, 1)
    assert Thing().pos(x=3, a=1) == (3, 1)
    with pytest.raises(ArgumentError):
        Thing().pos(x="3")  # type: ignore[arg-type]
