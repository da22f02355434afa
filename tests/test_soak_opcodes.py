"""``kubelet_soak.py --opcodes``: a figure for comparing checkouts on a shared machine, so it must not vary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _opcodes() -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "kubelet_soak.py"), "--hours", "0.1",
                           "--nodes", "2", "--pods", "5", "--opcodes", "0.5"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})  # set orders aside: the code's own count
    return next(line for line in proc.stdout.splitlines() if line.startswith("opcodes="))


def test_the_bytecode_count_of_a_soak_window_is_the_same_every_run() -> None:
    first = _opcodes()
    assert int(first.split()[0].removeprefix("opcodes=")) > 1000
    assert _opcodes() == first
