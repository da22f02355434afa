"""kubernetes pkg/kubelet/prober/worker_test.go: one probe worker's doProbe, step by step.

Upstream builds a worker on a fake status manager and calls ``doProbe`` by hand, swapping the exec prober's
answer between calls. The adapter gives kspec's ProbeWorker a stand-in pod worker (the container record the
status manager would hold, the runtime's health answer) and calls ``_probe_once`` (doProbe) the same way; the
results manager's value for the container is the worker's ``result`` ("" when none is set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from kspec.clock import Clock
from kspec.kubelet.probes import FAILURE, SUCCESS, UNKNOWN, ProbeWorker
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/prober/worker_test.go"
KINDS = ("liveness", "readiness", "startup")
#: the test clock starts well after 0, so a container can have started 100s ago
T0 = 1_000_000


@dataclass
class _Container:
    id: str
    started_ms: int = -1
    exit_code: int | None = None

    @property
    def running(self) -> bool:
        return self.started_ms >= 0 and self.exit_code is None

    @property
    def exited(self) -> bool:
        return self.exit_code is not None


@dataclass
class _Record:
    current: _Container | None = None
    started: bool = False


class _Runtime:
    def __init__(self) -> None:
        self.ok = True

    def passing(self, uid: str, container: str, kind: str) -> bool:
        return self.ok

    def failing_status(self, uid: str, container: str, kind: str) -> int:
        return 500


@dataclass
class _Kubelet:
    runtime: _Runtime = field(default_factory=_Runtime)


class _PodWorker:
    """What a probe worker reads of its pod: getTestPod (restartPolicy Never) and the status manager's status."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.clock.now = T0
        self.kubelet = _Kubelet()
        self.uid, self.name, self.pod_ip = "pOD_UID", "testPod", "127.0.0.1"
        self.pod: dict[str, Any] = {"spec": {"containers": [{"name": "testContainer"}], "restartPolicy": "Never"}}
        self.restart_policy = "Never"
        self.records: dict[str, _Record] = {}
        self.terminal = False
        self.deleting = False
        self.events: list[str] = []

    def container_event(self, container: str, type_: str, reason: str, message: str) -> None:
        self.events.append(message)

    def set_status(self, status: str, *, started: bool = True, container_id: str = "test://cOnTaInEr_Id") -> None:
        """SetPodStatus with one of common_test.go's statuses for testContainer."""
        if status == "none":
            self.records.pop("testContainer", None)
            return
        if status == "failed":  # the pod's phase is Failed
            self.terminal = True
        if status == "other":  # the only container status names otherContainer
            self.records["testContainer"] = _Record()
            return
        c = _Container(container_id)
        if status in ("running", "failed"):
            c.started_ms = self.clock.now
        elif status == "terminated":
            c.started_ms, c.exit_code = self.clock.now, 0
        self.records["testContainer"] = _Record(c, started)


def _worker(kind: str, probe: dict[str, Any] | None = None) -> tuple[_PodWorker, ProbeWorker]:
    pw = _PodWorker()
    spec = {"exec": {"command": ["true"]}, **(probe or {})}
    w = ProbeWorker(pw, "testContainer", kind, spec, lambda _w: None)  # type: ignore[arg-type]
    return pw, w


# -- TestDoProbe --------------------------------------------------------------------------------------------
#: (comment in the Go table, status, probe, continue for liveness/readiness/startup, set, result, deleting)
DO_PROBE = [
    ("No status", "none", {}, (True, True, True), False, "", False),
    ("Pod failed", "failed", {}, (False, False, False), False, "", False),
    ("Pod deletion", "running", {}, (False, True, False), True, SUCCESS, True),
    ("No container status", "other", {}, (True, True, True), False, "", False),
    ("Container waiting", "waiting", {}, (True, True, True), True, FAILURE, False),
    ("Container terminated", "terminated", {}, (False, False, False), True, FAILURE, False),
    ("Probe successful", "running", {}, (True, True, True), True, SUCCESS, False),
    ("Initial delay passed", "running", {"initialDelaySeconds": -100}, (True, True, True), True, SUCCESS, False),
]
DO_PROBE_CASES = [case("TestDoProbe", f"{kind}-{i}", kind=kind, comment=comment, status=status, probe=probe,
                       cont=cont[KINDS.index(kind)], set=is_set, result=result, deleting=deleting)
                  for kind in KINDS
                  for i, (comment, status, probe, cont, is_set, result, deleting) in enumerate(DO_PROBE)]


