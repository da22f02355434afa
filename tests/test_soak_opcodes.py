"""``kubelet_soak.py --opcodes`` and ``scenario_overhead.py --opcodes``: figures for comparing checkouts on a
shared machine, so they must not vary."""

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


def _scenario_opcodes() -> list[str]:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scenario_overhead.py"), "--opcodes", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    return [line for line in proc.stdout.splitlines() if line.startswith("opcodes ")]


def test_the_bytecode_count_of_one_scenario_is_printed_by_phase_and_the_same_every_run() -> None:
    first = _scenario_opcodes()
    assert [line.split()[1] for line in first] == ["construct", "start", "apply", "teardown", "total"]
    counts = [int(line.split()[2].replace(",", "")) for line in first]
    assert all(count > 0 for count in counts) and abs(counts[-1] - sum(counts[:-1])) <= 2  # each rounded
    assert _scenario_opcodes() == first
