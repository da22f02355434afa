"""A pod's /etc/resolv.conf as the resolver inside it reads it (glibc's rules: ndots, search, nameservers).

What the file says is the kubelet's business (pkg/kubelet/network/dns ``GetPodDNS``, in
``kspec.kubelet.dns_config``); this module only holds and parses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kspec.kubelet.dns_config import CLUSTER_DOMAIN, pod_dns
from kspec.objects import Obj

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


def pod_resolv_conf(pod: Obj, cluster_dns: str, domain: str = CLUSTER_DOMAIN) -> ResolvConf:
    """The file the kubelet writes for the pod; the rules live with the kubelet (``dns_config.pod_dns``)."""
    return ResolvConf(*pod_dns(pod, domain, cluster_dns))