@pytest.mark.parametrize("tc", DO_PROBE_CASES)
def test_do_probe(tc: dict[str, Any]) -> None:
    pw, w = _worker(tc["kind"], tc["probe"])
    # getTestRunningStatusWithStarted(probeType != startup)
    pw.set_status(tc["status"], started=tc["kind"] != "startup")
    pw.deleting = tc["deleting"]
    assert w._probe_once() is tc["cont"]
    assert (w.result != "") is tc["set"]
    assert w.result == tc["result"]


# -- TestInitialDelay -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("tc", [case("TestInitialDelay", kind, kind=kind) for kind in KINDS])
def test_initial_delay(tc: dict[str, Any]) -> None:
    kind = tc["kind"]
    pw, w = _worker(kind, {"initialDelaySeconds": 10})
    pw.set_status("running", started=kind != "startup")
    assert w._probe_once()
    # the default depends on the probe: Success for liveness, Failure for readiness, Unknown for startup
    assert w.result == {"liveness": SUCCESS, "readiness": FAILURE, "startup": UNKNOWN}[kind]
    pw.records["testContainer"].current.started_ms = pw.clock.now - 100_000  # type: ignore[union-attr]
    assert w._probe_once()
    assert w.result == SUCCESS


# -- thresholds ------------------------------------------------------------------------------------------------
def _run(pw: _PodWorker, w: ProbeWorker, ok: bool, want: str, *, run: int | None = None) -> None:
    pw.kubelet.runtime.ok = ok
    assert w._probe_once()
    assert w.result == want
    if run is not None:
        assert w.run == run


@pytest.mark.parametrize("tc", [case("TestFailureThreshold", "")])
def test_failure_threshold(tc: dict[str, Any]) -> None:
    pw, w = _worker("readiness", {"successThreshold": 1, "failureThreshold": 3})
    pw.set_status("running")
    for _ in range(2):
        for _ in range(3):
            _run(pw, w, True, SUCCESS)  # first probes succeed
        for _ in range(2):
            _run(pw, w, False, SUCCESS)  # the next 2 failures still read success
        for _ in range(3):
            _run(pw, w, False, FAILURE)  # the third and following fail


@pytest.mark.parametrize("tc", [case("TestSuccessThreshold", "")])
def test_success_threshold(tc: dict[str, Any]) -> None:
    pw, w = _worker("readiness", {"successThreshold": 3, "failureThreshold": 1})
    pw.set_status("running")
    # upstream starts out with Failure set; kspec's readiness worker starts with it at the first doProbe
    for _ in range(2):
        for _ in range(2):
            _run(pw, w, True, FAILURE)
        for _ in range(3):
            _run(pw, w, True, SUCCESS)  # continuing success
        _run(pw, w, False, FAILURE)  # the prober flakes


@pytest.mark.parametrize("tc", [case("TestStartupProbeSuccessThreshold", "")])
def test_startup_probe_success_threshold(tc: dict[str, Any]) -> None:
    pw, w = _worker("startup", {"successThreshold": 1, "failureThreshold": 3})
    pw.set_status("running", started=False)  # getTestNotRunningStatus: the container has not started
    assert not w.on_hold
    _run(pw, w, True, SUCCESS)
    assert w.on_hold  # meeting successThreshold puts the worker on hold ...
    assert w.run == 0  # ... and resets resultRun


@pytest.mark.parametrize("tc", [case("TestStartupProbeFailureThreshold", "")])
def test_startup_probe_failure_threshold(tc: dict[str, Any]) -> None:
    pw, w = _worker("startup", {"successThreshold": 1, "failureThreshold": 3})
    pw.set_status("running", started=False)
    for i in range(2):
        assert not w.on_hold
        _run(pw, w, False, UNKNOWN, run=i + 1)  # set only when failureThreshold is reached
    assert not w.on_hold
    _run(pw, w, False, FAILURE, run=0)
    assert w.on_hold and w.run == 0


