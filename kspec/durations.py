"""Go durations (``500ms``, ``1h30m``) as Kubernetes users write them, in integer milliseconds."""

from __future__ import annotations

import re
from fractions import Fraction

_UNITS = {"ns": Fraction(1, 1_000_000), "us": Fraction(1, 1000), "µs": Fraction(1, 1000),
          "ms": Fraction(1), "s": Fraction(1000), "m": Fraction(60_000), "h": Fraction(3_600_000)}
#: Go's time.Duration is int64 nanoseconds: 2562047h47m16.854775807s at most
MAX_DURATION_NS = 2**63 - 1
MAX_DURATION_MS = (MAX_DURATION_NS + 500_000) // 1_000_000  # rounded to whole ms as parse_duration does
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


def parse_duration(text: str) -> int:
    """Parse like Go's ``time.ParseDuration`` and round to whole milliseconds."""
    s = text.strip()
    if s in ("0", "+0"):
        return 0
    pos, total = 0, Fraction(0)
    if not s:
        raise ValueError('time: invalid duration ""')
    while pos < len(s):
        m = _PART.match(s, pos)
        if not m:
            raise ValueError(f'time: invalid duration "{text}" (write it as Go does: 500ms, 30s, 5m, 1h30m)')
        total += Fraction(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if total * 1_000_000 > MAX_DURATION_NS:  # Go's ParseDuration: errors.New("time: invalid duration " + quote(orig))
        raise ValueError(f'time: invalid duration "{text}" (out of range: the longest Go duration is '
                         "2562047h47m16.854775807s)")
    return round(total)


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
