"""Positional calls to checked methods with keyword-only parameters bind as ``Signature.bind`` does."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.arguments import checked_methods
from kspec.errors import ArgumentError


@checked_methods
class Api:
    def act(self, text: str, count: int = 1, *, source: str = "<x>", **extra: int) -> tuple[Any, ...]:
        return text, count, source, extra

    def needs(self, text: str, *, line: int) -> tuple[str, int]:
        return text, line


def test_positional_calls_bind_in_order(binds: list[str]) -> None:
    assert Api().act("t") == ("t", 1, "<x>", {})
    assert Api().act("t", 3) == ("t", 3, "<x>", {})
    with pytest.raises(ArgumentError, match=r"Api.act\(\): count must be a whole number \(int\), got str"):
        Api().act("t", "3")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"Api.act\(\): text must be str, got int 1"):
        Api().act(1)  # type: ignore[arg-type]
    assert binds == []


@pytest.mark.parametrize(("call", "message"), [
    (lambda api: api.act(), "missing a required argument: 'text'"),
    (lambda api: api.act("t", 1, 2), "too many positional arguments"),
    (lambda api: api.needs("t"), "missing a required argument: 'line'"),
])
def test_what_cannot_bind_is_reported_as_signature_bind_words_it(call: Any, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        call(Api())
