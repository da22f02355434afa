"""Upstream's test tables as data: one pytest param per upstream case.

Every module in tests/upstream/ ports one upstream test file. It sets ``SOURCE``
(``"owner/repo path/to/x_test.go"``) and builds its cases with :func:`case`
(``from tests.upstream.cases import case``), so each case's id is
``TestFunction/case name`` as ``go test -run`` would name it (just ``TestFunction``
when the function has no table: ``name=""``).

A case kspec does not pass is still ported, marked with why, as a strict xfail
(so it fails the run the day it starts passing, and the mark must go):

- ``diverges="..."``: kspec differs from upstream; a defect to fix;
- ``unmodelled="..."``: a feature kspec does not model;
- ``unreachable="..."``: a state no real cluster reaches (e.g. an object the
  real API server would reject).

A case that passes carries no mark, so CI fails when it starts failing.
``docs/conformance.md`` is generated from these marks
(``python -m pytest tests/upstream --collect-only -q --conformance-table docs/conformance.md``).
"""

from __future__ import annotations

from typing import Any

import pytest

KINDS = ("diverges", "unmodelled", "unreachable")


def case(func: str, name: str, *, diverges: str | None = None, unmodelled: str | None = None,
         unreachable: str | None = None, **data: Any) -> Any:
    """One upstream case: ``data`` is handed to the test as a dict; at most one reason marks it."""
    reasons = [(k, r) for k, r in (("diverges", diverges), ("unmodelled", unmodelled),
                                   ("unreachable", unreachable)) if r]
    if len(reasons) > 1:
        raise ValueError(f"{func}/{name}: give one reason, not {len(reasons)}")
    marks = [pytest.mark.xfail(reason=f"{reasons[0][0]}: {reasons[0][1]}", strict=True)] if reasons else []
    # a test function without a table is one case, named by the function alone
    return pytest.param(data, id=f"{func}/{name}" if name else func, marks=marks)
