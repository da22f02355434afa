"""``kspec serve --dns``: the cluster DNS (kspec/dns, CoreDNS's plugin chain) on a loopback UDP and TCP port.

dnspython reads and writes the wire format (the ``clients`` extra brings it). Each query is answered on the
simulation thread, through the same ``CoreDNS.serve`` the DNS steps query, so ``dig @127.0.0.1 -p PORT
web.default.svc.cluster.local +short`` prints what ``Then the DNS A records of ...`` sees. Queries are
FQDNs: no search path is applied (a pod's resolver does that, not the server).
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kspec.cluster import Cluster
    from kspec.dns.message import Response

#: CoreDNS's kubernetes plugin SOA for its zone: ns.dns.<zone>. hostmaster.<zone>. serial 7200 1800 86400 ttl
#: (plugin/kubernetes ``Kubernetes.Serial``/``pkg/dnsutil`` SOA); sent with NXDOMAIN and NODATA answers
_ZONE = "cluster.local."
_SOA = "ns.dns.cluster.local. hostmaster.cluster.local. {serial} 7200 1800 86400 {ttl}"


def _dnspython() -> Any:
    try:
        import dns.flags
        import dns.message
        import dns.rcode
        import dns.rdataclass
        import dns.rdatatype
        import dns.rrset
    except ImportError:
        raise SystemExit("kspec serve --dns needs dnspython: pip install 'kspec[clients]' (or pip install "
                         "dnspython)") from None
    return dns


def answer(wire: bytes, serve: Callable[[str, str], Response], serial: int = 0) -> bytes:
    """The reply to one query in wire format; ``serve(name, qtype)`` is CoreDNS.serve on the simulation thread."""
    dns = _dnspython()
    try:
        query = dns.message.from_wire(wire)
    except Exception:  # noqa: BLE001 - any undecodable packet: FORMERR with the id, as a server answers it
        if len(wire) < 2:
            return b""
        return wire[:2] + struct.pack("!HHHHH", 0x8001, 0, 0, 0, 0)
    reply = dns.message.make_response(query)
    reply.flags |= dns.flags.AA | dns.flags.RA
    if not query.question:
        reply.set_rcode(dns.rcode.FORMERR)
        return reply.to_wire()
    question = query.question[0]
    name = question.name.to_text()
    qtype = dns.rdatatype.to_text(question.rdtype)
    try:
        response = serve(name, qtype)
    except Exception:  # noqa: BLE001 - a query the simulation cannot answer: SERVFAIL, as CoreDNS does
        reply.set_rcode(dns.rcode.SERVFAIL)
        return reply.to_wire()
    reply.set_rcode(dns.rcode.from_text(response.rcode))
    for section, records in ((reply.answer, response.answer), (reply.additional, response.extra)):
        for rr in records:
            rrset = dns.rrset.from_text(rr.name if rr.name.endswith(".") else rr.name + ".", rr.ttl,
                                        dns.rdataclass.IN, rr.rtype, rr.data)
            section.append(rrset)
    if not response.answer and name.lower().endswith(_ZONE):
        soa = _SOA.format(serial=serial, ttl=response.ttl or 5)
        reply.authority.append(dns.rrset.from_text(_ZONE, response.ttl or 5, dns.rdataclass.IN, "SOA", soa))
    return reply.to_wire(max_size=65535)


class DnsServer:
    """UDP and TCP on 127.0.0.1:``port`` (0: a free port, the same for both); ``start`` then ``stop``."""

    def __init__(self, cluster: Cluster, call: Callable[[Callable[[], Any]], Any], port: int = 0) -> None:
        _dnspython()
        self.cluster = cluster
        self.call = call
        udp_handler, tcp_handler = _handlers(self)
        for _ in range(20):  # port 0: the UDP port's number may be taken on TCP; try another
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", port), udp_handler)
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", udp.server_address[1]), tcp_handler,
                                                      bind_and_activate=False)
                tcp.allow_reuse_address = True
                tcp.server_bind()
                tcp.server_activate()
            except OSError:
                udp.server_close()
                if port:
                    raise
                continue
            break
        else:  # pragma: no cover - twenty taken ports in a row
            raise OSError("no free port for the DNS server")
        udp.daemon_threads = tcp.daemon_threads = True
        self.udp, self.tcp = udp, tcp
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return int(self.udp.server_address[1])

    def resolve(self, wire: bytes) -> bytes:
        """Answer one packet; the cluster is read on the simulation thread."""
        def serve(name: str, qtype: str) -> Response:
            dns = self.cluster.require("dns", "cluster DNS")
            return self.call(lambda: dns.serve(name, qtype))
        return answer(wire, serve, serial=self.cluster.clock.now // 1000)

    def start(self) -> DnsServer:
        for srv in (self.udp, self.tcp):
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                                 name="kspec-dns")
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for srv in (self.udp, self.tcp):
            srv.shutdown()
            srv.server_close()
        for t in self._threads:
            t.join(timeout=5)


def _handlers(server: DnsServer) -> tuple[type[socketserver.BaseRequestHandler], type[socketserver.BaseRequestHandler]]:
    class Udp(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data, sock = self.request
            out = server.resolve(data)
            if len(out) > _udp_limit(data):  # too large for UDP: truncated, and the client asks again on TCP
                out = _question_only(data)
            if out:
                sock.sendto(out, self.client_address)

    class Tcp(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                head = self.rfile.read(2)
                if len(head) < 2:
                    return
                (length,) = struct.unpack("!H", head)
                out = server.resolve(self.rfile.read(length))
                if not out:
                    return
                self.wfile.write(struct.pack("!H", len(out)) + out)
                self.wfile.flush()

    return Udp, Tcp


def _udp_limit(query: bytes) -> int:
    """512 bytes, or the larger payload the query's EDNS option offers (dig offers 1232)."""
    dns = _dnspython()
    try:
        msg = dns.message.from_wire(query)
    except Exception:  # noqa: BLE001 - an undecodable query got a 12-byte FORMERR
        return 512
    return max(512, msg.payload if msg.edns >= 0 else 512)


def _question_only(query: bytes) -> bytes:
    """A truncated (TC) reply carrying only the question, as servers answer an oversized UDP query."""
    dns = _dnspython()
    reply = dns.message.make_response(dns.message.from_wire(query))
    reply.flags |= dns.flags.AA | dns.flags.RA | dns.flags.TC
    return reply.to_wire()
