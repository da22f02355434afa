"""kubernetes pkg/kubelet/envvars/envvars_test.go: docker-link style variables from Services."""

from __future__ import annotations

import pytest

from kspec.kubelet.envvars import service_env
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/kubelet/envvars/envvars_test.go"


def svc(name: str, ip: str, *ports: tuple[str, int, str]) -> dict:
    return {"metadata": {"name": name}, "spec": {"selector": {"bar": "baz"}, "clusterIP": ip, "ports": [
        {**({"name": n} if n else {}), "port": p, "protocol": proto} for n, p, proto in ports]}}


def link(prefix: str, ip: str, port: int, proto: str) -> list[tuple[str, str]]:
    base = f"{prefix}_PORT_{port}_{proto.upper()}"
    return [(base, f"{proto}://{ip}:{port}"), (f"{base}_PROTO", proto), (f"{base}_PORT", str(port)),
            (f"{base}_ADDR", ip)]


SERVICES = [
    svc("foo-bar", "1.2.3.4", ("", 8080, "TCP")),
    svc("abc-123", "5.6.7.8", ("u-d-p", 8081, "UDP"), ("t-c-p", 8081, "TCP")),
    svc("q-u-u-x", "9.8.7.6", ("", 8082, "TCP"), ("8083", 8083, "TCP")),
    svc("svrc-clusterip-none", "None", ("", 8082, "TCP")),
    svc("svrc-clusterip-empty", "", ("", 8082, "TCP")),
]
EXPECTED = [
    ("FOO_BAR_SERVICE_HOST", "1.2.3.4"), ("FOO_BAR_SERVICE_PORT", "8080"), ("FOO_BAR_PORT", "tcp://1.2.3.4:8080"),
    *link("FOO_BAR", "1.2.3.4", 8080, "tcp"),
    ("ABC_123_SERVICE_HOST", "5.6.7.8"), ("ABC_123_SERVICE_PORT", "8081"), ("ABC_123_SERVICE_PORT_U_D_P", "8081"),
    ("ABC_123_SERVICE_PORT_T_C_P", "8081"), ("ABC_123_PORT", "udp://5.6.7.8:8081"),
    *link("ABC_123", "5.6.7.8", 8081, "udp"), *link("ABC_123", "5.6.7.8", 8081, "tcp"),
    ("Q_U_U_X_SERVICE_HOST", "9.8.7.6"), ("Q_U_U_X_SERVICE_PORT", "8082"), ("Q_U_U_X_SERVICE_PORT_8083", "8083"),
    ("Q_U_U_X_PORT", "tcp://9.8.7.6:8082"),
    *link("Q_U_U_X", "9.8.7.6", 8082, "tcp"), *link("Q_U_U_X", "9.8.7.6", 8083, "tcp"),
]
CASES = [case("TestFromServices", "TestFromServices", services=SERVICES, want=EXPECTED)]


@pytest.mark.parametrize("data", CASES)
def test_from_services(data: dict) -> None:
    got = service_env(data["services"])
    assert len(got) == len(data["want"])
    assert got == dict(data["want"])
    # per service, the variables come in upstream's order (kspec orders the services by name)
    for prefix in ("FOO_BAR_", "ABC_123_", "Q_U_U_X_"):
        assert [k for k in got if k.startswith(prefix)] == [k for k, _ in data["want"] if k.startswith(prefix)]
