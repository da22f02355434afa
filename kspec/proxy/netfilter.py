"""The part of a node's kernel that kube-proxy's iptables rules program: netfilter tables.

``restore`` applies ``iptables-restore --noflush`` input (a chain line flushes
or creates a chain, ``-A`` appends, ``-X`` deletes); ``traverse`` runs a new
connection's first packet through a chain the way the kernel does, with the
matches and targets kube-proxy uses (comment, tcp/udp --dport, -s/-d, addrtype,
mark, conntrack --ctstate, statistic --mode random, recent, and the MARK,
DNAT, REJECT, DROP, ACCEPT, RETURN and jump targets).
"""

from __future__ import annotations

import ipaddress
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kspec.proxy.provider import ACCEPT, DROP, REJECT, Packet

_TOKEN = re.compile(r'"[^"]*"|\S+')
BUILTIN = {"filter": ("INPUT", "FORWARD", "OUTPUT"), "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")}
_TERMINAL = {ACCEPT, DROP, REJECT, "DNAT", "MASQUERADE"}


class RestoreError(Exception):
    """iptables-restore refused its input (a bug in the proxier, never a user mistake)."""


def tokens(line: str) -> list[str]:
    return [t[1:-1] if t.startswith('"') else t for t in _TOKEN.findall(line)]


def _net(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text, strict=False)


def _mark(text: str) -> tuple[int, int]:
    value, _, mask = text.partition("/")
    return int(value, 0), int(mask, 0) if mask else 0xFFFFFFFF


@dataclass
class Rule:
    """One parsed ``-A`` line; ``text`` is what iptables-save prints after the chain name."""

    text: str
    src: tuple[bool, object] | None = None
    dst: tuple[bool, object] | None = None
    proto: str | None = None
    matches: list[tuple[str, bool, object]] = field(default_factory=list)
    target: str = ""
    target_args: dict[str, str] = field(default_factory=dict)


#: Parsed rules by their text, shared by every node's netfilter: rules are read-only once parsed, and most
#: rule texts repeat across nodes, syncs and scenarios.
_PARSED: dict[str, Rule] = {}


def parse_rule(args: list[str], text: str) -> Rule:
    rule = Rule(text)
    negate = False
    i = 0
    while i < len(args):
        tok = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if tok == "!":
            negate = True
            i += 1
            continue
        if tok in ("-s", "--source", "-d", "--destination"):
            value: object = nxt if "/" not in nxt or nxt.endswith(("/32", "/128")) else _net(nxt)
            if isinstance(value, str):
                value = value.split("/")[0]
            if tok in ("-s", "--source"):
                rule.src = (negate, value)
            else:
                rule.dst = (negate, value)
            i += 2
        elif tok == "-p":
            rule.proto = nxt.lower()
            i += 2
        elif tok in ("-m", "--comment", "--mode", "--nfacct-name"):
            i += 2
        elif tok == "--dport":
            rule.matches.append(("dport", negate, int(nxt)))
            i += 2
        elif tok in ("--dst-type", "--src-type"):
            rule.matches.append((tok, negate, nxt))
            i += 2
        elif tok == "--probability":
            rule.matches.append(("probability", negate, float(nxt)))
            i += 2
        elif tok == "--mark":
            rule.matches.append(("mark", negate, _mark(nxt)))
            i += 2
        elif tok == "--ctstate":
            rule.matches.append(("ctstate", negate, frozenset(nxt.split(","))))
            i += 2
        elif tok == "--name":
            rule.matches.append(("recent", negate, _recent(args, i)))
            i += 2
        elif tok in ("--rcheck", "--set", "--reap"):
            i += 1
        elif tok == "--seconds":
            i += 2
        elif tok == "-j":
            rule.target = nxt
            i += 2
            while i < len(args):
                key = args[i]
                if key == "--random-fully":
                    i += 1
                    continue
                rule.target_args[key] = args[i + 1] if i + 1 < len(args) else ""
                i += 2
        else:
            raise RestoreError(f"unknown option {tok!r} in rule: {text}")
        negate = False
    return rule


