"""A simulated etcd cluster under the API server: Raft members, their network, and the store they back.

The Raft model (``kspec.etcd.store``) is imported when first asked for: a cluster on the in-memory store
only reads a constant of ``kspec.etcd.client``, and importing the model cost every cold start milliseconds.
"""

from __future__ import annotations

from typing import Any

__all__ = ["NAME", "EtcdStore"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kspec.etcd import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
