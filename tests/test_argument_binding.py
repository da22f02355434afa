"""Keyword calls to the checked Python API bind without ``Signature.bind``, with the same checks and errors."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.arguments import checked_methods
from kspec.cluster import Cluster
from kspec.errors import ArgumentError


@checked_methods
class Api:
    def __init__(self, *, size: int = 0, **extra: str | None) -> None:
        self.seen: dict[str, Any] = {"size": size, **extra}

    def act(self, text: str, *, source: str = "<x>", line: int = 1) -> tuple[str, str, int]:
        return text, source, line

    def pair(self, first: int, second: str = "b") -> tuple[int, str]:
        return first, second


def test_keyword_calls_bind_without_signature_bind(binds: list[str]) -> None:
    assert Api(size=3, colour="red").seen == {"size": 3, "colour": "red"}
    api = Api()
    assert api.act("t", source="s.feature", line=4) == ("t", "s.feature", 4)
    assert api.act(text="t", line=2) == ("t", "<x>", 2)
    assert api.pair(second="z", first=1) == (1, "z")
    assert Cluster(nodes=1, seed=2).seed == 2
    assert binds == []


def test_keyword_values_are_checked_in_parameter_order(binds: list[str]) -> None:
    with pytest.raises(ArgumentError, match=r"Api\(\): size must be a whole number \(int\), got str"):
        Api(colour=3, size="3")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"Api\(\): extra must be str or None, got int 3"):
        Api(colour=3)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"Api.act\(\): source must be str, got int 1"):
        Api().act("t", line="2", source=1)  # type: ignore[arg-type]
    assert binds == []


@pytest.mark.parametrize(("call", "message"), [
    (lambda api: api.act(source="s"), "missing a required argument: 'text'"),
    (lambda api: api.act("t", text="u"), "multiple values for argument 'text'"),
    (lambda api: api.act("t", colour="x"), "got an unexpected keyword argument 'colour'"),
    (lambda api: api.pair(1, "a", "b"), "too many positional arguments"),
    (lambda api: api.act("t", self=1), "multiple values for argument 'self'"),
])
def test_calls_that_do_not_bind_fail_as_signature_bind_says(call: Any, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        call(Api())


def test_remembered_verdicts_are_the_full_looks() -> None:
    """_matches remembers a verdict per (hint, value class) where the hint reads the class alone; every verdict,
    remembered or not, is the one the full look (_check) gives."""
    import collections.abc
    from enum import IntEnum
    from typing import Literal

    from kspec import arguments

    class Small(IntEnum):
        ONE = 1

    Obj = dict[str, Any]
    hints: list[Any] = [str, int, bool, float, dict, None, type(None), Any, object, Obj, str | None, int | None,
                        str | Obj | list[Obj], list[str], tuple[int, ...], Literal["a", 1], bool | int,
                        float | None, collections.abc.Callable, collections.abc.Iterable[str], Small]
    values: list[Any] = ["a", "", 1, 0, True, False, 1.5, None, {}, {"a": 1}, [], ["a"], [{}], (1, 2), Small.ONE,
                         len, b"x", {1, 2}]
    fast = {(i, j): arguments._matches(v, h) for i, h in enumerate(hints) for j, v in enumerate(values)}
    full = {(i, j): arguments._check(v, h) for i, h in enumerate(hints) for j, v in enumerate(values)}
    assert fast == full
    assert not full[(1, 4)] and full[(1, 14)]  # int refuses True, takes an IntEnum member
