"""Unit tests for kspec.printers: the cells kubectl users actually read and compare against."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec.printers import (
    RESOURCE_ALIASES,
    canonical_resource,
    human_duration,
    render,
    short_human_duration,
    table,
)

NOW = datetime(2025, 1, 1, 1, 0, 0, tzinfo=UTC)
CREATED = "2025-01-01T00:00:00Z"


def _pod(
    containers: list[dict[str, Any]],
    *,
    phase: str = "Running",
    init: list[dict[str, Any]] | None = None,
    init_specs: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A pod whose spec mirrors the given container statuses (names c0, c1, ...)."""
    for i, cs in enumerate(containers):
        cs.setdefault("name", f"c{i}")
    init = init or []
    for i, cs in enumerate(init):
        cs.setdefault("name", f"i{i}")
    pod: dict[str, Any] = {
        "metadata": {"name": "p", "creationTimestamp": CREATED, **extra.pop("metadata", {})},
        "spec": {
            "containers": [{"name": cs["name"]} for cs in containers],
            "initContainers": init_specs if init_specs is not None else [{"name": cs["name"]} for cs in init],
        },
        "status": {
            "phase": phase,
            "conditions": conditions or [],
            "containerStatuses": containers,
            "initContainerStatuses": init,
            **extra,
        },
    }
    return pod


def _cell(resource: str, obj: dict[str, Any], column: str, *, wide: bool = False) -> str:
    headers, rows = table(resource, [obj], NOW, wide=wide)
    return rows[0][headers.index(column)]


RUNNING = {"ready": True, "state": {"running": {"startedAt": CREATED}}}
NOT_READY_RUNNING = {"ready": False, "state": {"running": {"startedAt": CREATED}}}


def _waiting(reason: str) -> dict[str, Any]:
    return {"ready": False, "state": {"waiting": {"reason": reason}}}


def _terminated(exit_code: int, reason: str | None = None, signal: int = 0) -> dict[str, Any]:
    term: dict[str, Any] = {"exitCode": exit_code, "signal": signal}
    if reason:
        term["reason"] = reason
    return {"ready": False, "state": {"terminated": term}}


# ---------------------------------------------------------------------------- pod STATUS


