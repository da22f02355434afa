"""Go durations (``500ms``, ``1h30m``) as Kubernetes users write them, in integer milliseconds."""

from __future__ import annotations

import re
from fractions import Fraction

_UNITS = {"ns": Fraction(1, 1_000_000), "us": Fraction(1, 1000), "µs": Fraction(1, 1000),
          "ms": Fraction(1), "s": Fraction(1000), "m": Fraction(60_000), "h": Fraction(3_600_000)}


#: What an invalid duration's message suggests instead.
ACCEPTED = "a Go duration: 500ms, 30s, 5m, 1h30m (units ns, us, ms, s, m, h; no spaces)"
#: The shape of a Go duration, for step templates and checks that must not run the parser.
PATTERN = r"[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+)"
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_UNIT = re.compile(r"[^\d.]*")
#: Go's time.Duration is int64 nanoseconds: 2562047h47m16.854775807s at most
MAX_DURATION_NS = 2**63 - 1
MAX_DURATION_MS = (MAX_DURATION_NS + 500_000) // 1_000_000  # rounded to whole ms as parse_duration does


def parse_duration(text: str) -> int:
    """Parse like Go's ``time.ParseDuration`` (same messages) and round to whole milliseconds."""
    s = text.strip()
    body = s[1:] if s[:1] in "+-" else s
    sign = -1 if s.startswith("-") else 1
    if body == "0":
        return 0
    if not body:
        raise DurationError(f'time: invalid duration "{text}"')
    pos, total = 0, Fraction(0)
    while pos < len(body):
        number = _NUMBER.match(body, pos)
        if not number:
            raise DurationError(f'time: invalid duration "{text}"')
        unit = _UNIT.match(body, number.end())
        assert unit is not None
        if not unit.group():
            raise DurationError(f'time: missing unit in duration "{text}"')
        if unit.group() not in _UNITS:
            raise DurationError(f'time: unknown unit "{unit.group()}" in duration "{text}"')
        total += Fraction(number.group()) * _UNITS[unit.group()]
        pos = unit.end()
    if total * 1_000_000 > MAX_DURATION_NS:  # Go's ParseDuration: errors.New("time: invalid duration " + quote(orig))
        raise DurationError(f'time: invalid duration "{text}"',
                            "out of range: the longest Go duration is 2562047h47m16.854775807s")
    return sign * round(total)


class DurationError(ValueError):
    """Go's ParseDuration message (``go_message``, what Go programs print) plus what to write instead."""

    def __init__(self, go_message: str, hint: str | None = None) -> None:
        self.go_message = go_message
        super().__init__(f"{go_message} ({hint})" if hint else f"{go_message}: write {ACCEPTED}")


def format_duration(ms: int) -> str:
    """Format like Go's ``Duration.String`` (``1m20s``, ``5m0s``, ``1.5s``, ``300ms``)."""
    if ms == 0:
        return "0s"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    if ms < 1000:
        return f"{sign}{ms}ms"
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    secs = Fraction(rest, 1000)
    sec_text = f"{float(secs):.3f}".rstrip("0").rstrip(".")
    if h:
        return f"{sign}{h}h{m}m{sec_text}s"
    if m:
        return f"{sign}{m}m{sec_text}s"
    return f"{sign}{sec_text}s"
