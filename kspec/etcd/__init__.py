"""A simulated etcd cluster under the API server: Raft members, their network, and the store they back."""

from kspec.etcd.store import NAME, EtcdStore

__all__ = ["NAME", "EtcdStore"]
