"""validate_object_meta's memo fast path reports exactly what the full check does, cold and warm."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import validation as v
from kspec.api.validation_rbac import is_valid_path_segment_name

CHECKS = [v.is_dns1123_subdomain, v.is_dns1123_label, v.is_dns1035_label, is_valid_path_segment_name]
METAS: list[dict[str, Any]] = [
    {"name": "web", "namespace": "default"},
    {"name": "web", "namespace": "default", "labels": {"app": "web", "example.com/tier": "front"}},
    {"name": "web", "namespace": "default", "labels": {"app": "web", "Bad Key": "x"}},
    {"name": "web", "namespace": "default", "labels": {"app": "not valid!"}},
    {"name": "web", "namespace": "default", "labels": {"app": 5}},
    {"name": "web", "namespace": "default", "labels": {"app": ["x"]}},
    {"name": "web", "namespace": "default", "labels": []},
    {"name": "web", "namespace": "default", "annotations": {"Example.com/Note": "x"}},
    {"name": "web", "namespace": "default", "annotations": {"example.com/note": "x" * (256 * 1024)}},
    {"name": "web", "namespace": "default", "annotations": {"app": "é" * (128 * 1024)}},
    {"name": "web", "namespace": "default", "annotations": {"app": 3}},
    {"name": "web", "namespace": "default", "annotations": {"app": "x", "a/b/c": "y"}},
    {"name": "web.x", "namespace": "default"},
    {"name": "Web", "namespace": "default"},
    {"name": "", "namespace": "default"},
    {"name": 7, "namespace": "default"},
    {"generateName": "web-", "name": "web-abcde", "namespace": "default"},
    {"generateName": "Web-", "name": "web-abcde", "namespace": "default"},
    {"generateName": "-", "name": "web", "namespace": "default"},
    {"name": "web", "namespace": "Default"},
    {"name": "web"},
    {"name": "web", "namespace": "x", "generation": -1},
    {"name": "web", "namespace": "x", "generation": 2},
    {"name": "web", "namespace": "x", "generation": 1.0},
    {"name": "web", "namespace": "x", "generation": True},
]


def _outcome(meta: dict[str, Any], namespaced: bool, check: v.NameCheck) -> list[str] | str:
    """The errors as text, or the exception's type the check raised."""
    try:
        return [str(e) for e in v.validate_object_meta({"metadata": meta}, namespaced, check)]
    except Exception as exc:  # noqa: BLE001 - the full check's own failure on a malformed value
        return type(exc).__name__


def _full(meta: dict[str, Any], namespaced: bool, check: v.NameCheck,
          monkeypatch: pytest.MonkeyPatch) -> list[str] | str:
    with monkeypatch.context() as m:
        m.setattr(v, "_known_valid_meta", lambda *a: False)
        m.setattr(v, "_known_valid_labels", lambda *a: False)
        m.setattr(v, "_known_valid_annotations", lambda *a: False)
        return _outcome(meta, namespaced, check)


@pytest.mark.parametrize("namespaced", [True, False])
def test_fast_path_reports_what_the_full_check_does(namespaced: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    for memo in (v._VALID_NAMES, v.lbl._VALID_KEYS, v.lbl._VALID_VALUES):
        memo.clear()
    for _round in range(2):  # cold memos, then warm ones
        for meta in METAS:
            for check in CHECKS:
                want = _full(meta, namespaced, check, monkeypatch)
                got = _outcome(meta, namespaced, check)
                assert got == want, (meta, namespaced, check.__name__)
