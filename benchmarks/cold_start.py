"""Cold start: ``pytest pending.feature`` (the README example) against pytest-bdd alone, and kspec's import.

    python benchmarks/cold_start.py [repeats]

Runs each command ``repeats`` times in fresh interpreters with bytecode caching
on (PYTHONDONTWRITEBYTECODE unset; a first run fills the caches) and prints the
fastest and median wall time of each, and their difference: what kspec adds;
then the same for the CPU time (user + system) each process used, which other
processes on a busy machine inflate much less than wall time.
The pytest-bdd baseline runs a one-step no-op feature through a glue module
with kspec's plugin disabled. The import line is ``import kspec.pytest_plugin``
after pytest and pytest-bdd are already imported.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOOP_FEATURE = "Feature: noop\n  Scenario: nothing\n    Given nothing happens\n"
GLUE = '''from pytest_bdd import given, scenarios

scenarios("noop.feature")


@given("nothing happens")
def _nothing() -> None:
    pass
'''
IMPORT = ("import time, pytest, pytest_bdd, pytest_bdd.scenario; t = time.perf_counter(); import kspec.pytest_plugin; "
          "print(time.perf_counter() - t)")


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("```gherkin\n", 1)[1].split("```", 1)[0]


def wall(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(repeats: int) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        kspec_dir, bdd_dir = Path(tmp, "kspec"), Path(tmp, "bdd")
        kspec_dir.mkdir()
        bdd_dir.mkdir()
        (kspec_dir / "pending.feature").write_text(readme_example(), encoding="utf-8")
        (bdd_dir / "noop.feature").write_text(NOOP_FEATURE, encoding="utf-8")
        (bdd_dir / "test_noop.py").write_text(GLUE, encoding="utf-8")
        runs = {
            "pytest pending.feature": ([py, "-m", "pytest", "-q", "pending.feature"], kspec_dir),
            "pytest-bdd alone (no-op)": ([py, "-m", "pytest", "-q", "-p", "no:kspec", "test_noop.py"], bdd_dir),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        imports: list[float] = []
        for cmd, cwd in runs.values():
            wall(cmd, cwd, env)  # fill the bytecode caches
        for _ in range(repeats):  # interleaved, so a busy moment hits both
            for name, (cmd, cwd) in runs.items():
                elapsed, used = wall(cmd, cwd, env)
                times[name].append(elapsed)
                cpu[name].append(used)
            out = subprocess.run([py, "-c", IMPORT], env=env, check=True, capture_output=True, text=True).stdout
            imports.append(float(out))
    for name, ts in times.items():
        print(f"{name:26s} fastest {min(ts):.3f} s  median {statistics.median(ts):.3f} s")
    a, b = times["pytest pending.feature"], times["pytest-bdd alone (no-op)"]
    print(f"kspec adds (fastest)       {min(a) - min(b):.3f} s; ratio {min(a) / min(b):.2f}x")
    for name, ts in cpu.items():
        print(f"{name:26s} CPU least {min(ts):.3f} s  median {statistics.median(ts):.3f} s")
    a, b = cpu["pytest pending.feature"], cpu["pytest-bdd alone (no-op)"]
    print(f"kspec adds (CPU, least)    {min(a) - min(b):.3f} s; ratio {min(a) / min(b):.2f}x")
    print(f"import kspec.pytest_plugin fastest {min(imports):.3f} s  median {statistics.median(imports):.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
