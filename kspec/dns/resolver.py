"""glibc's stub resolver walking the search list (resolv/res_query.c ``__res_context_search``).

A name with at least ``ndots`` dots (or a trailing dot) is tried as it is
first; otherwise each search domain is appended in turn and the bare name is
tried last. The first answer with records (a CNAME counts) ends the walk.
"""

from __future__ import annotations

from collections.abc import Callable

from kspec.dns.message import NOERROR, Response, fqdn
from kspec.dns.resolvconf import ResolvConf

Query = Callable[[str], Response]


def candidates(name: str, conf: ResolvConf) -> list[str]:
    """The absolute names a lookup of ``name`` tries, in order (until one answers)."""
    if name.endswith("."):
        return [name]
    dots = name.count(".")
    out: list[str] = []
    if dots >= conf.ndots:
        out.append(fqdn(name))
    out += [fqdn(f"{name}.{domain.rstrip('.')}") for domain in conf.searches]
    if dots < conf.ndots:
        out.append(fqdn(name))
    return out


def search(name: str, conf: ResolvConf, query: Query) -> Response | None:
    """The response that ends the walk, or None when every candidate failed (NXDOMAIN or NODATA)."""
    for candidate in candidates(name, conf):
        response = query(candidate)
        if response.has_answer:
            return response
        if response.rcode not in (NOERROR, "NXDOMAIN", "SERVFAIL"):
            return None
    return None
