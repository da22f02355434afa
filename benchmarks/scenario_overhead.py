"""Per-scenario cost of kspec against a no-op pytest-bdd scenario, measured in the same pytest run.

    python benchmarks/scenario_overhead.py [N]
    python benchmarks/scenario_overhead.py --opcodes [N]

``--opcodes`` counts instead the Python bytecodes one scenario on the Cluster API executes in each phase
(construction, start, the apply, teardown), averaged over N scenarios after a few unmeasured ones: a figure
that does not depend on how busy the machine is, for comparing checkouts.

Writes N copies of a 3-node apply-one-pod kspec scenario and N copies of a
pytest-bdd scenario whose single step does nothing, runs them in one pytest
session, and prints the mean and median wall time per scenario of each kind
(setup + call + teardown, as pytest measures it) and their ratio (the machine
may be busy: the ratio, taken in one run, is the figure to compare). Then:
memory growth per kspec scenario (resident set, from the 10th scenario on),
the share of the kspec scenarios' time spent in garbage collection, and where
one scenario's time goes outside pytest (cluster construction, each
component's start, the apply and what it triggers). Memory growth is printed
for the no-op scenarios too (they run first), and for no-op scenarios shaped
like the kspec one (three steps, a doc string): pytest and pytest-bdd keep each
test's and each step's reports until the session ends, which is not kspec's;
kspec's own share is what its figure adds to the same-shape no-op's. Beside the
resident set, which the allocator's reuse of freed memory blurs (a heavier
scenario leaves the reports scattered over more memory), the count of objects
the garbage collector tracks after a full collection, between the same two
scenarios: what is really kept.

Last, the floor: the same kspec scenario run through kspec's own steps, harness and pytest plugin with a
stand-in for the cluster (its ``apply`` and ``expect.exists`` do nothing), against the no-op again, in a
pytest session of their own (a separate process): the stand-in's conftest.py would make pytest hand the
tests it does not apply to a subset of the hooks, which slows them. The floor is a ratio to that session's no-op; a
ratio of 2x leaves the simulated cluster twice the no-op's time less the floor's.
"""

from __future__ import annotations

import contextlib
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from functools import partial
from pathlib import Path

import pytest

# the doc string both the kspec scenario and the same-shape no-op apply
POD_DOC = '''      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: app
          image: nginx:1.25
      """
'''

KSPEC = '''
  Scenario: apply one pod {i}
    Given a cluster with 3 nodes
    When I apply:
{pod_doc}    Then pod "web" exists
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

# For the memory figures only: a no-op scenario shaped like the kspec one (three steps, a doc string).
# pytest-bdd keeps a report of every step until the session ends, so a one-step no-op keeps less.
SHAPED = '''
  Scenario: nothing shaped {i}
    Given nothing is set up
    When I apply nothing:
{pod_doc}    Then nothing "web" exists
'''

SHAPED_GLUE = '''
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("shaped/shaped.feature")


@given("nothing is set up")
def _nothing() -> None:
    pass


@when("I apply nothing:")
def _apply(docstring: str) -> None:
    pass


@then(parsers.parse('nothing "{name}" exists'))
def _exists(name: str) -> None:
    pass
'''


def rss() -> int:
    """Resident set size in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# The floor's set-up: the kspec scenario's directory gets a conftest whose ``kspec`` fixture hands the steps a
# harness with a stand-in cluster (what the three steps call on it, doing nothing).
STAND_IN_CONFTEST = '''
import pytest

from kspec.harness import Harness


class _Expect:
    def exists(self, kind, name, namespace=None):
        pass


class _StandIn:
    started = False
    expect = _Expect()

    def apply(self, manifest, **origin):
        pass


class _StandInHarness(Harness):
    stand_in = _StandIn()

    def new_cluster(self, nodes):
        return self.stand_in

    @property
    def cluster(self):
        return self.stand_in


@pytest.fixture
def kspec(kspec):
    kspec.__class__ = _StandInHarness
    return kspec
