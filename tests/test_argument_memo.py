"""The Python API's argument checks remember, per class, what a class-only hint accepts; the answers stay the
same (kspec/arguments.py ``_matches``)."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from unittest import mock

import pytest

from kspec import arguments
from kspec.arguments import _matches, checked_methods
from kspec.errors import ArgumentError


@checked_methods
class Api:
    def act(self, name: str, count: int | None = None, items: Iterable[int] = ()) -> str:
        return name


def test_class_only_hints_are_answered_per_class_without_taking_the_hint_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    api = Api()
    api.act("a", 1, [1])  # learns the hints, and str, int | None for str and int
    asked: list[object] = []
    real = typing.get_origin
    monkeypatch.setattr(typing, "get_origin", lambda hint: asked.append(hint) or real(hint))
    for _ in range(3):
        assert api.act("b", 2, [1, 2]) == "b"
        assert api.act("c", None) == "c"
    assert asked == []
    assert arguments._FITS[(str, str)] and arguments._FITS[(int | None, int)]
    assert (typing.Iterable[int], list) not in arguments._FITS  # the items are read: never by class alone


def test_the_answers_are_the_same_after_they_are_remembered() -> None:
    api = Api()
    api.act("a", 1)
    with pytest.raises(ArgumentError, match="count must be"):
        api.act("a", "1")  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="count must be"):
        api.act("a", True)  # bool is not an int here, remembered or not
    with pytest.raises(ArgumentError, match="items must be"):
        api.act("a", 1, [1, "x"])  # type: ignore[list-item]
    assert _matches(1, int | None) and _matches(None, int | None) and not _matches(1.5, int | None)


def test_a_value_whose_class_attribute_says_otherwise_is_not_remembered() -> None:
    spoof = mock.Mock(spec=str)  # isinstance(spoof, str) holds through __class__
    assert _matches(spoof, str)
    assert (str, mock.Mock) not in arguments._FITS
    assert not _matches(mock.Mock(), str)
