"""``--kspec-report DIR``: one self-contained HTML timeline page per scenario, and an index of them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from kspec.report.html import render, render_index
from kspec.report.recorder import Recorder, Recording

INDEX = "index.html"


def page_name(nodeid: str) -> str:
    """The page's file name, from the test id as ``--kspec-event-log`` names its files."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".html"


def _write(path: Path, text: str) -> None:
    """Write through a temporary file: pytest-xdist's workers rewrite the index side by side."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_page(directory: Path, rec: Recording) -> Path:
    """The scenario's page, and a small summary the index is built from."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / page_name(rec.nodeid)
    _write(path, render(rec))
    summary = {"nodeid": rec.nodeid, "page": path.name, "outcome": rec.outcome, "end_ms": rec.end_ms,
               "pods": len(rec.pods)}
    _write(path.with_suffix(".json"), json.dumps(summary, sort_keys=True))
    return path


def write_index(directory: Path) -> Path | None:
    """index.html listing every page written to ``directory`` (by this run or its workers)."""
    if not directory.is_dir():
        return None
    entries = []
    for summary in sorted(directory.glob("*.json")):
        try:
            entry = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(entry, dict) and "page" in entry:
            entries.append(entry)
    path = directory / INDEX
    _write(path, render_index(entries))
    return path


__all__ = ["Recorder", "Recording", "page_name", "write_index", "write_page"]
