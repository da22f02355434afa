"""kspec.frozen.fast_init: a frozen dataclass built faster is still the same frozen dataclass."""

from __future__ import annotations

import dataclasses

import pytest

from kspec.events import EventRecord
from kspec.frozen import fast_init
from kspec.store import WatchEvent


def test_the_hot_frozen_records_are_built_by_the_fast_constructor() -> None:
    assert WatchEvent.__init__.__module__ == "kspec.store" and "_set0" in WatchEvent.__init__.__code__.co_names
    assert "_set0" in EventRecord.__init__.__code__.co_names


def test_a_fast_built_record_is_the_same_frozen_dataclass() -> None:
    by_position = WatchEvent("MODIFIED", "pods", {"a": 1}, None, 7)
    by_name = WatchEvent(type="MODIFIED", resource="pods", obj={"a": 1}, old=None, revision=7)
    assert by_position == by_name and by_position.revision == 7 and by_position.obj == {"a": 1}
    assert repr(by_position) == "WatchEvent(type='MODIFIED', resource='pods', obj={'a': 1}, old=None, revision=7)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_position.type = "ADDED"  # type: ignore[misc]
    record = EventRecord(5, "Normal", "Started", "Pod", "default", "p", "Container started", "kubelet")
    assert dataclasses.asdict(record)["message"] == "Container started" and hash(record) == hash(
        EventRecord(5, "Normal", "Started", "Pod", "default", "p", "Container started", "kubelet"))
    with pytest.raises(TypeError):
        EventRecord(5, "Normal")  # type: ignore[call-arg]


def test_only_frozen_slots_dataclasses_without_defaults_qualify() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithDefault:
        x: int = 0

    for cls in (NoSlots, NotFrozen, WithDefault):
        with pytest.raises(TypeError):
            fast_init(cls)
