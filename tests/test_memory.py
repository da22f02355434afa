"""A long pytest run keeps nothing of a finished scenario: its cluster and its objects become garbage.

Each check runs inside an inner pytest session, once the scenario's teardown is reported
(``pytest_runtest_logfinish``), after a full garbage collection.
"""

from __future__ import annotations

import pytest

IMAGE = "memory-probe.example/app:1"

FEATURE = f'''Feature: memory
  Scenario Outline: a pod runs <n>
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: {IMAGE}
      """
    Then pod "web" is Running

    Examples:
      | n |
      | 1 |
      | 2 |
      | 3 |
'''


#: The inner session's conftest: it remembers each scenario's cluster by weak reference and, after each test,
#: prints how many of them, and how many pod specs a cluster made, are still reachable.
CONFTEST = f"""
import gc
import weakref

import pytest

CLUSTERS = []
PARTS = []  # this scenario's cluster and its main parts (a pod worker's cycle may keep its emptied clock)


@pytest.hookimpl(trylast=True)
def pytest_bdd_after_scenario(request, feature, scenario):
    harness = request.getfixturevalue("kspec")
    if harness.has_cluster:
        c = harness.cluster
        CLUSTERS.append(weakref.ref(c))
        PARTS[:] = [weakref.ref(p) for p in (c, c.api, c.api.informers, c.store, *c.components.values())]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    gc.disable()  # from here to the check: only reference counting frees anything


def bound_pod_specs():
    # pod specs bound to a node (what kubelet admission sees) with the probe's image
    return [obj for obj in gc.get_objects()
            if type(obj) is dict and obj.get("nodeName") and any(
                type(c) is dict and c.get("image") == {IMAGE!r} for c in obj.get("containers") or ())]


def pytest_runtest_logfinish(nodeid, location):
    alive = [type(ref()).__name__ for ref in PARTS if ref() is not None]
    gc.enable()
    print(f"PROBE-NOW still alive without a collection: {{alive}}")
    gc.collect()
    alive = sum(ref() is not None for ref in CLUSTERS)
    print(f"PROBE clusters={{len(CLUSTERS)}} alive={{alive}} specs={{len(bound_pod_specs())}}")
"""


def _run(pytester: pytest.Pytester) -> list[str]:
    """The probe's lines. In a subprocess: an in-process run's hook recorder keeps every hook's arguments."""
    pytester.makefile(".feature", memory=FEATURE)
    pytester.makeconftest(CONFTEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=3)
    return [line.split("PROBE", 1)[1].strip() for line in result.outlines if "PROBE" in line]


def test_a_finished_scenarios_cluster_is_garbage(pytester: pytest.Pytester) -> None:
    lines = [line for line in _run(pytester) if line.startswith("clusters=")]
    assert [line.split(" specs=")[0] for line in lines] == [f"clusters={n} alive=0" for n in (1, 2, 3)], \
        "a finished scenario's Cluster is still reachable after its teardown"


def test_no_memo_keeps_a_finished_scenarios_objects(pytester: pytest.Pytester) -> None:
    """kspec's per-process memos (kubelet admission's requests by pod spec, for one) are emptied at teardown."""
    lines = [line for line in _run(pytester) if line.startswith("clusters=")]
    assert [line.split(" ")[-1] for line in lines] == ["specs=0"] * 3, \
        "a finished scenario's pod specs are still reachable after its teardown"


def test_a_finished_scenarios_cluster_is_freed_without_the_garbage_collector(pytester: pytest.Pytester) -> None:
    """Its reference cycles are broken at teardown (kspec/teardown.py): the collector has nothing to find."""
    lines = [line for line in _run(pytester) if line.startswith("-NOW")]
    assert lines == ["-NOW still alive without a collection: []"] * 3
