"""kube-proxy's pod IP index: the one update handler leaves the map as unindexing the old pod and indexing the
new one did, for every IP and hostNetwork change and every prior entry."""

from __future__ import annotations

import itertools
from typing import Any

from kspec.proxy.kubeproxy import KubeProxy


def _pod(ip: str | None, host_network: bool) -> dict[str, Any]:
    pod: dict[str, Any] = {"metadata": {"name": "web", "namespace": "default"},
                           "spec": {"hostNetwork": True} if host_network else {}, "status": {}}
    if ip is not None:
        pod["status"]["podIP"] = ip
    return pod


def _proxy(entries: dict[str, tuple[str, str]]) -> KubeProxy:
    proxy = KubeProxy.__new__(KubeProxy)
    proxy._pods_by_ip = dict(entries)
    return proxy


def test_update_is_unindex_then_index() -> None:
    ips = (None, "", "10.0.0.2", "10.0.0.3")
    priors = ({}, {"10.0.0.2": ("default", "web")}, {"10.0.0.2": ("default", "other")},
              {"10.0.0.2": ("default", "web"), "10.0.0.3": ("default", "other")})
    for old_ip, new_ip, old_hn, new_hn, prior in itertools.product(ips, ips, (False, True), (False, True), priors):
        old, new = _pod(old_ip, old_hn), _pod(new_ip, new_hn)
        one, two = _proxy(prior), _proxy(prior)
        one._reindex_pod(old, new)
        two._unindex_pod(old)
        two._index_pod(new)
        assert one._pods_by_ip == two._pods_by_ip, (old_ip, new_ip, old_hn, new_hn, prior)
