"""A pod's /etc/resolv.conf, by the kubelet's rules (pkg/kubelet/network/dns/dns.go ``GetPodDNS``).

ClusterFirst: the cluster DNS, search ``<ns>.svc.<domain> svc.<domain>
<domain>`` then the node's own search domains, ``options ndots:5``. A pod on
the host network with ClusterFirst, and ``Default``, inherit the node's
resolver; ``None`` starts empty. ``dnsConfig`` is appended to any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kspec.objects import Obj

CLUSTER_DOMAIN = "cluster.local"
#: the node's /etc/resolv.conf, what dnsPolicy Default inherits (a kind node's Docker network gateway)
HOST_NAMESERVERS: tuple[str, ...] = ("172.18.0.1",)
HOST_SEARCHES: tuple[str, ...] = ()
HOST_OPTIONS: tuple[str, ...] = ()
DEFAULT_DNS_OPTIONS = ("ndots:5",)  # defaultDNSOptions
MAX_DNS_SEARCH_PATHS = 32  # validation.MaxDNSSearchPaths
MAX_DNS_SEARCH_LIST_CHARS = 2048  # validation.MaxDNSSearchListChars
MAX_DNS_NAMESERVERS = 3  # validation.MaxDNSNameservers
DEFAULT_NDOTS = 1  # glibc's RES_DFLNDOTS


@dataclass
class ResolvConf:
    nameservers: list[str]
    searches: list[str]
    options: list[str]

    @property
    def ndots(self) -> int:
        value = DEFAULT_NDOTS
        for opt in self.options:
            name, _, arg = opt.partition(":")
            if name == "ndots" and arg.isdigit():
                value = min(int(arg), 15)  # glibc caps ndots at RES_MAXNDOTS
        return value

    def text(self) -> str:
        lines = [f"nameserver {s}" for s in self.nameservers]
        if self.searches:
            lines.append("search " + " ".join(self.searches))
        if self.options:
            lines.append("options " + " ".join(self.options))
        return "\n".join(lines) + "\n"


def parse(text: str) -> ResolvConf:
    """The lines glibc reads: nameserver, search (or domain), options; the last search line wins."""
    conf = ResolvConf([], [], [])
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith(("#", ";")):
            continue
        if fields[0] == "nameserver" and len(fields) > 1:
            conf.nameservers.append(fields[1])
        elif fields[0] in ("search", "domain"):
            conf.searches = fields[1:]
        elif fields[0] == "options":
            conf.options.extend(fields[1:])
    return conf


def _omit_duplicates(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _merge_options(base: list[str], extra: list[dict]) -> list[str]:
    """mergeDNSOptions: an option from dnsConfig replaces the one of the same name."""
    merged: dict[str, str] = {}
    for opt in base:
        merged[opt.partition(":")[0]] = opt
    for opt in extra:
        name = opt.get("name", "")
        merged[name] = f"{name}:{opt['value']}" if opt.get("value") else name
    return list(merged.values())


def _fit_searches(searches: list[str]) -> list[str]:
    """formDNSSearchFitsLimits: at most 32 domains and 2048 characters."""
    searches = searches[:MAX_DNS_SEARCH_PATHS]
    while searches and len(" ".join(searches)) > MAX_DNS_SEARCH_LIST_CHARS:
        searches = searches[:-1]
    return searches


def pod_resolv_conf(pod: Obj, cluster_dns: str, domain: str = CLUSTER_DOMAIN) -> ResolvConf:
    spec = pod.get("spec", {})
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host_network = bool(spec.get("hostNetwork"))
    # getPodDNSType
    if policy == "None":
        kind = "none"
    elif policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not host_network):
        kind = "cluster"
    else:
        kind = "host"
    if kind == "cluster" and cluster_dns:
        ns = pod.get("metadata", {}).get("namespace", "default")
        # generateSearchesForDNSClusterFirst
        conf = ResolvConf([cluster_dns], _omit_duplicates([f"{ns}.svc.{domain}", f"svc.{domain}", domain,
                                                           *HOST_SEARCHES]), list(DEFAULT_DNS_OPTIONS))
    elif kind == "none":
        conf = ResolvConf([], [], [])
    else:
        conf = ResolvConf(list(HOST_NAMESERVERS), list(HOST_SEARCHES), list(HOST_OPTIONS))
    cfg = spec.get("dnsConfig")
    if cfg:
        # appendDNSConfig
        conf.nameservers = _omit_duplicates([*conf.nameservers, *(cfg.get("nameservers") or [])])
        conf.searches = _omit_duplicates([*conf.searches, *(cfg.get("searches") or [])])
        conf.options = _merge_options(conf.options, cfg.get("options") or [])
    conf.nameservers = conf.nameservers[:MAX_DNS_NAMESERVERS]
    conf.searches = _fit_searches(conf.searches)
    return conf
