"""``kspec serve --dns``: dnspython's resolver (and dig, when installed) against the served cluster DNS."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kspec.cluster import Cluster
from kspec.serve import Server
from kspec.serve.dns import DnsServer

try:
    DNSPYTHON = importlib.metadata.distribution("dnspython")
except importlib.metadata.PackageNotFoundError:
    pytest.skip("dnspython is not installed (pip install kspec[clients])", allow_module_level=True)


def _dnspython() -> Any:
    """dnspython's ``dns`` package, even where the test directory tests/dns/ took the name ``dns`` first
    (pytest puts tests/ on sys.path); called while tests run, after every module was collected."""
    loaded = sys.modules.get("dns")
    if loaded is None or not str(getattr(loaded, "__file__", "")).startswith(str(DNSPYTHON.locate_file("dns"))):
        init = Path(str(DNSPYTHON.locate_file("dns/__init__.py")))
        spec = importlib.util.spec_from_file_location("dns", init, submodule_search_locations=[str(init.parent)])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["dns"] = module
        spec.loader.exec_module(module)
    for name in ("message", "query", "rcode", "resolver"):
        importlib.import_module(f"dns.{name}")
    return sys.modules["dns"]


WEB = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-0, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx}]
"""


@pytest.fixture(name="dns")
def dns_fixture() -> Any:
    return _dnspython()


@pytest.fixture
def cluster_dns(dns: Any) -> Iterator[tuple[Cluster, int]]:
    cluster = Cluster(nodes=1)
    cluster.apply(WEB)
    cluster.settle()
    server = Server(cluster, speed=0.0).start()
    dns_server = DnsServer(cluster, server.call).start()
    try:
        yield cluster, dns_server.port
    finally:
        dns_server.stop()
        server.stop()


def _resolver(port: int) -> Any:
    r = _dnspython().resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.lifetime = 5.0
    return r


def test_a_srv_ptr_txt_answer_what_the_dns_steps_see(cluster_dns: tuple[Cluster, int], dns: Any) -> None:
    cluster, port = cluster_dns
    r = _resolver(port)
    cluster_ip = [a.to_text() for a in r.resolve("web.default.svc.cluster.local.", "A")]
    assert cluster_ip == cluster.dns_records("A", "web.default.svc.cluster.local") != []
    assert cluster_ip == [cluster.api.get("services", "web", "default")["spec"]["clusterIP"]]
    srv = [a.to_text() for a in r.resolve("_http._tcp.web.default.svc.cluster.local.", "SRV")]
    assert srv == cluster.dns_records("SRV", "_http._tcp.web.default.svc.cluster.local")
    assert srv[0].endswith(" 80 web.default.svc.cluster.local.")
    reverse = ".".join(reversed(cluster_ip[0].split("."))) + ".in-addr.arpa."
    assert [a.to_text() for a in r.resolve(reverse, "PTR")] == ["web.default.svc.cluster.local."]
    txt = [a.to_text() for a in r.resolve("dns-version.cluster.local.", "TXT")]
    assert txt == cluster.dns_records("TXT", "dns-version.cluster.local") == ['"1.1.0"']


def test_nxdomain_with_the_zone_soa_over_udp_and_tcp(cluster_dns: tuple[Cluster, int], dns: Any) -> None:
    _, port = cluster_dns
    query = dns.message.make_query("nope.default.svc.cluster.local.", "A")
    for send in (dns.query.udp, dns.query.tcp):
        reply = send(query, "127.0.0.1", port=port, timeout=5)
        assert reply.rcode() == dns.rcode.NXDOMAIN
        assert reply.answer == []
        assert reply.authority[0].to_text().split()[3:5] == ["SOA", "ns.dns.cluster.local."]
    # no search path on the server: a short name is looked up as written, outside the cluster
    reply = dns.query.udp(dns.message.make_query("web.", "A"), "127.0.0.1", port=port, timeout=5)
    assert reply.rcode() == dns.rcode.NXDOMAIN


def test_tcp_answers_the_a_record_too(cluster_dns: tuple[Cluster, int], dns: Any) -> None:
    cluster, port = cluster_dns
    reply = dns.query.tcp(dns.message.make_query("web.default.svc.cluster.local.", "A"), "127.0.0.1", port=port,
                          timeout=5)
    assert [rd.to_text() for rd in reply.answer[0]] == cluster.dns_records("A", "web.default.svc.cluster.local")


# CI installs dig and sets KSPEC_REQUIRE_DIG=1: there a missing dig fails instead of skipping
@pytest.mark.skipif(shutil.which("dig") is None and not os.environ.get("KSPEC_REQUIRE_DIG"),
                    reason="dig is not installed")
def test_dig_short_prints_the_cluster_ip(cluster_dns: tuple[Cluster, int], dns: Any) -> None:
    cluster, port = cluster_dns
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "web.default.svc.cluster.local", "+short"],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    assert out.split() == cluster.dns_records("A", "web.default.svc.cluster.local")


def test_serve_dns_prints_the_port_and_answers(tmp_path: Path, dns: Any) -> None:
    import signal

    proc = subprocess.Popen([sys.executable, "-m", "kspec.cli", "serve", "--nodes", "1", "--paused", "--dns",
                             "--kubeconfig", str(tmp_path / "kubeconfig")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        assert lines[1].startswith("dns: 127.0.0.1 port ")
        port = int(lines[1].split()[3])
        assert f"dig @127.0.0.1 -p {port} kubernetes.default.svc.cluster.local +short" in lines[1]
        answer = _resolver(port).resolve("kubernetes.default.svc.cluster.local.", "A")
        assert [a.to_text() for a in answer] == ["10.96.0.1"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_without_dnspython_the_message_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from kspec.serve import dns as served_dns

    for name in [m for m in sys.modules if m == "dns" or m.startswith("dns.")]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(SystemExit, match=r"kspec serve --dns needs dnspython: pip install 'kspec\[clients\]'"):
        served_dns.answer(b"", lambda name, qtype: None)  # type: ignore[arg-type, return-value]