def _recent(args: list[str], i: int) -> tuple[str, str, int]:
    """(list name, "set" or "rcheck", seconds) of a ``-m recent`` match starting at ``--name``."""
    name = args[i + 1]
    rest = args[i + 2:]
    mode = "set" if "--set" in rest[:1] else "rcheck"
    seconds = int(rest[rest.index("--seconds") + 1]) if "--seconds" in rest else 0
    return name, mode, seconds


@dataclass
class Context:
    """What a traversal needs from outside the tables: time, randomness, the node's addresses."""

    now_ms: int
    rng: random.Random
    local: set[str]


class Netfilter:
    """The nat and filter tables of one node, plus the xt_recent lists."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, list[Rule]]] = {t: {c: [] for c in cs} for t, cs in BUILTIN.items()}
        self.recent: dict[str, dict[str, int]] = {}

    # -- programming -----------------------------------------------------------------
    def ensure_rule(self, table: str, chain: str, args: list[str], *, prepend: bool = True) -> None:
        """EnsureChain + EnsureRule(Prepend): the jump rules kube-proxy keeps in built-in chains."""
        chains = self.tables[table]
        text = " ".join(f'"{a}"' if " " in a else a for a in args)
        rules = chains.setdefault(chain, [])
        if any(r.text == text for r in rules):
            return
        rule = parse_rule(args, text)
        if rule.target and rule.target not in _TERMINAL and rule.target not in ("MARK", "RETURN"):
            chains.setdefault(rule.target, [])
        rules.insert(0, rule) if prepend else rules.append(rule)

    def restore(self, data: str) -> None:
        """``iptables-restore --noflush``: only the chains named in ``data`` change."""
        table: dict[str, list[Rule]] | None = None
        staged: dict[str, dict[str, list[Rule]]] = {}
        deletes: list[tuple[str, str]] = []
        name = ""
        for line in data.splitlines():
            if not line or line.startswith("#"):
                continue
            if line.startswith("*"):
                name = line[1:]
                if name not in self.tables:
                    raise RestoreError(f"unknown table {name}")
                table = staged.setdefault(name, {})
            elif line == "COMMIT":
                table = None
            elif table is None:
                raise RestoreError(f"line outside a table: {line}")
            elif line.startswith(":"):
                table[line[1:].split(" ", 1)[0]] = []
            elif line.startswith("-A "):
                chain, _, rest = line[3:].partition(" ")
                if chain not in table:
                    raise RestoreError(f"rule for a chain not declared in this restore: {line}")
                table[chain].append(self._parse(rest))
            elif line.startswith("-X "):
                deletes.append((name, line[3:].strip()))
            else:
                raise RestoreError(f"cannot parse: {line}")
        # all or nothing, like iptables-restore: work on copies, commit only when every line applied
        tables = {t: dict(self.tables[t]) for t in self.tables}
        for tname, chains in staged.items():
            tables[tname].update(chains)
        for tname, chain in deletes:
            if chain in BUILTIN[tname]:
                continue
            users = [c for c, rules in tables[tname].items() for r in rules if r.target == chain and c != chain]
            if users:  # the kernel refuses to delete a chain a rule still jumps to (EBUSY, "Too many links")
                raise RestoreError(f"-X {chain}: chain is still referenced from {users[0]}")
            tables[tname].pop(chain, None)
        self.tables = tables

    def _parse(self, text: str) -> Rule:
        rule = _PARSED.get(text)
        if rule is None:
            rule = parse_rule(tokens(text), text)
            if len(_PARSED) > 200_000:
                _PARSED.clear()
            _PARSED[text] = rule
        return rule

    def save(self, tables: tuple[str, ...] = ("filter", "nat")) -> str:
        """Like ``iptables-save``: chains sorted built-ins first, rules in order."""
        out: list[str] = []
        for tname in tables:
            chains = self.tables[tname]
            names = [*BUILTIN[tname], *sorted(c for c in chains if c not in BUILTIN[tname])]
            out.append(f"*{tname}")
            for c in names:
                out.append(f":{c} {'ACCEPT' if c in BUILTIN[tname] else '-'} [0:0]")
            for c in names:
                out.extend(f"-A {c} {r.text}" for r in chains[c])
            out.append("COMMIT")
        return "\n".join(out) + "\n"

    # -- packets -------------------------------------------------------------------------
    def traverse(self, table: str, chain: str, pkt: Packet, ctx: Context) -> str:
        """Run ``pkt`` through ``chain``; the terminal verdict, or ACCEPT when it falls off the end."""
        verdict = self._walk(self.tables[table], chain, pkt, ctx, 0)
        return verdict if verdict in _TERMINAL else ACCEPT

    def _walk(self, chains: dict[str, list[Rule]], chain: str, pkt: Packet, ctx: Context, depth: int) -> str:
        if depth > 32:
            raise RestoreError(f"jump loop at chain {chain}")
        for rule in chains.get(chain, ()):
            if not self._matches(rule, pkt, ctx):
                continue
            target = rule.target
            if not target:
                continue
            if target == "RETURN":
                return "RETURN"
            if target == "MARK":
                _apply_mark(rule, pkt)
                continue
            if target == "DNAT":
                host, _, port = rule.target_args["--to-destination"].rpartition(":")
                pkt.dst, pkt.dport, pkt.dnat = host.strip("[]"), int(port), True
                return "DNAT"
            if target in _TERMINAL:
                return target
            verdict = self._walk(chains, target, pkt, ctx, depth + 1)
            if verdict in _TERMINAL:
                return verdict
        return ""

    def _matches(self, rule: Rule, pkt: Packet, ctx: Context) -> bool:
        if rule.dst is not None and _addr_in(pkt.dst, rule.dst[1]) == rule.dst[0]:
            return False
        if rule.src is not None and _addr_in(pkt.src, rule.src[1]) == rule.src[0]:
            return False
        if rule.proto is not None and rule.proto != pkt.proto:
            return False
        for kind, negate, arg in rule.matches:
            if _MATCHERS[kind](self, pkt, ctx, arg) == negate:
                return False
        return True


def _addr_in(ip: str, want: object) -> bool:
    if isinstance(want, str):
        return ip == want
    return ipaddress.ip_address(ip) in want  # type: ignore[operator]


def _apply_mark(rule: Rule, pkt: Packet) -> None:
    args = rule.target_args
    if "--or-mark" in args:
        pkt.mark |= int(args["--or-mark"], 0)
    elif "--xor-mark" in args:
        pkt.mark ^= int(args["--xor-mark"], 0)
    elif "--set-xmark" in args:
        value, mask = _mark(args["--set-xmark"])
        pkt.mark = (pkt.mark & ~mask) ^ value


def _match_recent(nf: Netfilter, pkt: Packet, ctx: Context, arg: object) -> bool:
    name, mode, seconds = arg  # type: ignore[misc]
    seen = nf.recent.setdefault(name, {})
    if mode == "set":
        seen[pkt.src] = ctx.now_ms
        return True
    last = seen.get(pkt.src)
    if last is None:
        return False
    if seconds and ctx.now_ms - last > seconds * 1000:
        del seen[pkt.src]  # --reap
        return False
    return True


_MATCHERS: dict[str, Callable[[Netfilter, Packet, Context, object], bool]] = {
    "dport": lambda nf, p, c, a: p.dport == a,
    "--dst-type": lambda nf, p, c, a: p.dst in c.local if a == "LOCAL" else False,
    "--src-type": lambda nf, p, c, a: p.src in c.local if a == "LOCAL" else False,
    # xt_statistic: random mode matches with the given probability
    "probability": lambda nf, p, c, a: c.rng.random() < a,  # type: ignore[operator]
    "mark": lambda nf, p, c, a: (p.mark & a[1]) == a[0],  # type: ignore[index]
    "ctstate": lambda nf, p, c, a: bool(a & ({"NEW", "DNAT"} if p.dnat else {"NEW"})),  # type: ignore[operator]
    "recent": _match_recent,
}