@pytest.mark.parametrize(
    ("pod", "status"),
    [
        pytest.param(_pod([RUNNING]), "Running", id="running"),
        pytest.param(_pod([], phase="Failed", reason="Evicted"), "Evicted", id="status-reason"),
        pytest.param(
            _pod([_terminated(137)], phase="Failed", reason="Evicted"),
            "ExitCode:137",
            id="container-beats-reason",
        ),
        pytest.param(
            _pod([_waiting("ContainerCreating")], phase="Pending"), "ContainerCreating", id="creating"
        ),
        pytest.param(_pod([_waiting("CrashLoopBackOff")]), "CrashLoopBackOff", id="crashloop"),
        pytest.param(_pod([_waiting("ImagePullBackOff")], phase="Pending"), "ImagePullBackOff", id="backoff"),
        pytest.param(_pod([_waiting("ErrImagePull")], phase="Pending"), "ErrImagePull", id="errimagepull"),
        pytest.param(_pod([_terminated(0, "Completed")], phase="Succeeded"), "Completed", id="completed"),
        pytest.param(_pod([_terminated(1, "Error")], phase="Failed"), "Error", id="error"),
        pytest.param(_pod([_terminated(137, "OOMKilled")], phase="Failed"), "OOMKilled", id="oomkilled"),
        pytest.param(_pod([_terminated(137, signal=9)], phase="Failed"), "Signal:9", id="signal"),
        pytest.param(_pod([_terminated(3)], phase="Failed"), "ExitCode:3", id="exitcode"),
        pytest.param(
            _pod([_waiting("PodInitializing")], phase="Pending", init=[{"state": {"running": {}}}]),
            "Init:0/1",
            id="init-running",
        ),
        pytest.param(
            _pod(
                [_waiting("PodInitializing")],
                phase="Pending",
                init=[_terminated(0, "Completed"), {"state": {"running": {}}}],
            ),
            "Init:1/2",
            id="init-second",
        ),
        pytest.param(
            _pod([_waiting("PodInitializing")], phase="Pending", init=[_waiting("CrashLoopBackOff")]),
            "Init:CrashLoopBackOff",
            id="init-crashloop",
        ),
        pytest.param(
            _pod([_waiting("PodInitializing")], phase="Pending", init=[_waiting("PodInitializing")]),
            "Init:0/1",
            id="init-waiting-podinitializing",
        ),
        pytest.param(
            _pod([_waiting("PodInitializing")], phase="Pending", init=[_terminated(1, "Error")]),
            "Init:Error",
            id="init-error",
        ),
        pytest.param(
            _pod([_waiting("PodInitializing")], phase="Pending", init=[_terminated(1)]),
            "Init:ExitCode:1",
            id="init-exitcode",
        ),
        pytest.param(
            _pod([_waiting("PodInitializing")], phase="Pending", init=[_terminated(1, signal=15)]),
            "Init:Signal:15",
            id="init-signal",
        ),
        pytest.param(
            _pod([RUNNING], metadata={"deletionTimestamp": "2025-01-01T00:59:00Z"}),
            "Terminating",
            id="terminating",
        ),
        pytest.param(
            _pod([RUNNING], metadata={"deletionTimestamp": "2025-01-01T00:59:00Z"}, reason="NodeLost"),
            "Unknown",
            id="nodelost",
        ),
        pytest.param(
            _pod(
                [_terminated(0, "Completed")],
                phase="Succeeded",
                metadata={"deletionTimestamp": "2025-01-01T00:59:00Z"},
            ),
            "Completed",
            id="terminal-pod-being-deleted",
        ),
        pytest.param(
            _pod([_terminated(0, "Completed"), RUNNING], conditions=[{"type": "Ready", "status": "False"}]),
            "NotReady",
            id="completed-plus-running-not-ready",
        ),
        pytest.param(
            _pod([_terminated(0, "Completed"), RUNNING], conditions=[{"type": "Ready", "status": "True"}]),
            "Running",
            id="completed-plus-running-ready",
        ),
        pytest.param(
            _pod([NOT_READY_RUNNING], conditions=[{"type": "Ready", "status": "False"}]),
            "Running",
            id="readiness-failing-still-running",
        ),
        pytest.param(
            _pod(
                [_waiting("")],
                phase="Pending",
                conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
            ),
            "SchedulingGated",
            id="scheduling-gated",
        ),
    ],
)
def test_pod_status(pod: dict[str, Any], status: str) -> None:
    assert _cell("pods", pod, "STATUS") == status


def test_pod_ready_counts_started_sidecars() -> None:
    sidecar = {"started": True, "ready": True, "restartCount": 1, "state": {"running": {}}}
    pod = _pod(
        [RUNNING],
        init=[_terminated(0, "Completed"), sidecar],
        init_specs=[{"name": "i0"}, {"name": "i1", "restartPolicy": "Always"}],
        conditions=[{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
    )
    headers, rows = table("pods", [pod], NOW)
    assert rows[0][1:4] == ["2/2", "Running", "1"]


def test_pod_not_ready_container_is_not_counted() -> None:
    assert _cell("pods", _pod([RUNNING, NOT_READY_RUNNING]), "READY") == "1/2"


# ---------------------------------------------------------------------------- RESTARTS


def test_restarts_show_time_since_last_termination() -> None:
    old = {"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T00:50:00Z"}}
    recent = {"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T00:59:45Z"}}
    pod = _pod(
        [
            {**RUNNING, "restartCount": 1, "lastState": old},
            {**RUNNING, "restartCount": 1, "lastState": recent},
        ]
    )
    assert _cell("pods", pod, "RESTARTS") == "2 (15s ago)"


def test_restarts_without_finished_at_have_no_suffix() -> None:
    pod = _pod([{**RUNNING, "restartCount": 3}])
    assert _cell("pods", pod, "RESTARTS") == "3"


def test_restarts_zero() -> None:
    assert _cell("pods", _pod([RUNNING]), "RESTARTS") == "0"


def test_restarts_while_initializing_count_init_containers() -> None:
    last = {"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T00:58:00Z"}}
    init = [{**_waiting("CrashLoopBackOff"), "restartCount": 4, "lastState": last}]
    pod = _pod([_waiting("PodInitializing")], phase="Pending", init=init)
    assert _cell("pods", pod, "RESTARTS") == "4 (2m ago)"


