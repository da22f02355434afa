"""Registers the etcd Raft model as the store called "etcd" (imported only when a cluster asks for it)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from kspec.hookspec import hookimpl

if TYPE_CHECKING:
    from kspec.etcd import EtcdStore

NAME = "etcd"  # kspec.etcd.store.NAME


@hookimpl
def kspec_component_names(component: str) -> list[str]:
    return [NAME] if component == "store" else []


@hookimpl
def kspec_make_store(name: str, cluster: Any) -> EtcdStore | None:
    if name != NAME:
        return None
    from kspec.etcd.store import DEFAULT_MEMBERS, EtcdStore

    return EtcdStore(cluster.clock, cluster.rng, cluster.etcd_members or DEFAULT_MEMBERS)


@hookimpl
def kspec_cluster_started(cluster: Any) -> None:
    """The members tick only in the store the cluster ended up with (a replaced one stays silent)."""
    etcd = sys.modules.get("kspec.etcd.store")  # not imported: the store cannot be etcd's
    if etcd is not None and isinstance(cluster.store, etcd.EtcdStore):
        cluster.store.start()
        cluster.api.watch_cache.start()  # kube-apiserver's cacher follows etcd's leader (monitorLeader)
