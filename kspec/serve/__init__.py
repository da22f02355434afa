"""``kspec serve``: a Kubernetes-compatible HTTP endpoint over a simulated cluster, for real clients."""

from kspec.serve.http import Server
from kspec.serve.kubeconfig import write_kubeconfig

__all__ = ["Server", "write_kubeconfig"]