def test_pod_wide_columns() -> None:
    pod = _pod([RUNNING], podIPs=[{"ip": "10.244.1.2"}], nominatedNodeName="n2")
    pod["spec"]["nodeName"] = "n1"
    pod["spec"]["readinessGates"] = [{"conditionType": "example.com/gate"}]
    pod["status"]["conditions"] = [{"type": "example.com/gate", "status": "True"}]
    headers, rows = table("pods", [pod], NOW, wide=True)
    assert headers == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES",
    ]  # fmt: skip
    assert rows[0][4:] == ["60m", "10.244.1.2", "n1", "n2", "1/1"]


# ---------------------------------------------------------------------------- nodes


def _node(ready: str | None, *, unschedulable: bool = False, labels: dict[str, str] | None = None) -> dict:
    conditions = [] if ready is None else [{"type": "Ready", "status": ready}]
    return {
        "metadata": {"name": "n1", "creationTimestamp": CREATED, "labels": labels or {}},
        "spec": {"unschedulable": unschedulable},
        "status": {"conditions": conditions, "nodeInfo": {"kubeletVersion": "v1.31.0"}},
    }


@pytest.mark.parametrize(
    ("node", "status"),
    [
        (_node("True"), "Ready"),
        (_node("False"), "NotReady"),
        (_node("Unknown"), "NotReady"),
        (_node(None), "Unknown"),
        (_node("True", unschedulable=True), "Ready,SchedulingDisabled"),
        (_node("False", unschedulable=True), "NotReady,SchedulingDisabled"),
    ],
)
def test_node_status(node: dict[str, Any], status: str) -> None:
    assert _cell("nodes", node, "STATUS") == status


def test_node_roles() -> None:
    labels = {"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "", "x": "y"}
    assert _cell("nodes", _node("True", labels=labels), "ROLES") == "control-plane,worker"
    assert _cell("nodes", _node("True"), "ROLES") == "<none>"


def test_node_row_and_wide_defaults() -> None:
    headers, rows = table("no", [_node("True")], NOW, wide=True)
    assert headers[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert rows[0] == ["n1", "Ready", "<none>", "60m", "v1.31.0", "<none>", "<none>"] + ["<unknown>"] * 3


# ---------------------------------------------------------------------------- services


def _svc(spec: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"metadata": {"name": "s", "creationTimestamp": CREATED}, "spec": spec, "status": status or {}}


@pytest.mark.parametrize(
    ("ports", "expected"),
    [
        ([{"port": 80, "protocol": "TCP"}], "80/TCP"),
        ([{"port": 80, "nodePort": 30080, "protocol": "TCP"}], "80:30080/TCP"),
        ([{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}], "80/TCP,53/UDP"),
        ([], "<none>"),
    ],
)
def test_service_ports(ports: list[dict[str, Any]], expected: str) -> None:
    assert (
        _cell("svc", _svc({"type": "ClusterIP", "clusterIP": "10.96.0.1", "ports": ports}), "PORT(S)")
        == expected
    )


@pytest.mark.parametrize(
    ("spec", "status", "external"),
    [
        ({"type": "ClusterIP"}, None, "<none>"),
        ({"type": "ClusterIP", "externalIPs": ["1.2.3.4"]}, None, "1.2.3.4"),
        ({"type": "LoadBalancer"}, None, "<pending>"),
        ({"type": "LoadBalancer"}, {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}]}}, "203.0.113.9"),
        ({"type": "ExternalName", "externalName": "db.example.com"}, None, "db.example.com"),
    ],
)
def test_service_external_ip(spec: dict[str, Any], status: dict[str, Any] | None, external: str) -> None:
    assert _cell("services", _svc(spec, status), "EXTERNAL-IP") == external


def test_service_row() -> None:
    svc = _svc({"type": "NodePort", "clusterIPs": ["10.96.0.7"], "ports": [{"port": 80, "nodePort": 30080}],
                "selector": {"tier": "web", "app": "shop"}})  # fmt: skip
    headers, rows = table("service", [svc], NOW, wide=True)
    assert headers == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    assert rows == [["s", "NodePort", "10.96.0.7", "<none>", "80:30080/TCP", "60m", "app=shop,tier=web"]]


