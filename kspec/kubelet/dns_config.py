"""A pod's /etc/resolv.conf (pkg/kubelet/network/dns dns.go GetPodDNS).

ClusterFirst points at the cluster DNS with the namespace search list and
``ndots:5``; Default copies the node's resolver; None takes only dnsConfig.
dnsConfig is merged into any policy (appendDNSConfig).
"""

from __future__ import annotations

from kspec.objects import Obj

CLUSTER_DNS = "10.96.0.10"
CLUSTER_DOMAIN = "cluster.local"
#: the node's own /etc/resolv.conf (what dnsPolicy Default inherits)
HOST_NAMESERVERS = ("172.18.0.1",)
HOST_SEARCHES: tuple[str, ...] = ()
DEFAULT_OPTIONS = ("ndots:5",)  # defaultDNSOptions
MAX_SEARCH_PATHS = 32  # validation.MaxDNSSearchPaths
MAX_NAMESERVERS = 3  # validation.MaxDNSNameservers


def _dedup(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


def _merge_options(base: list[str], extra: list[dict]) -> list[str]:
    """mergeDNSOptions: later options with the same name replace earlier ones."""
    order: list[str] = []
    values: dict[str, str] = {}
    for opt in base:
        name, sep, value = opt.partition(":")
        if name not in values:
            order.append(name)
        values[name] = f"{name}:{value}" if sep else name
    for opt in extra:
        name = opt.get("name", "")
        if name not in values:
            order.append(name)
        values[name] = f"{name}:{opt['value']}" if opt.get("value") is not None else name
    return [values[n] for n in order]


def pod_dns(pod: Obj, domain: str = CLUSTER_DOMAIN, cluster_dns: str = CLUSTER_DNS
            ) -> tuple[list[str], list[str], list[str]]:
    """(nameservers, searches, options) for the pod."""
    spec = pod.get("spec", {})
    policy = spec.get("dnsPolicy", "ClusterFirst")
    if policy == "ClusterFirstWithHostNet" and not spec.get("hostNetwork"):
        policy = "ClusterFirst"
    elif policy == "ClusterFirst" and spec.get("hostNetwork"):
        policy = "Default"  # getPodDNSType: ClusterFirst on the host network falls back
    elif policy == "ClusterFirstWithHostNet":
        policy = "ClusterFirst"
    ns = pod["metadata"].get("namespace", "default")
    if policy == "ClusterFirst":
        servers = [cluster_dns]
        # generateSearchesForDNSClusterFirst
        searches = [f"{ns}.svc.{domain}", f"svc.{domain}", domain, *HOST_SEARCHES]
        options = list(DEFAULT_OPTIONS)
    elif policy == "Default":
        servers, searches, options = list(HOST_NAMESERVERS), list(HOST_SEARCHES), []
    else:  # None
        servers, searches, options = [], [], []
    cfg = spec.get("dnsConfig") or {}
    servers = _dedup([*servers, *(cfg.get("nameservers") or [])])[:MAX_NAMESERVERS]
    searches = _dedup([*searches, *(cfg.get("searches") or [])])[:MAX_SEARCH_PATHS]
    options = _merge_options(options, cfg.get("options") or [])
    return servers, searches, options


def resolv_conf(pod: Obj, domain: str = CLUSTER_DOMAIN, cluster_dns: str = CLUSTER_DNS) -> str:
    servers, searches, options = pod_dns(pod, domain, cluster_dns)
    lines = [f"nameserver {s}" for s in servers]
    if searches:
        lines.append("search " + " ".join(searches))
    if options:
        lines.append("options " + " ".join(options))
    return "\n".join(lines) + "\n"