@pytest.mark.parametrize("tc", [case("TestCleanUp", kind, kind=kind, unmodelled=(
    "a stopped kspec worker keeps its last result on itself (there is no shared results manager to remove it from, "
    "nor a workers map to leave); it stops and parks its timer")) for kind in KINDS])
def test_clean_up(tc: dict[str, Any]) -> None:
    kind = tc["kind"]
    pw, w = _worker(kind)
    pw.set_status("running", started=kind != "startup")
    pw.clock.run_for(1)  # the worker's first tick probes at once
    assert w.result == SUCCESS
    for _ in range(10):
        w.stop()  # stop is callable many times
    assert w.stopped and w.timer is None
    assert w.result == ""  # the result is cleared


@pytest.mark.parametrize("tc", [case("TestOnHoldOnLivenessOrStartupCheckFailure", kind, kind=kind)
                                for kind in ("liveness", "startup")])
def test_on_hold_on_liveness_or_startup_check_failure(tc: dict[str, Any]) -> None:
    kind = tc["kind"]
    pw, w = _worker(kind, {"successThreshold": 1, "failureThreshold": 1})
    pw.set_status("running", started=kind != "startup")
    _run(pw, w, False, FAILURE)  # the first probe fails
    assert w.on_hold
    _run(pw, w, True, FAILURE)  # on hold: no probe, the result stays
    assert w.on_hold
    pw.set_status("running", started=kind != "startup", container_id="test://newCont_ID")  # lifts the hold
    _run(pw, w, True, SUCCESS)
    # liveness probes on; startup's success puts it on hold again
    assert w.on_hold is (kind == "startup")


@pytest.mark.parametrize("tc", [case("TestResultRunOnLivenessCheckFailure", "")])
def test_result_run_on_liveness_check_failure(tc: dict[str, Any]) -> None:
    pw, w = _worker("liveness", {"successThreshold": 1, "failureThreshold": 3})
    pw.set_status("running")
    _run(pw, w, True, SUCCESS, run=1)
    _run(pw, w, False, SUCCESS, run=1)
    _run(pw, w, False, SUCCESS, run=2)
    _run(pw, w, False, FAILURE, run=0)  # exceeding failureThreshold resets resultRun for the restarted container


@pytest.mark.parametrize("tc", [case("TestResultRunOnStartupCheckFailure", "")])
def test_result_run_on_startup_check_failure(tc: dict[str, Any]) -> None:
    pw, w = _worker("startup", {"successThreshold": 1, "failureThreshold": 3})
    pw.set_status("running", started=False)
    _run(pw, w, False, UNKNOWN, run=1)  # below failureThreshold the (Unknown) state stays
    _run(pw, w, False, UNKNOWN, run=2)
    _run(pw, w, False, FAILURE, run=0)


@pytest.mark.parametrize("tc", [case("TestLivenessProbeDisabledByStarted", "")])
def test_liveness_probe_disabled_by_started(tc: dict[str, Any]) -> None:
    pw, w = _worker("liveness", {"successThreshold": 1, "failureThreshold": 1})
    pw.set_status("running", started=False)
    _run(pw, w, False, SUCCESS)  # not started: the failing liveness probe is not run
    pw.records["testContainer"].started = True  # SetContainerStartup
    _run(pw, w, False, FAILURE)


@pytest.mark.parametrize("tc", [case("TestStartupProbeDisabledByStarted", "")])
def test_startup_probe_disabled_by_started(tc: dict[str, Any]) -> None:
    pw, w = _worker("startup", {"successThreshold": 1, "failureThreshold": 2})
    pw.set_status("running", started=False)
    _run(pw, w, False, UNKNOWN)  # below failureThreshold: stays unknown
    _run(pw, w, True, SUCCESS)
    pw.records["testContainer"].started = True  # SetContainerStartup
    _run(pw, w, False, SUCCESS)  # started: the startup probe no longer runs
