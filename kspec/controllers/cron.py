"""Cron schedules as CronJobs read them (robfig/cron/v3 ``ParseStandard``), evaluated on virtual time.

Five fields (minute hour day-of-month month day-of-week) with ``*``, ``?``,
lists, ranges, steps and month/day names; the ``@yearly`` ... ``@hourly``
descriptors and ``@every <duration>``; ``TZ=``/``CRON_TZ=`` prefixes or a
CronJob's ``timeZone``. As in cron, when both day fields are restricted a day
matching either runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kspec.durations import parse_duration
from kspec.errors import StepError

_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
_DESCRIPTORS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
                "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
_BOUNDS = ((0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (0, 6, _DAYS))


class CronError(StepError):
    """A schedule robfig/cron would not parse."""


@dataclass(frozen=True)
class Schedule:
    minutes: frozenset[int]
    hours: frozenset[int]
    dom: frozenset[int]
    months: frozenset[int]
    dow: frozenset[int]
    dom_star: bool
    dow_star: bool
    tz: ZoneInfo | None = None
    every_ms: int = 0

    def _day_matches(self, t: datetime) -> bool:
        dom_ok = t.day in self.dom
        dow_ok = (t.weekday() + 1) % 7 in self.dow
        if self.dom_star or self.dow_star:
            return dom_ok and dow_ok
        return dom_ok or dow_ok

    def next_after(self, t: datetime) -> datetime:
        """The first activation strictly after ``t`` (SpecSchedule.Next), in UTC."""
        if self.every_ms:
            # ConstantDelaySchedule: whole seconds after t
            nxt = t + timedelta(milliseconds=self.every_ms)
            return nxt.replace(microsecond=0)
        local = t.astimezone(self.tz or UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = local + timedelta(days=366 * 5)
        while local < limit:
            if local.month not in self.months:
                local = (local.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
                continue
            if not self._day_matches(local):
                local = local.replace(hour=0, minute=0) + timedelta(days=1)
                continue
            if local.hour not in self.hours:
                local = local.replace(minute=0) + timedelta(hours=1)
                continue
            if local.minute not in self.minutes:
                local += timedelta(minutes=1)
                continue
            return local.astimezone(UTC)
        raise CronError("the schedule never runs")


def _field(text: str, low: int, high: int, names: dict[str, int]) -> tuple[frozenset[int], bool]:
    values: set[int] = set()
    star = False
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"failed to parse int from {step_text}")
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
            star = star or step == 1
        else:
            lo_text, _, hi_text = part.partition("-")
            start = _value(lo_text, names)
            end = _value(hi_text, names) if hi_text else (high if step > 1 else start)
        if start < low or end > high or start > end:
            raise CronError(f"end of range ({end}) above maximum ({high}): {part}" if end > high
                            else f"beginning of range ({start}) below minimum ({low}): {part}")
        values.update(range(start, end + 1, step))
    return frozenset(values), star


def _value(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not text.isdigit():
        raise CronError(f"failed to parse int from {text}")
    return int(text)


def parse(schedule: str, time_zone: str | None = None) -> Schedule:
    """cron.ParseStandard, with the CronJob's timeZone."""
    text = schedule.strip()
    tz_name = time_zone
    if text.startswith(("TZ=", "CRON_TZ=")):
        tz_name, _, text = text.partition("=")[2].partition(" ")
        text = text.strip()
    tz = None
    if tz_name and tz_name not in ("UTC", "Etc/UTC"):
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise CronError(f"unknown time zone {tz_name}") from None
    if text.startswith("@every "):
        return Schedule(frozenset(), frozenset(), frozenset(), frozenset(), frozenset(), True, True, tz,
                        every_ms=max(1000, parse_duration(text[len("@every "):].strip())))
    text = _DESCRIPTORS.get(text, text)
    fields = text.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: {text}")
    parsed = [_field(f, lo, hi, names) for f, (lo, hi, names) in zip(fields, _BOUNDS, strict=True)]
    return Schedule(parsed[0][0], parsed[1][0], parsed[2][0], parsed[3][0], parsed[4][0], parsed[2][1],
                    parsed[4][1], tz)
