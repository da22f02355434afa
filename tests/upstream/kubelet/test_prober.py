"""kubernetes pkg/kubelet/prober/prober_test.go: resolving a probe's port (probe.ResolveContainerPort)."""

from __future__ import annotations

import pytest

from kspec.kubelet.probes import failure_output, resolve_container_port
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/prober/prober_test.go"

CONTAINER = {"ports": [{"name": "found", "containerPort": 93}]}
# (host, port, path, ok, want host, want port, want path); upstream indexes its cases
URL = [("", -1, "", False, "", -1, ""), ("", "", "", False, "", -1, ""), ("", "-1", "", False, "", -1, ""),
       ("", "not-found", "", False, "", -1, ""), ("", "found", "", True, "127.0.0.1", 93, ""),
       ("", 76, "", True, "127.0.0.1", 76, ""), ("", "118", "", True, "127.0.0.1", 118, ""),
       ("hostname", 76, "path", True, "hostname", 76, "path")]
URL_CASES = [case("TestGetURLParts", f"case {i}", probe={"host": h, "port": p, "path": path}, ok=ok,
                  want=(wh, wp, wpath)) for i, (h, p, path, ok, wh, wp, wpath) in enumerate(URL)]


@pytest.mark.parametrize("data", URL_CASES)
def test_get_url_parts(data: dict) -> None:
    probe = data["probe"]
    host = probe["host"] or "127.0.0.1"  # the pod IP when the probe names no host
    if not data["ok"]:
        with pytest.raises(ValueError):
            resolve_container_port(probe["port"], CONTAINER)
        return
    assert (host, resolve_container_port(probe["port"], CONTAINER), probe["path"]) == data["want"]


TCP = [(-1, False, -1), ("", False, -1), ("-1", False, -1), ("not-found", False, -1), ("found", True, 93),
       (76, True, 76), ("118", True, 118)]
TCP_CASES = [case("TestGetTCPAddrParts", f"case {i}", port=p, ok=ok, want=w) for i, (p, ok, w) in enumerate(TCP)]


@pytest.mark.parametrize("data", TCP_CASES)
def test_get_tcp_addr_parts(data: dict) -> None:
    if not data["ok"]:
        with pytest.raises(ValueError):
            resolve_container_port(data["port"], CONTAINER)
        return
    assert resolve_container_port(data["port"], CONTAINER) == data["want"]
    # the kubelet dials the resolved port, which is what a failing probe reports
    assert failure_output({"tcpSocket": {"port": data["port"]}}, "1.2.3.4", container=CONTAINER) == (
        f"dial tcp 1.2.3.4:{data['want']}: connect: connection refused")