# ---------------------------------------------------------------------------- endpoints


def _endpoints(ips: list[str], ports: tuple[int, ...] | None = (80,)) -> dict[str, Any]:
    subset: dict[str, Any] = {"addresses": [{"ip": ip} for ip in ips]}
    if ports:
        subset["ports"] = [{"port": p} for p in ports]
    return {"metadata": {"name": "e", "creationTimestamp": CREATED}, "subsets": [subset] if ips else []}


@pytest.mark.parametrize(
    ("endpoints", "expected"),
    [
        (_endpoints([]), "<none>"),
        (_endpoints(["10.244.1.2", "10.244.2.3"]), "10.244.1.2:80,10.244.2.3:80"),
        (_endpoints(["10.0.0.1", "10.0.0.2", "10.0.0.3"]), "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80"),
        (
            _endpoints(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...",
        ),
        (_endpoints(["10.0.0.1", "10.0.0.2"], [80, 443]), "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more..."),
        (_endpoints(["10.0.0.1"], None), "10.0.0.1"),
        (_endpoints(["fd00::1"]), "[fd00::1]:80"),
    ],
)
def test_endpoints_truncation(endpoints: dict[str, Any], expected: str) -> None:
    assert _cell("ep", endpoints, "ENDPOINTS") == expected


# ---------------------------------------------------------------------------- durations

SEC, MIN, HOUR, DAY = 1000, 60_000, 3_600_000, 86_400_000


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (0, "0s"),
        (999, "0s"),
        (-1999, "0s"),
        (-2000, "<invalid>"),
        (5 * SEC, "5s"),
        (2 * MIN - 1, "119s"),
        (2 * MIN, "2m"),
        (2 * MIN + 30 * SEC, "2m30s"),
        (10 * MIN - 1, "9m59s"),
        (10 * MIN, "10m"),
        (3 * HOUR - 1, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + 5 * MIN, "3h5m"),
        (8 * HOUR - 1, "7h59m"),
        (8 * HOUR, "8h"),
        (48 * HOUR - 1, "47h"),
        (48 * HOUR, "2d"),
        (51 * HOUR, "2d3h"),
        (8 * DAY - 1, "7d23h"),
        (8 * DAY, "8d"),
        (730 * DAY - 1, "729d"),
        (730 * DAY, "2y"),
        (731 * DAY, "2y1d"),
        (8 * 365 * DAY, "8y"),
    ],
)
def test_human_duration_boundaries(ms: int, expected: str) -> None:
    assert human_duration(ms) == expected


@pytest.mark.parametrize(
    ("ms", "expected"),
    [(-2000, "<invalid>"), (-1000, "0s"), (59_999, "59s"), (MIN, "1m"), (HOUR - 1, "59m"), (HOUR, "1h"),
     (DAY, "1d"), (364 * DAY, "364d"), (365 * DAY, "1y")],
)  # fmt: skip
def test_short_human_duration(ms: int, expected: str) -> None:
    assert short_human_duration(ms) == expected


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}


def _parse_human(text: str) -> int:
    parts = re.findall(r"(\d+)([smhdy])", text)
    assert "".join(n + u for n, u in parts) == text, text
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in parts)


@given(st.integers(min_value=0, max_value=20 * 365 * DAY), st.integers(min_value=0, max_value=20 * 365 * DAY))
def test_human_duration_is_a_monotone_truncation(a: int, b: int) -> None:
    """It only ever rounds down, by less than one of the coarsest unit shown, and never goes backwards."""
    lo, hi = sorted((a, b))
    shown_lo, shown_hi = _parse_human(human_duration(lo)), _parse_human(human_duration(hi))
    assert shown_lo * 1000 <= lo
    assert shown_lo <= shown_hi
    leading_unit = _UNIT_SECONDS[re.match(r"\d+([smhdy])", human_duration(lo)).group(1)]  # type: ignore[union-attr]
    assert lo - shown_lo * 1000 < leading_unit * 1000


# ---------------------------------------------------------------------------- jobs


def _job(conditions: list[dict[str, Any]] | None = None, **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "j", "creationTimestamp": CREATED},
        "spec": {"template": {"spec": {"containers": [{"name": "main", "image": "busybox"}]}}, **spec},
        "status": {"conditions": conditions or [], "succeeded": 1, "startTime": "2025-01-01T00:00:05Z"},
    }


