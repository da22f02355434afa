"""``pods/log``: what a simulated container printed, with the apiserver's and the kubelet's errors.

The model is small and deterministic: a container prints the ``echo`` lines of its command and args, as a
shell would run them: ``echo a b`` prints ``a b``; ``sh -c "echo start; sleep 5; echo done"`` prints ``start``
when it starts and ``done`` five seconds later; ``sleep infinity``, a loop or ``exec`` ends what is known of
the script. Other commands print nothing. ``$(VAR)`` is the container's environment, expanded by the kubelet
before the command runs; the shell expands nothing (``$VAR`` and ``$(date)`` in a script stay as written).
Each run of a container (each restart) has its own log, as each CRI container has its own log file:
``previous`` reads the last terminated run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kspec.errors import ApiError
from kspec.kubelet.envvars import expand
from kspec.objects import EPOCH, Obj

if TYPE_CHECKING:
    from kspec.cluster import Cluster

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "busybox"})
_SLEEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNIT_MS = {"": 1000, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_OPAQUE = frozenset({"while", "until", "for", "if", "exec", "wait", "tail", "nginx"})


@dataclass(frozen=True)
class Line:
    """One printed line, ``after_ms`` after the container started."""

    after_ms: int
    text: str


def printed(container: Obj, env: dict[str, str] | None = None) -> list[Line]:
    """The lines a container's command and args print, with when (after its start) each appears; ``$(VAR)``
    in them is the container's environment, as the kubelet expands it (ExpandContainerCommandAndArgs)."""

    argv = [expand(str(a), (env or {}).get) for a in (container.get("command") or []) + (container.get("args") or [])]
    if not argv:
        return []
    program = argv[0].rsplit("/", 1)[-1]
    if program in _SHELLS and len(argv) >= 3 and argv[1] == "-c":
        return _script(argv[2])
    if program == "echo":
        return [Line(0, _echo(argv[1:]))]
    return []


def _echo(words: list[str]) -> str:
    while words and words[0] in ("-n", "-e", "-E", "-ne", "-en"):
        words = words[1:]
    return " ".join(words)


def _script(script: str) -> list[Line]:
    """``sh -c SCRIPT``: its simple commands in order; ``sleep N`` moves the time of the next lines."""
    lexer = shlex.shlex(script.replace("\n", ";"), posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # an unbalanced quote: sh would refuse the script and print nothing to stdout
        return []
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token and set(token) <= set(";&|"):
            commands.append([])
        else:
            commands[-1].append(token)
    out: list[Line] = []
    at = 0
    for words in filter(None, commands):
        name = words[0].rsplit("/", 1)[-1]
        if name == "echo":
            out.append(Line(at, _echo(words[1:])))
        elif name == "sleep":
            m = _SLEEP.match(words[1]) if len(words) > 1 else None
            if m is None:  # sleep infinity (or something sh's sleep would not take): nothing after it runs
                break
            at += int(float(m.group(1)) * _UNIT_MS[m.group(2)])
        elif name in _OPAQUE:
            break
    return out


def _names(pod: Obj) -> list[str]:
    """Every container's name as podutil.VisitContainers meets them: init containers, then the others."""
    spec = pod.get("spec") or {}
    return [c["name"] for key in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(key) or []]


def _container(pod: Obj, name: str) -> Obj:
    spec = pod.get("spec") or {}
    return next(c for key in ("initContainers", "containers", "ephemeralContainers")
                for c in spec.get(key) or [] if c["name"] == name)


def choose_container(pod: Obj, wanted: str) -> str:
    """The container the request means, or the apiserver's 400 (pkg/registry/core/pod strategy validateContainer)."""
    name = pod["metadata"]["name"]
    containers = (pod.get("spec") or {}).get("containers") or []
    if not wanted:
        if len(containers) == 1:
            return str(containers[0]["name"])
        if not containers:
            raise ApiError(400, "BadRequest", f"a container name must be specified for pod {name}")
        raise ApiError(400, "BadRequest", f"a container name must be specified for pod {name}, choose one of: "
                                          f"[{' '.join(_names(pod))}]")
    if wanted not in _names(pod):
        raise ApiError(400, "BadRequest", f"container {wanted} is not valid for pod {name}")
    return wanted


def _run_of(pod: Obj, container: str, previous: bool) -> dict[str, Any]:
    """The state (running or terminated, with its containerID) whose log is read, or the kubelet's error
    (pkg/kubelet/kubelet_pods.go validateContainerLogStatus)."""
    name = pod["metadata"]["name"]
    status = pod.get("status") or {}
    found = next((s for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
                  for s in status.get(key) or [] if s.get("name") == container), None)
    if found is None:
        raise ApiError(400, "BadRequest", f'container "{container}" in pod "{name}" is not available')
    last = (found.get("lastState") or {}).get("terminated")
    state = found.get("state") or {}
    waiting, running, terminated = state.get("waiting"), state.get("running"), state.get("terminated")
    if previous:
        if not last or not last.get("containerID"):
            raise ApiError(400, "BadRequest", f'previous terminated container "{container}" in pod "{name}" not found')
        return last
    if running is not None:
        return {**running, "containerID": found.get("containerID", "")}
    if terminated is not None:
        if terminated.get("containerID"):
            return dict(terminated)
        if last and last.get("containerID"):
            return last
        raise ApiError(400, "BadRequest", f'container "{container}" in pod "{name}" is terminated')
    if last is not None:
        if not last.get("containerID"):
            raise ApiError(400, "BadRequest", f'container "{container}" in pod "{name}" is terminated')
        return last
    if waiting is not None:
        reason = waiting.get("reason", "")
        why = {"ErrImagePull": "image can't be pulled",
               "ImagePullBackOff": "trying and failing to pull image"}.get(reason, reason)
        raise ApiError(400, "BadRequest", f'container "{container}" in pod "{name}" is waiting to start: {why}')
    raise ApiError(400, "BadRequest", f'container "{container}" in pod "{name}" is waiting to start - no logs yet')


def _ms(text: str | None) -> int | None:
    if not text:
        return None
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int((when - EPOCH) / timedelta(milliseconds=1))


def _instant(cluster: Cluster, container_id: str, field: str, status_time: str | None) -> int | None:
    """The run's start or finish in milliseconds: the runtime's own record when it still has the container
    (status times are whole seconds), else the status."""
    runtime = getattr(cluster.components.get("runtime"), "runtime", None)
    found = getattr(runtime, "containers", {}).get(container_id.partition("://")[2]) if runtime else None
    value = getattr(found, field, -1) if found is not None else -1
    return value if value >= 0 else _ms(status_time)


def _env(cluster: Cluster, pod: Obj, container: str) -> dict[str, str]:
    """The environment the kubelet gave the container's current run (empty when it has none)."""
    agent = cluster.components.get("runtime")
    node = (pod.get("spec") or {}).get("nodeName")
    kubelets = getattr(agent, "kubelets", {})
    worker = kubelets[node].workers.get(pod["metadata"].get("uid")) if node in kubelets else None
    record = worker.records.get(container) if worker is not None else None
    return dict(getattr(record, "env", None) or {})


def _stamp(ms: int) -> str:
    """kuberuntime's timeFormatOut: RFC 3339 with nine fractional digits."""
    at = EPOCH + timedelta(milliseconds=ms)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond * 1000:09d}Z"


