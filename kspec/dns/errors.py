"""Errors a lookup can hit before any query is sent."""

from __future__ import annotations

from kspec.errors import KspecError


class ResolveError(KspecError, AssertionError):
    """The lookup cannot be made (no such pod); an AssertionError so ``within`` retries it."""
