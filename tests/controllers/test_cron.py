"""Cron schedules as robfig/cron ParseStandard reads them, evaluated from a given instant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kspec.controllers import cron


def nxt(spec: str, at: datetime, tz: str | None = None) -> datetime:
    return cron.parse(spec, tz).next_after(at)


T0 = datetime(2025, 1, 1, 0, 0, 30, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(("spec", "expected"), [
    ("* * * * *", datetime(2025, 1, 1, 0, 1, tzinfo=UTC)),
    ("*/15 * * * *", datetime(2025, 1, 1, 0, 15, tzinfo=UTC)),
    ("30 2 * * *", datetime(2025, 1, 1, 2, 30, tzinfo=UTC)),
    ("0 0 * * MON", datetime(2025, 1, 6, tzinfo=UTC)),
    ("0 0 1 FEB ?", datetime(2025, 2, 1, tzinfo=UTC)),
    ("@hourly", datetime(2025, 1, 1, 1, tzinfo=UTC)),
    ("@weekly", datetime(2025, 1, 5, tzinfo=UTC)),
    ("0 9-17/4 * * 1-5", datetime(2025, 1, 1, 9, tzinfo=UTC)),
    ("0 0 13 * 5", datetime(2025, 1, 3, tzinfo=UTC)),  # day-of-month OR day-of-week when both are set
    ("@every 90s", datetime(2025, 1, 1, 0, 2, tzinfo=UTC)),
])
def test_next_activation(spec: str, expected: datetime) -> None:
    assert nxt(spec, T0) == expected


def test_time_zone() -> None:
    assert nxt("0 9 * * *", T0, "Europe/Paris") == datetime(2025, 1, 1, 8, tzinfo=UTC)
    assert nxt("CRON_TZ=America/New_York 0 0 * * *", T0) == datetime(2025, 1, 1, 5, tzinfo=UTC)


@pytest.mark.parametrize("spec", ["* * * *", "61 * * * *", "* * * * MOO", "*/0 * * * *", "@fortnightly"])
def test_invalid(spec: str) -> None:
    with pytest.raises(cron.CronError):
        cron.parse(spec)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 59), st.integers(0, 23), st.integers(0, 400 * 24 * 60))
def test_next_is_a_matching_minute_after(minute: int, hour: int, offset_min: int) -> None:
    at = datetime.fromtimestamp(T0.timestamp() + offset_min * 60, UTC)
    got = nxt(f"{minute} {hour} * * *", at)
    assert got > at and (got.minute, got.hour) == (minute, hour)
    assert (got - at).total_seconds() <= 24 * 3600
