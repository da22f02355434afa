"""Host and path matching of Ingress rules, as the Ingress API defines it and ingress-nginx implements it.

- ``Exact`` matches the whole URL path, case-sensitively.
- ``Prefix`` matches by path elements split on ``/``: ``/foo`` matches ``/foo``, ``/foo/`` and ``/foo/bar``
  but not ``/foobar``; a trailing ``/`` in the rule is ignored; ``/`` matches every path.
- ``ImplementationSpecific``: ingress-nginx writes such a path as a plain nginx ``location /foo`` (a prefix of
  characters, without the element-wise ``location = /foo`` + ``location /foo/`` pair it writes for
  ``Prefix``), so ``/foo`` also matches ``/foobar``.
- Of several matches the longest path wins; on a tie ``Exact`` before ``Prefix`` (nginx's ``location =``
  wins over every prefix location).
- A host is exact (``shop.example.com``) or a wildcard (``*.example.com``) whose ``*`` stands for exactly one
  DNS label: it matches ``a.example.com``, not ``example.com`` nor ``a.b.example.com``. nginx's server_name
  order: an exact name first, then a wildcard, then the catch-all server of the rules without a host.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

#: a path match's rank among the types on equal length (lower wins)
_TYPE_RANK = {"Exact": 0, "Prefix": 1, "ImplementationSpecific": 1}


def path_matches(path_type: str, rule: str, path: str) -> bool:
    """Whether a request for ``path`` matches the rule path ``rule`` of ``path_type``."""
    rule = rule or "/"
    if path_type == "Exact":
        return path == rule
    if path_type == "Prefix":
        want = [e for e in rule.split("/") if e]
        have = [e for e in path.split("/") if e]
        return have[:len(want)] == want
    return path.startswith(rule)  # ImplementationSpecific: an nginx string prefix


def best_path(candidates: Iterable[tuple[str, str, T]], path: str) -> T | None:
    """The value of the best match among ``(pathType, rule path, value)``: longest first, Exact before Prefix,
    then the earliest given (ingress-nginx keeps the oldest Ingress's path when two claim the same one)."""
    best: tuple[int, int, int] | None = None
    found: T | None = None
    for i, (path_type, rule, value) in enumerate(candidates):
        if not path_matches(path_type, rule, path):
            continue
        norm = (rule or "/").rstrip("/") if path_type == "Prefix" else (rule or "/")
        rank = (-len(norm), _TYPE_RANK.get(path_type, 1), i)
        if best is None or rank < best:
            best, found = rank, value
    return found


def host_matches(rule_host: str, host: str) -> bool:
    """An exact host, or a wildcard ``*.rest`` whose ``*`` is exactly one DNS label."""
    host = host.lower().rstrip(".")
    if rule_host.startswith("*."):
        label, dot, rest = host.partition(".")
        return bool(label) and bool(dot) and rest == rule_host[2:]
    return rule_host == host


def best_host(hosts: Iterable[str], host: str) -> str | None:
    """The server a request for ``host`` lands on: an exact name, else the longest matching wildcard, else
    None (the catch-all server)."""
    names = list(hosts)
    if host.lower() in names:
        return host.lower()
    wild = sorted((h for h in names if h.startswith("*.") and host_matches(h, host)), key=len, reverse=True)
    return wild[0] if wild else None
