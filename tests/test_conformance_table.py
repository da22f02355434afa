"""docs/conformance.md is generated from tests/upstream/; this fails when it is stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python -m pytest tests/upstream --collect-only -q --conformance-table docs/conformance.md"


def test_conformance_table_is_current(tmp_path: Path) -> None:
    out = tmp_path / "conformance.md"
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/upstream", "--collect-only", "-q", "-p",
                           "no:xdist", "--conformance-table", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    current = (ROOT / "docs" / "conformance.md").read_text()
    assert out.read_text() == current, f"docs/conformance.md is stale; regenerate it with: {COMMAND}"
