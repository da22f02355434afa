"""A pod's /etc/resolv.conf (pkg/kubelet/network/dns dns.go ``Configurer.GetPodDNS``).

ClusterFirst points at the cluster DNS with the namespace search list, then the
node's own search domains, and ``ndots:5``; Default copies the node's resolver;
None takes only dnsConfig. dnsConfig is merged into any policy
(appendDNSConfig), then the result is cut to what resolvers accept
(formDNSConfigFitsLimits), with a ``DNSConfigForming`` warning when it is cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kspec.objects import Obj

CLUSTER_DNS = "10.96.0.10"
CLUSTER_DOMAIN = "cluster.local"
#: the node's own /etc/resolv.conf (what dnsPolicy Default inherits)
HOST_NAMESERVERS = ("172.18.0.1",)
HOST_SEARCHES: tuple[str, ...] = ()
DEFAULT_OPTIONS = ("ndots:5",)  # defaultDNSOptions
MAX_SEARCH_PATHS = 32  # validation.MaxDNSSearchPaths
MAX_SEARCH_LIST_CHARS = 2048  # validation.MaxDNSSearchListChars
MAX_SEARCH_PATH_CHARS = 253  # utilvalidation.DNS1123SubdomainMaxLength: glibc aborts on longer ones
MAX_NAMESERVERS = 3  # validation.MaxDNSNameservers


@dataclass
class HostResolver:
    """What the kubelet's ``--resolv-conf`` file says; ``None`` in its place means the flag is empty."""

    nameservers: list[str] = field(default_factory=lambda: list(HOST_NAMESERVERS))
    searches: list[str] = field(default_factory=lambda: list(HOST_SEARCHES))
    options: list[str] = field(default_factory=list)


def _dedup(items: list[str]) -> list[str]:
    """omitDuplicates: first occurrence wins, order kept."""
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _append_options(options: list[str], new: list[str]) -> list[str]:
    """appendOptions: an option replaces an earlier one with the same name, in its place."""
    out = list(options)
    for opt in new:
        name = opt.partition(":")[0]
        idx = next((i for i, o in enumerate(out) if o.partition(":")[0] == name), None)
        if idx is None:
            out.append(opt)
        else:
            out[idx] = opt
    return out


def parse_resolv_conf(text: str) -> tuple[list[str], list[str], list[str]]:
    """parseResolvConf: nameservers accumulate, the last search and options lines win (options merge by name).

    Raises ValueError for a ``nameserver`` line without an address, as upstream returns an error.
    """
    servers: list[str] = []
    searches: list[str] = []
    options: list[str] = []
    errors: list[str] = []
    for line in text.split("\n"):
        trimmed = line.strip()
        if trimmed.startswith("#"):
            continue
        fields = trimmed.split()
        if not fields:
            continue
        if fields[0] == "nameserver":
            if len(fields) >= 2:
                servers.append(fields[1])
            else:
                errors.append("nameserver list is empty ")
        elif fields[0] == "search":
            # a domain with and without its trailing dot counts once
            searches = [s.removesuffix(".") for s in fields[1:] if s != "."]
        elif fields[0] == "options":
            options = _append_options(options, fields[1:])
    if errors:
        raise ValueError("; ".join(errors))
    return servers, searches, options


def merge_options(base: list[str], extra: list[dict]) -> list[str]:
    """mergeDNSOptions: a dnsConfig option replaces an existing one of the same name."""
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


def pod_dns_type(pod: Obj) -> str:
    """getPodDNSType: "cluster", "host" or "none"; ClusterFirst on the host network falls back to the host's."""
    spec = pod.get("spec", {})
    policy = spec.get("dnsPolicy", "ClusterFirst")
    if policy == "None":
        return "none"
    if policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not spec.get("hostNetwork")):
        return "cluster"
    if policy in ("ClusterFirst", "Default"):
        return "host"
    raise ValueError(f"invalid DNSPolicy={policy}")  # the API server rejects it first


def fit_searches(searches: list[str]) -> tuple[list[str], str | None]:
    """formDNSSearchFitsLimits: at most 32 paths, none over 253 characters, the line at most 2048.

    Returns the applied list and the warning to record when something was dropped.
    """
    exceeded = len(searches) > MAX_SEARCH_PATHS
    searches = searches[:MAX_SEARCH_PATHS]
    kept = [s for s in searches if len(s) <= MAX_SEARCH_PATH_CHARS]
    exceeded |= len(kept) != len(searches)
    while kept and len(" ".join(kept)) > MAX_SEARCH_LIST_CHARS:
        kept.pop()  # drop from the end until the line fits
        exceeded = True
    if not exceeded:
        return kept, None
    return kept, ("Search Line limits were exceeded, some search paths have been omitted, the applied search "
                  f"line is: {' '.join(kept)}")


def fit_nameservers(servers: list[str]) -> tuple[list[str], str | None]:
    """formDNSNameserversFitsLimits: at most three nameservers, with a warning when more were given."""
    if len(servers) <= MAX_NAMESERVERS:
        return servers, None
    kept = servers[:MAX_NAMESERVERS]
    return kept, ("Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver "
                  f"line is: {' '.join(kept)}")


def pod_dns(pod: Obj, domain: str = CLUSTER_DOMAIN, cluster_dns: str | list[str] = CLUSTER_DNS,
            host: HostResolver | None = None, events: list[str] | None = None, *,
            resolver_config: bool = True) -> tuple[list[str], list[str], list[str]]:
    """(nameservers, searches, options) for the pod; warnings are appended to ``events``.

    ``host`` is the node's resolv.conf (the default kind node's when omitted); ``resolver_config=False``
    is the kubelet run with ``--resolv-conf=""``, where Default pods get 127.0.0.1 and search ".".
    """
    if host is None:
        host = HostResolver()
    if not resolver_config:
        host = HostResolver([], [], [])
    clusters = [cluster_dns] if isinstance(cluster_dns, str) else list(cluster_dns)
    clusters = [c for c in clusters if c]
    kind = pod_dns_type(pod)
    servers, searches, options = list(host.nameservers), list(host.searches), list(host.options)
    if kind == "cluster" and not clusters:
        kind = "host"  # no cluster DNS known: the pod falls back to the host's resolver
    if kind == "cluster":
        ns = pod.get("metadata", {}).get("namespace", "default")
        servers = clusters
        if domain:  # generateSearchesForDNSClusterFirst
            searches = _dedup([f"{ns}.svc.{domain}", f"svc.{domain}", domain, *searches])
        options = list(DEFAULT_OPTIONS)
    elif kind == "host":
        if not resolver_config:
            servers, searches = ["127.0.0.1"], ["."]
    else:
        servers, searches, options = [], [], []
    cfg = pod.get("spec", {}).get("dnsConfig")
    if cfg:  # appendDNSConfig
        servers = _dedup([*servers, *(cfg.get("nameservers") or [])])
        searches = _dedup([*searches, *(cfg.get("searches") or [])])
        options = merge_options(options, cfg.get("options") or [])
    servers, warn_servers = fit_nameservers(servers)
    searches, warn_searches = fit_searches(searches)
    if events is not None:
        events.extend(w for w in (warn_servers, warn_searches) if w)
    return servers, searches, options


def resolv_conf(pod: Obj, domain: str = CLUSTER_DOMAIN, cluster_dns: str = CLUSTER_DNS) -> str:
    servers, searches, options = pod_dns(pod, domain, cluster_dns)
    lines = [f"nameserver {s}" for s in servers]
    if searches:
        lines.append("search " + " ".join(searches))
    if options:
        lines.append("options " + " ".join(options))
    return "\n".join(lines) + "\n"
