"""Cold start: importing kspec under pytest runs no full garbage collection over the start-up objects.

kspec's import makes tens of thousands of long-lived objects; the collector is paused while it runs and
what exists afterwards is frozen (``gc.freeze``), so no full pass walks pytest's and kspec's start-up
objects again. A run that collects no feature hands them back at collection's end: unit tests keep an
unfrozen heap (kspec/clock.py's own use of ``gc.freeze`` needs it).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCENARIO = '''
  Scenario: a pod
    Given a cluster with 1 node
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers: [{name: app, image: nginx:1.25}]
      """
    Then pod "web" exists
'''

#: the inner session's conftest (loaded after the plugins): how the collector stands at each point
CONFTEST = """
import gc


def pytest_configure(config):
    print(f"\\nat configure: frozen={gc.get_freeze_count() > 0}")


def pytest_sessionfinish(session):
    print(f"\\nat session finish: frozen={gc.get_freeze_count() > 0}")
"""


def test_start_up_objects_are_frozen_before_collection(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", spec="Feature: f\n" + SCENARIO)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*at configure: frozen=True*", "*at session finish: frozen=True*"])


def test_a_run_without_features_hands_the_start_up_objects_back(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_unit="import gc\n\n\ndef test_heap():\n    assert gc.get_freeze_count() == 0\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*at configure: frozen=True*", "*at session finish: frozen=False*"])


def test_importing_kspec_runs_no_full_collection() -> None:
    """However many objects exist before (a pytest session's), the import does not walk them all."""
    code = ("import gc\n"
            # a heap the size of pytest's and its plugins', never walked by a full pass yet, and the collector's
            # counts where the next middle-generation pass but one is a full pass (as pytest's start-up left them)
            "gc.disable()\n"
            "ballast = [[i] for i in range(300_000)]\n"
            "gc.enable()\n"
            "for _ in range(9):\n"
            "    gc.collect(1)\n"
            "full = []\n"
            "gc.callbacks.append(lambda phase, info: phase == 'stop' and info['generation'] == 2 and full.append(1))\n"
            "import kspec.pytest_plugin\n"
            "print(len(full))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
