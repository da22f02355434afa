"""Pod phase and the kubelet-owned pod conditions, computed from API-form container statuses.

``get_phase`` is kubelet_pods.go getPhase; the condition functions are
pkg/kubelet/status/generate.go. Both read container statuses as the API
shows them, so they can be tested on plain dicts.
"""

from __future__ import annotations

from typing import Any

from kspec.objects import Obj

Status = dict[str, Any]
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


def _by_name(statuses: list[Status]) -> dict[str, Status]:
    return {s["name"]: s for s in statuses}


def is_sidecar(container: Obj) -> bool:
    return container.get("restartPolicy") == "Always"


def get_phase(pod: Obj, init_statuses: list[Status], statuses: list[Status], pod_is_terminal: bool) -> str:
    """getPhase: Pending while initializing or waiting, Running, or a terminal phase by restart policy."""
    spec = pod["spec"]
    policy = spec.get("restartPolicy", "Always")
    pending_init = failed_init = 0
    init_specs = spec.get("initContainers") or ()
    init = _by_name(init_statuses) if init_specs else {}
    for c in init_specs:
        if is_sidecar(c):
            continue
        st = init.get(c["name"])
        state = (st or {}).get("state", {})
        if st is None or "running" in state:
            pending_init += 1
        elif "terminated" in state:
            if state["terminated"].get("exitCode", 0) != 0:
                failed_init += 1
        elif "waiting" in state:
            last = (st.get("lastState") or {}).get("terminated")
            if last is not None:
                if last.get("exitCode", 0) != 0:
                    failed_init += 1
            else:
                pending_init += 1
        else:
            pending_init += 1
    regular = _by_name(statuses)
    unknown = running = waiting = stopped = succeeded = 0
    for c in spec.get("containers") or []:
        st = regular.get(c["name"])
        state = (st or {}).get("state", {})
        if st is None:
            unknown += 1
        elif "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"].get("exitCode", 0) == 0
        elif "waiting" in state:
            if (st.get("lastState") or {}).get("terminated") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    if failed_init and policy == "Never":
        return "Failed"
    if pending_init or waiting:
        return "Pending"
    if running and not unknown:
        return "Running"
    if not running and stopped and not unknown:
        if pod_is_terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"
    return "Pending"


def _go_list(names: list[str]) -> str:
    return "[" + " ".join(names) + "]"


def initialized_condition(pod: Obj, init_statuses: list[Status], statuses: list[Status], phase: str
                          ) -> tuple[str, str, str]:
    """GeneratePodInitializedCondition -> (status, reason, message)."""
    inits = pod["spec"].get("initContainers") or []
    if not inits:
        return "True", "", ""
    known = _by_name(init_statuses)
    unknown, incomplete = [], []
    for c in inits:
        st = known.get(c["name"])
        if st is None:
            unknown.append(c["name"])
            continue
        term = st.get("state", {}).get("terminated")
        if is_sidecar(c):
            if not st.get("started"):
                incomplete.append(c["name"])
        elif term is None or term.get("exitCode", 0) != 0:
            incomplete.append(c["name"])
    if phase == "Succeeded" and not unknown:
        return "True", "PodCompleted", ""
    if any(s.get("state", {}).get("running") or s.get("lastState", {}).get("terminated")
           or s.get("state", {}).get("terminated") for s in statuses):
        return "True", "", ""  # HasAnyRegularContainerStarted
    msgs = []
    if unknown:
        msgs.append(f"containers with unknown status: {_go_list(unknown)}")
    if incomplete:
        msgs.append(f"containers with incomplete status: {_go_list(incomplete)}")
    if msgs:
        return "False", "ContainersNotInitialized", ", ".join(msgs)
    return "True", "", ""


def containers_ready_condition(pod: Obj, init_statuses: list[Status], statuses: list[Status], phase: str
                               ) -> tuple[str, str, str]:
    """GenerateContainersReadyCondition -> (status, reason, message)."""
    unknown, unready = [], []
    init_specs = pod["spec"].get("initContainers") or ()
    init = _by_name(init_statuses) if init_specs else {}
    for c in init_specs:
        if not is_sidecar(c):
            continue
        st = init.get(c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    regular = _by_name(statuses)
    for c in pod["spec"].get("containers") or []:
        st = regular.get(c["name"])
        if st is None:
            unknown.append(c["name"])
        elif not st.get("ready"):
            unready.append(c["name"])
    if phase == "Succeeded" and not unknown:
        return "False", "PodCompleted", ""
    if phase == "Failed":
        return "False", "PodFailed", ""
    msgs = []
    if unknown:
        msgs.append(f"containers with unknown status: {_go_list(unknown)}")
    if unready:
        msgs.append(f"containers with unready status: {_go_list(unready)}")
    if msgs:
        return "False", "ContainersNotReady", ", ".join(msgs)
    return "True", "", ""


def ready_condition(pod: Obj, containers_ready: tuple[str, str, str], conditions: list[Status]
                    ) -> tuple[str, str, str]:
    """GeneratePodReadyCondition: ContainersReady, then every readiness gate."""
    if containers_ready[0] != "True":
        return containers_ready
    if not pod["spec"].get("readinessGates"):
        return "True", "", ""
    have = {c.get("type"): c.get("status") for c in conditions}
    missing = [g["conditionType"] for g in pod["spec"].get("readinessGates") or []
               if have.get(g["conditionType"]) != "True"]
    if missing:
        absent = [m for m in missing if m not in have]
        false = [m for m in missing if m in have]
        msgs = []
        if absent:
            msgs.append(f"corresponding condition of pod readiness gate {absent} does not exist.")
        if false:
            msgs.append(f"the status of pod readiness gate {false} is not \"True\", but False.")
        return "False", "ReadinessGatesNotReady", ", ".join(msgs)
    return "True", "", ""
