"""Probe workers (pkg/kubelet/prober worker.go) on the virtual clock.

One worker per container and probe type ticks every ``periodSeconds`` from
when the kubelet admitted the pod, probing at the first tick too. Results
start as upstream's (readiness Failure, liveness Success, startup Unknown)
and change only after ``failureThreshold`` / ``successThreshold`` runs in a
row. A worker whose next tick cannot change anything (steady success, on
hold after a kill, or no running container) parks its timer and is woken
at the next aligned tick when something it reads changes: same results,
far fewer callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kspec.clock import Timer

if TYPE_CHECKING:
    from kspec.kubelet.pod_worker import PodWorker

SUCCESS, FAILURE, UNKNOWN = "Success", "Failure", "Unknown"
INITIAL = {"readiness": FAILURE, "liveness": SUCCESS, "startup": UNKNOWN}
FIELD = {"readiness": "readinessProbe", "liveness": "livenessProbe", "startup": "startupProbe"}


def resolve_container_port(port: int | str, container: dict[str, Any]) -> int:
    """probe.ResolveContainerPort: a number, a named container port, or a number written as a string.

    Raises ValueError when the name is unknown or the number is outside 1-65535.
    """
    if isinstance(port, str):
        named = [p.get("containerPort") for p in container.get("ports") or [] if p.get("name") == port]
        if named:
            number = int(named[0])
        else:
            try:
                number = int(port)  # last ditch: an int stored as a string
            except ValueError:
                raise ValueError(f"port {port} not found") from None
    else:
        number = int(port)
    if 0 < number < 65536:
        return number
    raise ValueError(f"invalid port number: {number}")


def failure_output(spec: dict[str, Any], pod_ip: str, http_status: int = 500,
                   container: dict[str, Any] | None = None) -> str:
    """What the prober reports for a failing handler (the text after ``... probe failed: ``)."""
    if "httpGet" in spec:
        # probe/http/http.go DoHTTPProbe: a status outside 200-399 is a failure with this output
        return f"HTTP probe failed with statuscode: {http_status}"
    if "tcpSocket" in spec:
        port = spec["tcpSocket"].get("port", "")
        try:
            port = resolve_container_port(port, container or {})
        except ValueError:
            pass  # the probe errors instead of dialing; keep what the spec says
        return f"dial tcp {pod_ip}:{port}: connect: connection refused"
    if "grpc" in spec:
        return 'service unhealthy (responded with "NOT_SERVING")'
    return ""  # exec: the command's (empty) output


class ProbeWorker:
    def __init__(self, pod: PodWorker, container: str, kind: str, spec: dict[str, Any],
                 on_result: Callable[[ProbeWorker], None]) -> None:
        self.pod = pod
        self.container = container
        self.kind = kind
        self.spec = spec
        self.on_result = on_result
        self.period = int(spec.get("periodSeconds") or 10) * 1000
        self.initial_delay = int(spec.get("initialDelaySeconds") or 0) * 1000
        self.failure_threshold = int(spec.get("failureThreshold") or 3)
        self.success_threshold = int(spec.get("successThreshold") or 1)
        self.origin = pod.clock.now
        self.last_tick = self.origin - self.period
        self.container_id = ""
        self.result = ""  # the results manager's value for the current container ("" = none)
        self.last_result = ""
        self.run = 0
        self.on_hold = False
        self.stopped = False
        self.timer: Timer | None = None
        self._label = f"{kind} probe {pod.name}/{container}"  # the same for every arming
        self._arm(self.origin)

    # -- timer management ---------------------------------------------------------------
    def _arm(self, first_tick: int) -> None:
        clock = self.pod.clock
        self.timer = clock.call_every(self.period, self._tick, first=first_tick - clock.now, label=self._label)

    def wake(self) -> None:
        """Something the worker reads changed: make sure the next aligned tick runs."""
        if self.stopped or self.timer is not None:
            return
        now = self.pod.clock.now
        k = -(-(max(now, self.last_tick + 1) - self.origin) // self.period)
        self._arm(self.origin + k * self.period)

    def trigger(self) -> None:
        """The manual trigger (prober_manager UpdatePodStatus): probe at this instant as well."""
        if not self.stopped:
            self.pod.clock.soon(self._probe_once, "manual probe")  # call_soon's place; nothing cancels it

    def _park(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def stop(self) -> None:
        self.stopped = True
        self._park()

    def _tick(self) -> None:
        self.last_tick = self.pod.clock.now
        if not self._probe_once():
            self.stop()
        elif self._idle():
            self._park()

    # -- doProbe ------------------------------------------------------------------------
    def _idle(self) -> bool:
        rec = self.pod.records.get(self.container)
        c = rec.current if rec is not None else None
        if self.on_hold or c is None or not c.running:
            return True
        if self.kind == "startup" and rec is not None and rec.started:
            return True
        return self.result == SUCCESS and self.last_result == SUCCESS and self._passing()

    def _passing(self) -> bool:
        return self.pod.kubelet.runtime.passing(self.pod.uid, self.container, self.kind)

    def _failure_output(self) -> str:
        pw = self.pod
        status = pw.kubelet.runtime.failing_status(pw.uid, self.container, self.kind)
        container = next((c for c in pw.pod["spec"].get("containers") or [] if c.get("name") == self.container), {})
        return failure_output(self.spec, pw.pod_ip, status, container)

    def _set(self, result: str) -> None:
        if result != self.result:
            self.result = result
            self.on_result(self)

    def _probe_once(self) -> bool:
        """worker.doProbe; returns whether the worker keeps going."""
        if self.stopped:
            return False
        pw = self.pod
        if pw.terminal:
            return False
        rec = pw.records.get(self.container)
        c = rec.current if rec is not None else None
        if c is None:
            return True
        if c.id != self.container_id:
            self.container_id = c.id
            self.result = INITIAL[self.kind]
            self.on_hold = False
        if self.on_hold:
            return True
        if not c.running:
            self._set(FAILURE)
            return not c.exited or pw.restart_policy != "Never"
        if pw.deleting and self.kind in ("liveness", "startup"):
            self._set(SUCCESS)
            return False
        now = pw.clock.now
        if (now - c.started_ms) // 1000 < self.initial_delay // 1000:
            return True
        assert rec is not None
        if rec.started and self.kind == "startup":
            return True
        if not rec.started and self.kind != "startup":
            return True
        result = SUCCESS if self._passing() else FAILURE
        if result == FAILURE:
            # prober.probe: `%s probe failed: %s`
            pw.container_event(self.container, "Warning", "Unhealthy",
                               f"{self.kind.capitalize()} probe failed: {self._failure_output()}")
        if result == self.last_result:
            self.run += 1
        else:
            self.last_result, self.run = result, 1
        if (result == FAILURE and self.run < self.failure_threshold) or (
                result == SUCCESS and self.run < self.success_threshold):
            return True
        self._set(result)
        # a failed liveness check restarts the container, and a startup probe has said all it will either way:
        # hold until a new container shows up (worker.doProbe, #117153)
        if (self.kind == "liveness" and result == FAILURE) or self.kind == "startup":
            self.on_hold = True
            self.run = 0
        return True