@pytest.mark.parametrize(
    ("job", "status"),
    [
        (_job(), "Running"),
        (_job([{"type": "Complete", "status": "True"}]), "Complete"),
        (_job([{"type": "Failed", "status": "True"}]), "Failed"),
        (_job([{"type": "Suspended", "status": "True"}]), "Suspended"),
        (_job([{"type": "FailureTarget", "status": "True"}]), "FailureTarget"),
        (_job([{"type": "Suspended", "status": "False"}]), "Running"),
        (_job([{"type": "FailureTarget", "status": "True"}, {"type": "Failed", "status": "True"}]), "Failed"),
    ],
)
def test_job_status(job: dict[str, Any], status: str) -> None:
    assert _cell("jobs", job, "STATUS") == status


def test_job_terminating_loses_to_complete() -> None:
    job = _job()
    job["metadata"]["deletionTimestamp"] = "2025-01-01T00:59:00Z"
    assert _cell("job", job, "STATUS") == "Terminating"
    job["status"]["conditions"] = [{"type": "Complete", "status": "True"}]
    assert _cell("job", job, "STATUS") == "Complete"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [({"completions": 3}, "1/3"), ({"parallelism": 4}, "1/1 of 4"), ({"parallelism": 1}, "1/1"), ({}, "1/1")],
)
def test_job_completions(spec: dict[str, Any], expected: str) -> None:
    assert _cell("jobs", _job(**spec), "COMPLETIONS") == expected


def test_job_duration_and_wide() -> None:
    job = _job(selector={"matchLabels": {"batch.kubernetes.io/job-name": "j"}})
    assert _cell("jobs", job, "DURATION") == "59m"  # 59m55s since startTime; >= 10m drops the seconds
    job["status"]["completionTime"] = "2025-01-01T00:01:35Z"
    headers, rows = table("jobs", [job], NOW, wide=True)
    assert headers == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert rows[0][3:] == ["90s", "60m", "main", "busybox", "batch.kubernetes.io/job-name=j"]
    del job["status"]["startTime"]
    assert _cell("jobs", job, "DURATION") == ""


# ---------------------------------------------------------------------------- other resources


def test_deployment_and_selector_formatting() -> None:
    dep = {
        "metadata": {"name": "web", "creationTimestamp": CREATED},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "canary"]},
                {"key": "beta", "operator": "DoesNotExist"}]},
            "template": {"spec": {"containers": [{"name": "a", "image": "nginx"},
                                                 {"name": "b", "image": "envoy"}]}},
        },
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    }  # fmt: skip
    headers, rows = table("deploy", [dep], NOW, wide=True)
    assert headers == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert rows[0] == [
        "web",
        "2/3",
        "3",
        "2",
        "60m",
        "a,b",
        "nginx,envoy",
        "app=web,!beta,env in (canary,prod)",
    ]


def test_events_columns_and_object() -> None:
    ev = {
        "metadata": {"name": "p.123"},
        "involvedObject": {"kind": "Pod", "name": "p"},
        "type": "Warning",
        "reason": "BackOff",
        "message": "Back-off restarting failed container\n",
        "firstTimestamp": "2025-01-01T00:50:00Z",
        "lastTimestamp": "2025-01-01T00:59:30Z",
        "count": 4,
        "source": {"component": "kubelet", "host": "n1"},
    }
    headers, rows = table("ev", [ev], NOW)
    assert headers == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert rows == [["30s", "Warning", "BackOff", "pod/p", "Back-off restarting failed container"]]
    _, wide_rows = table("events", [ev], NOW, wide=True)
    assert wide_rows[0][4:] == [
        "",
        "kubelet, n1",
        "Back-off restarting failed container",
        "10m",
        "4",
        "p.123",
    ]


def test_priorityclass_shows_preemption_policy_without_wide() -> None:
    pc = {"metadata": {"name": "high", "creationTimestamp": CREATED}, "value": 1000, "globalDefault": False,
          "preemptionPolicy": "PreemptLowerPriority"}  # fmt: skip
    assert table("pc", [pc], NOW) == (
        ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"],
        [["high", "1000", "false", "60m", "PreemptLowerPriority"]],
    )