'''

KINDS = ("kspec", "no-op", "same-shape no-op")


def kind_of(nodeid: str) -> str:
    if "pods.feature" in nodeid:
        return "kspec"
    return "same-shape no-op" if "test_shaped" in nodeid else "no-op"


class Timer:
    def __init__(self, n: int) -> None:
        self.times: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._cpu_start = 0.0
        self.rss: dict[str, list[int]] = {kind: [] for kind in KINDS}
        #: scenario number -> objects the collector tracks after a full collection, at the two measured ones
        self.objects: dict[str, dict[int, int]] = {kind: {} for kind in KINDS}
        self.first, self.last = min(10, n - 1), n
        self.gc_s = 0.0
        self._gc_start = 0.0
        self._in_kspec = False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.times[report.nodeid] = self.times.get(report.nodeid, 0.0) + report.duration

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self._in_kspec = "pods.feature" in nodeid
        self._cpu_start = time.process_time()

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        self.cpu[nodeid] = time.process_time() - self._cpu_start
        self._in_kspec = False
        rss_of = self.rss[kind_of(nodeid)]
        rss_of.append(rss())
        if len(rss_of) in (self.first + 1, self.last):  # outside the measured times
            gc.collect()
            self.objects[kind_of(nodeid)][len(rss_of)] = len(gc.get_objects())

    def gc_callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        elif self._in_kspec:
            self.gc_s += time.perf_counter() - self._gc_start


POD = """apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: app, image: nginx:1.25}]
"""


def split(n: int) -> dict[str, float]:
    """CPU milliseconds per scenario in each phase, run directly on the Cluster API (CPU time: other processes
    on a shared machine inflate it less than wall time)."""
    from kspec.cluster import Cluster

    phases: dict[str, float] = {}
    real_guard = Cluster._guard

    def timed_guard(self: Cluster, comp: object, fn: object) -> None:
        t = time.process_time()
        real_guard(self, comp, fn)  # type: ignore[arg-type]
        key = f"start {getattr(comp, 'NAME', '') or type(comp).__name__}"
        phases[key] = phases.get(key, 0.0) + time.process_time() - t

    Cluster._guard = timed_guard  # type: ignore[method-assign]
    try:
        for _ in range(n):
            t0 = time.process_time()
            c = Cluster(nodes=3)
            t1 = time.process_time()
            c.start()
            t2 = time.process_time()
            c.apply(POD)
            c.api.get("pods", "web", "default")
            t3 = time.process_time()
            for key, dt in (("construct (bootstrap objects, 3 nodes)", t1 - t0), ("start (all)", t2 - t1),
                            ("apply one pod and what it triggers", t3 - t2), ("total", t3 - t0)):
                phases[key] = phases.get(key, 0.0) + dt
    finally:
        Cluster._guard = real_guard  # type: ignore[method-assign]
    out = {k: v / n * 1000 for k, v in phases.items()}
    # what construction costs when it is not copied from the per-process template (kspec/templates.py)
    from kspec import templates
    if templates.ENABLED:
        templates.ENABLED = False
        try:
            t0 = time.process_time()
            for _ in range(n):
                Cluster(nodes=3)
            out["(construct without the template)"] = (time.process_time() - t0) / n * 1000
        finally:
            templates.ENABLED = True
    return out


def opcodes(n: int) -> dict[str, float]:
    """Bytecodes per scenario in each phase on the Cluster API (what ``split`` times)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from kubelet_soak import count_opcodes

    from kspec import teardown
    from kspec.cluster import Cluster

    def one() -> Cluster:
        c = Cluster(nodes=3)
        c.start()
        c.apply(POD)
        c.api.get("pods", "web", "default")
        return c

    for _ in range(5):
        teardown.dismantle(one())
    def build(made: list[Cluster]) -> None:
        made.append(Cluster(nodes=3))

    def apply(c: Cluster) -> None:
        c.apply(POD)
        c.api.get("pods", "web", "default")

    totals = dict.fromkeys(("construct", "start", "apply", "teardown"), 0)
    for _ in range(n):
        made: list[Cluster] = []
        totals["construct"] += count_opcodes(partial(build, made))
        c = made[0]
        totals["start"] += count_opcodes(c.start)
        totals["apply"] += count_opcodes(partial(apply, c))
        totals["teardown"] += count_opcodes(partial(teardown.dismantle, c))
    out = {k: v / n for k, v in totals.items()}
    out["total"] = sum(out.values())
    return out


def floor(root: Path, n: int) -> float:
    """The stand-in scenario's CPU median over the no-op's, in a session of their own (run in a subprocess).

    Both in one directory with the stand-in's conftest.py: a conftest that applies to some tests and not others
    makes pytest hand the others a subset of the hooks, slower at every call, which would skew the ratio."""
    timer = Timer(n)
    args = ["-q", "-p", "no:cacheprovider", "-o", "kspec_collect_features=true", str(root / "floor" / "test_noop.py"),
            str(root / "floor" / "standin.feature"), "--rootdir", str(root)]
    with contextlib.redirect_stdout(sys.stderr):  # pytest's report; stdout carries the figure alone
        code = pytest.main(args, plugins=[timer])
    if code != 0:
        raise SystemExit(f"pytest failed with exit code {code}")
    stand_in = statistics.median(t for k, t in timer.cpu.items() if "standin.feature" in k)
    return stand_in / statistics.median(t for k, t in timer.cpu.items() if kind_of(k) == "no-op")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "kspec_specs").mkdir()
        (root / "noop").mkdir()
        (root / "kspec_specs" / "pods.feature").write_text(
            "Feature: kspec\n" + "".join(KSPEC.format(i=i, pod_doc=POD_DOC) for i in range(n)))
        (root / "noop" / "noop.feature").write_text("Feature: noop\n" + "".join(NOOP.format(i=i) for i in range(n)))
        (root / "test_noop.py").write_text(textwrap.dedent(GLUE))
        (root / "shaped").mkdir()
        (root / "shaped" / "shaped.feature").write_text(
            "Feature: shaped\n" + "".join(SHAPED.format(i=i, pod_doc=POD_DOC) for i in range(n)))
        (root / "test_shaped.py").write_text(textwrap.dedent(SHAPED_GLUE))
        # the floor's session: one directory, so its conftest.py applies to every test (see floor())
        (root / "floor").mkdir()
        (root / "floor" / "standin.feature").write_text(
            "Feature: stand-in\n" + "".join(KSPEC.format(i=i, pod_doc=POD_DOC) for i in range(n)))
        (root / "floor" / "noop.feature").write_text("Feature: noop\n" + "".join(NOOP.format(i=i) for i in range(n)))
        (root / "floor" / "test_noop.py").write_text(textwrap.dedent(GLUE).replace("noop/noop.feature", "noop.feature"))
        (root / "floor" / "conftest.py").write_text(STAND_IN_CONFTEST)
        floor_run = subprocess.run([sys.executable, __file__, "--floor", str(root), str(n)], capture_output=True,
                                   text=True, check=True)
        floor_ratio = float(floor_run.stdout.split()[-1])
        # the no-op feature is collected through its glue module only
        (root / "pytest.ini").write_text("[pytest]\nkspec_collect_features = false\n")
        (root / "conftest.py").write_text("")
        timer = Timer(n)
        gc.callbacks.append(timer.gc_callback)
        # the no-op scenarios first: then the memory kspec's scenarios free cannot absorb the no-op's growth
        args = ["-q", "-p", "no:cacheprovider", "-o", "kspec_collect_features=true", str(root / "test_noop.py"),
                str(root / "test_shaped.py"),
                str(root / "kspec_specs"), "--rootdir", str(root)]
        code = pytest.main(args, plugins=[timer])
        gc.callbacks.remove(timer.gc_callback)
        if code != 0:
            raise SystemExit(f"pytest failed with exit code {code}")
    kspec_t = [t for k, t in timer.times.items() if "pods.feature" in k]
    noop_t = [t for k, t in timer.times.items() if kind_of(k) == "no-op"]
    for label, ts in (("kspec 3-node apply-one-pod", kspec_t), ("pytest-bdd no-op", noop_t)):
        print(f"{label:28s} n={len(ts):4d}  mean {statistics.mean(ts) * 1000:6.2f} ms  "
              f"median {statistics.median(ts) * 1000:6.2f} ms")
    print(f"kspec cost over a no-op scenario: {(statistics.mean(kspec_t) - statistics.mean(noop_t)) * 1000:.2f} ms")
    print(f"ratio kspec / no-op: mean {statistics.mean(kspec_t) / statistics.mean(noop_t):.1f}x, "
          f"median {statistics.median(kspec_t) / statistics.median(noop_t):.1f}x")
    # CPU time of the whole test protocol (what other processes on the machine do not inflate)
    kspec_c = [t for k, t in timer.cpu.items() if "pods.feature" in k]
    noop_c = [t for k, t in timer.cpu.items() if kind_of(k) == "no-op"]
    k_ms, n_ms = statistics.median(kspec_c) * 1000, statistics.median(noop_c) * 1000
    print(f"CPU time per scenario: kspec median {k_ms:.2f} ms, no-op median {n_ms:.2f} ms, ratio {k_ms / n_ms:.1f}x")
    f_ms = floor_ratio * n_ms
    print(f"the floor (kspec's steps and harness, a stand-in cluster, own session): {floor_ratio:.2f}x the no-op, "
          f"{f_ms:.2f} ms here; so the simulated cluster costs {k_ms - f_ms:.2f} ms in pytest, and 2x would leave it "
          f"{2 * n_ms - f_ms:.2f} ms")
    first, last = timer.first + 1, timer.last
    for kind in KINDS:
        sizes, objs = timer.rss[kind], timer.objects[kind]
        growth = (sizes[last - 1] - sizes[first - 1]) / max(1, last - first)
        kept = (objs[last] - objs[first]) / max(1, last - first)
        print(f"memory growth per {kind} scenario: {growth / 1024:.1f} KiB (resident set, scenarios {first}.."
              f"{last}); {kept:.1f} tracked objects kept")
    print(f"garbage collection: {timer.gc_s / sum(kspec_t) * 100:.1f}% of the kspec scenarios' time")
    print("one scenario on the Cluster API (no pytest), CPU ms:")
    for key, ms in sorted(split(max(20, n // 4)).items(), key=lambda kv: -kv[1]):
        print(f"  {key:40s} {ms:6.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:
        print(f"{floor(Path(sys.argv[2]), int(sys.argv[3])):.4f}")
    elif sys.argv[1:2] == ["--opcodes"]:
        for phase, count in opcodes(int(sys.argv[2]) if len(sys.argv) > 2 else 20).items():
            print(f"opcodes {phase:10s} {count:10,.0f}")
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
