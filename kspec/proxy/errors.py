"""Errors a connection step can hit before any packet is sent."""

from __future__ import annotations

from kspec.errors import KspecError


class ConnectError(KspecError, AssertionError):
    """The client cannot even try (no such pod, no IP yet, a name that does not resolve).

    An AssertionError too, so ``Then within ...`` keeps retrying while, say,
    the client pod is still starting.
    """