def test_hpa_targets() -> None:
    hpa = {
        "metadata": {"name": "h", "creationTimestamp": CREATED},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5,
                 "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                     "type": "Utilization", "averageUtilization": 80}}},
                     {"type": "Resource", "resource": {"name": "memory", "target": {
                         "type": "AverageValue", "averageValue": "100Mi"}}},
                     {"type": "Pods", "pods": {"target": {"averageValue": "1k"}}}]},
        "status": {"currentReplicas": 2, "currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 35}}}]},
    }  # fmt: skip
    assert table("hpa", [hpa], NOW)[1] == [
        ["h", "Deployment/web", "cpu: 35%/80%, memory: <unknown>/100Mi + 1 more...", "1", "5", "2", "60m"]
    ]


def test_pdb_pvc_configmap_namespace_lease() -> None:
    meta = {"name": "x", "creationTimestamp": CREATED}
    assert table("pdb", [{"metadata": meta, "spec": {"minAvailable": "50%"}}], NOW)[1] == [
        ["x", "50%", "N/A", "0", "60m"]
    ]
    pvc = {"metadata": meta, "spec": {"volumeName": "pv-1", "storageClassName": "standard"},
           "status": {"phase": "Bound", "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
                      "capacity": {"storage": "1Gi"}}}  # fmt: skip
    assert table("pvc", [pvc], NOW)[1] == [
        ["x", "Bound", "pv-1", "1Gi", "RWO,RWX", "standard", "<unset>", "60m"]
    ]
    assert table("cm", [{"metadata": meta, "data": {"a": "1", "b": "2"}}], NOW)[1] == [["x", "2", "60m"]]
    assert table("ns", [{"metadata": meta, "status": {"phase": "Active"}}], NOW)[1] == [
        ["x", "Active", "60m"]
    ]
    assert table("leases", [{"metadata": meta, "spec": {"holderIdentity": "kcm-1"}}], NOW)[1] == [
        ["x", "kcm-1", "60m"]
    ]


def test_missing_creation_timestamp_is_unknown() -> None:
    assert table("cm", [{"metadata": {"name": "x"}}], NOW)[1] == [["x", "0", "<unknown>"]]


POD_STATES = [RUNNING, NOT_READY_RUNNING, _waiting("CrashLoopBackOff"), _terminated(1, "Error"),
              _terminated(0, "Completed"), _terminated(2), {"state": {}}]  # fmt: skip


@given(
    st.lists(
        st.sampled_from(POD_STATES),
        max_size=4,
    ),
    st.booleans(),
)
def test_every_pod_row_matches_header(statuses: list[dict[str, Any]], wide: bool) -> None:
    pod = _pod([dict(s) for s in statuses])
    headers, rows = table("pods", [pod, pod], NOW, wide=wide)
    assert all(len(row) == len(headers) for row in rows)
    assert rows[0][1].endswith(f"/{len(statuses)}")


# ---------------------------------------------------------------------------- names and rendering


def test_canonical_resource() -> None:
    assert canonical_resource("po") == "pods"
    assert canonical_resource("Deploy") == "deployments"
    assert canonical_resource("deployments.apps") == "deployments"
    assert canonical_resource("hpa") == "horizontalpodautoscalers"
    assert set(RESOURCE_ALIASES.values()) >= {"endpointslices", "leases", "secrets", "priorityclasses"}
    with pytest.raises(ValueError, match=r'^the server doesn\'t have a resource type "widgets"$'):
        canonical_resource("widgets")
    with pytest.raises(ValueError):
        canonical_resource("deployments.batch")


def test_render_matches_kubectl_tabwriter() -> None:
    headers = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = [["nginx", "1/1", "Running", "0", "5s"], ["a", "0/1", "Init:0/1", "2 (15s ago)", "10m"]]
    assert render(headers, rows) == (
        "NAME    READY   STATUS     RESTARTS      AGE\n"
        "nginx   1/1     Running    0             5s\n"
        "a       0/1     Init:0/1   2 (15s ago)   10m"
    )


def test_render_min_width_and_cell_truncation() -> None:
    assert render(["A", "B"], [["x", "line one\nline two"]]) == "A     B\nx     line one..."
    assert render(["NAME"], []) == ""
