"""Registers the etcd Raft model as the store called "etcd"."""

from __future__ import annotations

from typing import Any

from kspec.etcd import NAME, EtcdStore
from kspec.etcd.store import DEFAULT_MEMBERS
from kspec.hookspec import hookimpl


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "store" else []


@hookimpl
def kspec_make_store(name: str, cluster: Any) -> EtcdStore | None:
    if name != NAME:
        return None
    return EtcdStore(cluster.clock, cluster.rng, cluster.etcd_members or DEFAULT_MEMBERS)


@hookimpl
def kspec_cluster_started(cluster: Any) -> None:
    """The members tick only in the store the cluster ended up with (a replaced one stays silent)."""
    if isinstance(cluster.store, EtcdStore):
        cluster.store.start()
        cluster.api.watch_cache.start()  # kube-apiserver's cacher follows etcd's leader (monitorLeader)
