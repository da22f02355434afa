"""batch/v1 rules the base validator lacked: cron schedules, CronJob time zones, Job completion modes.

Upstream: pkg/apis/batch/validation/validation.go (validateScheduleFormat, validateTimeZone,
validateJobSpec) and robfig/cron/v3 ParseStandard, whose error text the API server returns as is.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kspec.api.validation import FieldError, child, invalid, not_supported, required
from kspec.durations import DurationError, parse_duration

_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
# (min, max, names) for minute, hour, day of month, month, day of week (robfig/cron bounds)
_BOUNDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (0, 6, _DAYS))
_INT = re.compile(r"[+-]?[0-9]+\Z")
_TZ_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")  # validTimeZoneCharacters
MAX_PARALLELISM_FOR_INDEXED_JOB = 100_000  # maxParallelismForIndexedJob
_MAX_INT64 = 2**63 - 1


def _atoi(text: str) -> int:
    """strconv.Atoi, raising its error text."""
    if not _INT.match(text):
        raise ValueError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    value = int(text)
    if not -_MAX_INT64 - 1 <= value <= _MAX_INT64:
        raise ValueError(f'strconv.Atoi: parsing "{text}": value out of range')
    return value


def _parse_int(text: str) -> int:
    """robfig/cron mustParseInt."""
    try:
        value = _atoi(text)
    except ValueError as exc:
        raise ValueError(f"failed to parse int from {text}: {exc}") from None
    if value < 0:
        raise ValueError(f"negative number ({value}) not allowed: {text}")
    return value


def _int_or_name(text: str, names: dict[str, int]) -> int:
    return names[text.lower()] if text.lower() in names else _parse_int(text)


def _check_range(expr: str, low: int, high: int, names: dict[str, int]) -> None:
    """robfig/cron getRange: number | number "-" number [ "/" number ], or * / ? with a step."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise ValueError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _parse_int(range_and_step[1])
        if len(low_and_high) == 1:
            end = high  # "N/step" means "N-max/step"
    elif len(range_and_step) > 2:
        raise ValueError(f"too many slashes: {expr}")
    if start < low:
        raise ValueError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise ValueError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ValueError(f"step of range should be a positive number: {expr}")


def cron_error(spec: str) -> str | None:
    """The error cron.ParseStandard returns for ``spec``, or None when it parses."""
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space, eq = spec.find(" "), spec.find("=")
        name = spec[eq + 1:space] if space >= 0 else spec[eq + 1:]
        bad = _zone_error(name)
        if bad is not None:
            return f"provided bad location {name}: {bad}"
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            try:
                parse_duration(spec[len("@every "):])
            except DurationError as exc:
                return f"failed to parse duration {spec}: {exc.go_message}"
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    try:
        for text, (low, high, names) in zip(fields, _BOUNDS, strict=True):
            for expr in (e for e in text.split(",") if e):
                _check_range(expr, low, high, names)
    except ValueError as exc:
        return str(exc)
    return None


def validate_schedule_format(schedule: str, path: str) -> list[FieldError]:
    """validateScheduleFormat on create: robfig's parse error, and no TZ inside the schedule."""
    errs: list[FieldError] = []
    problem = cron_error(schedule)
    if problem is not None:
        errs.append(invalid(path, schedule, problem))
    if "TZ" in schedule:
        errs.append(invalid(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    return errs


def _zone_error(name: str) -> str | None:
    """time.LoadLocation's error for ``name``, or None (UTC and the empty name are built in)."""
    if name in ("", "UTC", "Local"):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {name}"
    return None


def validate_time_zone(spec: dict, path: str) -> list[FieldError]:
    """validateTimeZone: an explicit IANA zone name the tz database knows."""
    if "timeZone" not in spec or spec["timeZone"] is None:
        return []
    zone = spec["timeZone"]
    if zone == "":
        return [invalid(path, zone, "timeZone must be nil or non-empty string")]
    for part in zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TZ_PART.match(part):
            return [invalid(path, zone, f"unknown time zone {zone}")]
    errs: list[FieldError] = []
    if zone.lower() == "local":
        errs.append(invalid(path, zone, "timeZone must be an explicit time zone as defined in "
                                        "https://www.iana.org/time-zones"))
    problem = _zone_error(zone)
    if problem is not None:
        errs.append(invalid(path, zone, problem))
    return errs


def validate_completion_mode(spec: dict, path: str) -> list[FieldError]:
    """validateJobSpec: completionMode is NonIndexed or Indexed; Indexed needs completions."""
    mode = spec.get("completionMode")
    if mode is None:
        return []
    errs: list[FieldError] = []
    if mode not in ("NonIndexed", "Indexed"):
        errs.append(not_supported(child(path, "completionMode"), mode, ["NonIndexed", "Indexed"]))
    if mode == "Indexed":
        if spec.get("completions") is None:
            errs.append(required(child(path, "completions"), "when completion mode is Indexed"))
        parallelism = spec.get("parallelism")
        if isinstance(parallelism, int) and parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB:
            errs.append(invalid(child(path, "parallelism"), parallelism,
                                f"must be less than or equal to {MAX_PARALLELISM_FOR_INDEXED_JOB} when completion "
                                "mode is Indexed"))
    return errs
