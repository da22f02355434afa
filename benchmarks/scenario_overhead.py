"""Per-scenario cost of kspec against a no-op pytest-bdd scenario, measured in the same pytest run.

    python benchmarks/scenario_overhead.py [N]

Writes N copies of a 3-node apply-one-pod kspec scenario and N copies of a
pytest-bdd scenario whose single step does nothing, runs them in one pytest
session, and prints the mean and median wall time per scenario of each kind
(setup + call + teardown, as pytest measures it).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

KSPEC = '''
  Scenario: apply one pod {i}
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
    Then pod "web" exists
'''

NOOP = '''
  Scenario: nothing {i}
    Given nothing happens
'''

GLUE = '''
from pytest_bdd import given, scenarios

scenarios("noop/noop.feature")


@given("nothing happens")
def _nothing() -> None:
    pass
'''


class Timer:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.times[report.nodeid] = self.times.get(report.nodeid, 0.0) + report.duration


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kspec_specs").mkdir()
        (root / "noop").mkdir()
        (root / "kspec_specs" / "pods.feature").write_text(
            "Feature: kspec\n" + "".join(KSPEC.format(i=i) for i in range(n)))
        (root / "noop" / "noop.feature").write_text("Feature: noop\n" + "".join(NOOP.format(i=i) for i in range(n)))
        (root / "test_noop.py").write_text(textwrap.dedent(GLUE))
        # the no-op feature is collected through its glue module only
        (root / "pytest.ini").write_text("[pytest]\nkspec_collect_features = false\n")
        (root / "conftest.py").write_text("")
        timer = Timer()
        args = ["-q", "-p", "no:cacheprovider", "-o", "kspec_collect_features=true", str(root / "kspec_specs"),
                str(root / "test_noop.py"), "--rootdir", str(root)]
        code = pytest.main(args, plugins=[timer])
        if code != 0:
            raise SystemExit(f"pytest failed with exit code {code}")
    kspec_t = [t for k, t in timer.times.items() if "pods.feature" in k]
    noop_t = [t for k, t in timer.times.items() if "test_noop" in k]
    for label, ts in (("kspec 3-node apply-one-pod", kspec_t), ("pytest-bdd no-op", noop_t)):
        print(f"{label:28s} n={len(ts):4d}  mean {statistics.mean(ts) * 1000:6.2f} ms  "
              f"median {statistics.median(ts) * 1000:6.2f} ms")
    print(f"kspec cost over a no-op scenario: {(statistics.mean(kspec_t) - statistics.mean(noop_t)) * 1000:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
