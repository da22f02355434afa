"""How long a lifecycle hook takes in the simulation.

Hooks do nothing observable except take time: a ``sleep`` action takes its
seconds, an exec hook whose command runs ``sleep N`` takes N seconds, any
other hook returns at once.
"""

from __future__ import annotations

import re
from typing import Any

_SLEEP = re.compile(r"(?:^|[\s;&|])sleep\s+(\d+(?:\.\d+)?)")


def hook_ms(handler: dict[str, Any] | None) -> int:
    if not handler:
        return 0
    if "sleep" in handler:
        return int(handler["sleep"].get("seconds", 0)) * 1000
    command = (handler.get("exec") or {}).get("command") or []
    m = _SLEEP.search(" ".join(str(c) for c in command))
    return int(float(m.group(1)) * 1000) if m else 0