@dataclass
class Log:
    """What a pods/log request reads: the lines printed so far, and (for a running run) those still to come."""

    body: bytes
    later: list[tuple[int, bytes]]  # (virtual ms, the formatted line) of lines the run prints after now
    container: str = ""
    container_id: str = ""


def pod_log(cluster: Cluster, pod: Obj, q: dict[str, list[str]]) -> Log:
    """GET pods/NAME/log for these query parameters (container, previous, tailLines, timestamps, sinceSeconds,
    sinceTime, limitBytes); with follow, the caller streams ``later`` as the clock reaches each line."""
    def one(key: str, default: str = "") -> str:
        return q.get(key, [default])[0]

    container = choose_container(pod, one("container"))
    if not (pod.get("spec") or {}).get("nodeName"):
        return Log(b"", [])  # LogLocation: a pod not yet on a node has no location and an empty log
    run = _run_of(pod, container, one("previous", "false") in ("true", "1"))
    cid = str(run.get("containerID", ""))
    start = _instant(cluster, cid, "started_ms", run.get("startedAt"))
    if start is None:
        return Log(b"", [], container, cid)
    end = _instant(cluster, cid, "finished_ms", run.get("finishedAt")) if "finishedAt" in run else None
    now = cluster.clock.now
    until = now if end is None else min(end, now)
    every = [(start + line.after_ms, line.text) for line in printed(_container(pod, container),
                                                                    _env(cluster, pod, container))]
    lines = [entry for entry in every if entry[0] <= until]
    if one("sinceSeconds"):
        since = now - int(one("sinceSeconds")) * 1000
        lines = [entry for entry in lines if entry[0] >= since]
    since_time = _ms(one("sinceTime"))
    if since_time is not None:
        lines = [entry for entry in lines if entry[0] >= since_time]
    if one("tailLines"):
        tail = int(one("tailLines"))
        lines = lines[len(lines) - tail:] if 0 <= tail < len(lines) else lines
    stamps = one("timestamps", "false") in ("true", "1")

    def fmt(at: int, text: str) -> bytes:
        return (f"{_stamp(at)} {text}\n" if stamps else f"{text}\n").encode()
    body = b"".join(fmt(at, text) for at, text in lines)
    if one("limitBytes"):
        body = body[:int(one("limitBytes"))]
    later = [(at, fmt(at, text)) for at, text in every if at > now] if end is None else []
    return Log(body, later, container, cid)
