"""kspec's hook specifications (pluggy, project name ``kspec``).

Every built-in component is registered through these hooks exactly as a
third-party plugin registers its own. Component factories are ``firstresult``:
each plugin answers for the names it provides and returns None otherwise.
A plugin is a module or object with ``@hookimpl`` functions, installed through
the ``kspec`` entry-point group or registered with ``Cluster(plugins=[...])``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from kspec.cluster import Cluster

hookspec = pluggy.HookspecMarker("kspec")
hookimpl = pluggy.HookimplMarker("kspec")

#: The swappable components, each chosen by name.
COMPONENTS = ("store", "scheduler", "proxy", "dns", "runtime", "loadbalancer", "network", "ingress",
              "storage")


@hookspec
def kspec_component_names(component: str) -> list[str]:
    """Names of the implementations of ``component`` (one of COMPONENTS) that this plugin provides."""


@hookspec(firstresult=True)
def kspec_make_store(name: str, cluster: Cluster) -> Any:
    """Return the storage under the API server (a ``kspec.store.Store``) if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_scheduler(name: str, cluster: Cluster) -> Any:
    """Return a scheduler (an object with ``start()``) if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_proxy(name: str, cluster: Cluster) -> Any:
    """Return a service proxy (kube-proxy's provider interface) if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_dns(name: str, cluster: Cluster) -> Any:
    """Return the cluster DNS server if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_runtime(name: str, cluster: Cluster) -> Any:
    """Return the node agent (kubelets and their container runtime) if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_loadbalancer(name: str, cluster: Cluster) -> Any:
    """Return the implementation of LoadBalancer Services (an object with ``start()``) if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_network(name: str, cluster: Cluster) -> Any:
    """Return the pod network (CNI) if ``name`` is yours.

    kube-proxy asks its ``allows(src_ip, src_pod, dst_ip, dst_pod, port, protocol)`` about every connection
    that reaches a pod (after DNAT), and ``allows_dns(src_ip, src_pod, server_ip)`` before a name is looked
    up; False drops the packet (NetworkPolicy), so the client times out.
    """


@hookspec(firstresult=True)
def kspec_make_ingress(name: str, cluster: Cluster) -> Any:
    """Return the ingress controller (an object with ``start()`` and ``request()``) if ``name`` is yours."""


@hookspec(firstresult=True)
def kspec_make_storage(name: str, cluster: Cluster) -> Any:
    """Return the storage provisioner (the default StorageClass, dynamic provisioning; ``start()``) if ``name`` is
    yours."""


@hookspec
def kspec_scheduler_plugins(registry: Any) -> None:
    """Register scheduling-framework plugins with ``registry.register(cls)`` (or ``registry.replace``).

    A registered plugin is enabled by name in a KubeSchedulerConfiguration profile.
    """


@hookspec
def kspec_controllers(cluster: Cluster) -> list[Any]:
    """Controllers to run, as kube-controller-manager does: objects with ``NAME`` and ``start()``."""


@hookspec
def kspec_cluster_started(cluster: Cluster) -> None:
    """Called once every component of a new cluster has started."""
