"""The part of a node's kernel that kube-proxy's nftables mode programs: one nftables table.

``run`` applies a transaction as ``nft -f`` does, all or nothing (the lines
knftables writes: ``add``/``flush``/``delete`` of tables, chains, sets, maps
and elements, ``add rule``); ``process`` runs a new connection's first packet
through the base chains of each netfilter hook it passes, in priority order,
the way the kernel does, with the expressions kube-proxy uses (``ct state``,
``ip saddr``/``ip daddr`` against addresses, CIDRs, anonymous and named sets,
concatenated ``ip daddr . meta l4proto . th dport`` lookups in verdict maps,
``fib ... type local``, ``meta l4proto``, ``tcp dport``, ``mark``, ``numgen
random mod N vmap``, ``update @set``, and the verdicts ``jump``, ``goto``,
``return``, ``accept``, ``drop``, ``reject``, ``dnat to`` and ``masquerade``).
``listing`` prints the table as ``nft list ruleset`` does; ``dump`` prints it
as the ``add ...`` lines knftables' fake writes (what upstream's tests compare).
"""

from __future__ import annotations

import ipaddress
import random
import re
from dataclasses import dataclass, field

from kspec.proxy.provider import ACCEPT, DROP, REJECT, Packet

_TOKEN = re.compile(r'"[^"]*"|[{}]|[^\s{}]+')
#: verdicts that end the packet's walk through a hook's chains
_TERMINAL = frozenset({"accept", "drop", "reject", "dnat", "masquerade"})
#: knftables' named priorities, as ``nft list`` prints them
_PRIORITY_NAMES = {-100: "dstnat", 0: "filter", 100: "srcnat"}
_CONTINUE = "continue"


class NftError(Exception):
    """nft refused a transaction (a bug in the proxier, never a user mistake)."""


@dataclass
class Chain:
    name: str
    hook: str = ""  # "" for a regular chain
    type: str = ""
    priority: int = 0
    comment: str = ""
    rules: list[Rule] = field(default_factory=list)


@dataclass
class Element:
    value: str = ""
    comment: str = ""


@dataclass
class Container:
    """A named set (``value`` empty in every element) or verdict map."""

    kind: str  # "set" or "map"
    name: str
    type: str
    flags: str = ""
    timeout_s: int = 0
    comment: str = ""
    elements: dict[str, Element] = field(default_factory=dict)
    #: dynamic sets (``update @set``): key -> expiry in virtual ms
    dynamic: dict[str, int] = field(default_factory=dict)


@dataclass
class Rule:
    text: str
    comment: str
    ops: list[tuple]

    def line(self) -> str:
        return self.text + (f' comment "{self.comment}"' if self.comment else "")


#: Parsed rules by their text, shared by every node's table (read-only once parsed; texts repeat across nodes).
_PARSED: dict[str, list[tuple]] = {}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _net(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text.strip(), strict=False)


def _concat(t: list[str], i: int) -> tuple[list[str], int]:
    """The fields of ``ip daddr . meta l4proto . th dport``: (["daddr", "l4proto", "dport"], next index)."""
    fields = []
    while True:
        head = t[i]
        if head in ("ip", "ip6") and t[i + 1] in ("daddr", "saddr"):
            fields.append(t[i + 1])
        elif head == "meta" and t[i + 1] == "l4proto":
            fields.append("l4proto")
        elif head == "th" and t[i + 1] == "dport":
            fields.append("dport")
        else:
            raise NftError(f"unknown concatenation field {head} {t[i + 1]}")
        i += 2
        if i < len(t) and t[i] == ".":
            i += 1
            continue
        return fields, i


def _verdict(t: list[str], i: int) -> tuple[tuple, int]:
    """One verdict statement at ``t[i]``: (op, next index)."""
    tok = t[i]
    if tok in ("jump", "goto"):
        return (tok, t[i + 1]), i + 2
    if tok in ("accept", "drop", "reject", "return"):
        return (tok,), i + 1
    if tok == "masquerade":
        return ("masquerade",), i + (2 if i + 1 < len(t) and t[i + 1] == "fully-random" else 1)
    if tok == "dnat" and t[i + 1] == "to":
        host, _, port = t[i + 2].rpartition(":")
        return ("dnat", host.strip("[]"), int(port)), i + 3
    raise NftError(f"unknown statement {tok!r}")


def parse_rule(text: str) -> list[tuple]:
    """The expressions of one rule, in order: matches, statements, then at most one verdict."""
    cached = _PARSED.get(text)
    if cached is not None:
        return cached
    t = tokens(text)
    ops: list[tuple] = []
    i = 0
    while i < len(t):
        tok = t[i]
        nxt = t[i + 1] if i + 1 < len(t) else ""
        if tok == "ct" and nxt == "state":
            ops.append(("ctstate", frozenset(t[i + 2].split(","))))
            i += 3
        elif (tok in ("ip", "ip6") and nxt in ("daddr", "saddr") and t[i + 2] == ".") or (
                tok == "meta" and nxt == "l4proto" and t[i + 2] == "."):
            fields, i = _concat(t, i)
            if t[i] == "vmap":
                ops.append(("vmap", tuple(fields), t[i + 1].lstrip("@")))
                i += 2
            else:
                ops.append(("lookup", tuple(fields), t[i].lstrip("@")))
                i += 1
        elif tok in ("ip", "ip6") and nxt in ("daddr", "saddr"):
            negate = t[i + 2] == "!="
            i += 3 if negate else 2
            if t[i].startswith("@"):
                ops.append(("inset", nxt, t[i][1:], negate))
                i += 1
            elif t[i] == "{":
                end = t.index("}", i)
                nets = tuple(_net(a) for a in " ".join(t[i + 1:end]).replace(",", " ").split())
                ops.append(("innets", nxt, nets, negate))
                i = end + 1
            else:
                ops.append(("innets", nxt, (_net(t[i]),), negate))
                i += 1
        elif tok == "fib" and t[i + 2] == "type" and t[i + 3] == "local":
            ops.append(("local", nxt))
            i += 4
        elif tok == "meta" and nxt == "l4proto":
            ops.append(("proto", t[i + 2]))
            i += 3
        elif tok in ("tcp", "udp", "sctp") and nxt == "dport":
            ops.append(("proto", tok))
            ops.append(("dport", int(t[i + 2])))
            i += 3
        elif tok == "mark" and nxt == "set":  # mark set mark or|xor VALUE
            ops.append(("setmark", t[i + 3], int(t[i + 4], 0)))
            i += 5
        elif tok == "mark" and nxt == "and":  # mark and MASK ==|!= VALUE
            ops.append(("mark", int(t[i + 2], 0), t[i + 3] == "!=", int(t[i + 4], 0)))
            i += 5
        elif tok == "numgen" and nxt == "random" and t[i + 2] == "mod" and t[i + 4] == "vmap":
            end = t.index("}", i)
            body = " ".join(t[i + 6:end])
            table = {}
            for entry in body.split(","):
                key, _, verdict = entry.partition(":")
                table[int(key)] = _verdict(verdict.split(), 0)[0]
            ops.append(("numgen", int(t[i + 3]), table))
            i = end + 1
        elif tok == "update" and nxt.startswith("@"):  # update @set { ip saddr }
            end = t.index("}", i)
            ops.append(("update", nxt[1:], t[i + 4]))
            i = end + 1
        elif tok == "comment":
            break
        else:
            op, i = _verdict(t, i)
            ops.append(op)
    if len(_PARSED) > 500_000:
        _PARSED.clear()
    _PARSED[text] = ops
    return ops


def _split_comment(text: str) -> tuple[str, str]:
    """A rule's text and its trailing ``comment "..."``."""
    m = re.search(r' comment "([^"]*)"$', text)
    return (text[:m.start()], m.group(1)) if m else (text, "")


def _options(body: str) -> dict[str, str]:
    """``{ type filter hook input priority 0 ; comment "x" ; }`` as {"type": "filter", "hook": ..., ...}."""
    out: dict[str, str] = {}
    for part in body.strip().strip("{}").split(";"):
        words = tokens(part.strip())
        if not words:
            continue
        if words[0] == "type" and "hook" in words:
            h = words.index("hook")
            out["type"], out["hook"] = words[1], words[h + 1]
            out["priority"] = "".join(words[words.index("priority") + 1:]) if "priority" in words else "0"
        elif words[0] == "type":
            out["type"] = " ".join(words[1:])
        else:
            out[words[0]] = " ".join(words[1:]).strip('"')
    return out


def _priority(text: str) -> int:
    """A base chain priority, numeric or knftables-named (``dstnat-10``)."""
    names = {"dstnat": -100, "filter": 0, "srcnat": 100, "mangle": -150, "raw": -300}
    m = re.fullmatch(r"([a-z]+)?([+-]?\d+)?", text.replace(" ", ""))
    if not m or not (m.group(1) or m.group(2)):
        raise NftError(f"bad priority {text!r}")
    return names.get(m.group(1) or "", 0) + int(m.group(2) or 0)


@dataclass
class Context:
    """What a walk needs from outside the table: time, randomness, the node's addresses."""

    now_ms: int
    rng: random.Random
    local: set[str]
    masquerade_ip: str = ""


class Table:
    """One nftables table (``ip kube-proxy``), as the kernel holds it."""

    def __init__(self, family: str = "ip", name: str = "kube-proxy") -> None:
        self.family, self.name = family, name
        self.exists = False
        self.comment = ""
        self.chains: dict[str, Chain] = {}
        self.containers: dict[str, Container] = {}
        self.last_operations = 0
        self._hooks: dict[str, list[Chain]] | None = None  # base chains by hook, by priority

    # -- programming -------------------------------------------------------------------
    def run(self, lines: list[str]) -> None:
        """``nft -f``: every line applies, or none does (what a failed line touched is put back as it was)."""
        self._undo_chains: dict[str, Chain | None] = {}
        self._undo_containers: dict[str, Container | None] = {}
        self._hooks = None
        saved = (self.exists, self.comment)
        line = ""
        try:
            for line in lines:
                self._apply(line)
        except (NftError, KeyError, IndexError, ValueError) as err:
            self.exists, self.comment = saved
            for name, chain in self._undo_chains.items():
                if chain is None:
                    self.chains.pop(name, None)
                else:
                    self.chains[name] = chain
            for name, container in self._undo_containers.items():
                if container is None:
                    self.containers.pop(name, None)
                else:
                    self.containers[name] = container
            raise NftError(f"{err} in: {line}") from err
        self.last_operations = len(lines)

    def _touch_chain(self, name: str) -> None:
        if name not in self._undo_chains:
            c = self.chains.get(name)
            self._undo_chains[name] = None if c is None else Chain(c.name, c.hook, c.type, c.priority, c.comment,
                                                                     list(c.rules))

    def _touch_container(self, name: str) -> None:
        if name not in self._undo_containers:
            c = self.containers.get(name)
            self._undo_containers[name] = None if c is None else Container(
                c.kind, c.name, c.type, c.flags, c.timeout_s, c.comment, dict(c.elements), dict(c.dynamic))

    def _apply(self, line: str) -> None:
        verb, kind, rest = line.split(" ", 2)
        prefix = f"{self.family} {self.name}"
        if not rest.startswith(prefix):
            raise NftError(f"not table {prefix}")
        rest = rest[len(prefix):].strip()
        if kind == "table":
            if verb == "add":
                self.exists = True
                self.comment = _options(rest).get("comment", self.comment) if rest else self.comment
            elif verb == "delete":
                for name in self.chains:
                    self._touch_chain(name)
                for name in self.containers:
                    self._touch_container(name)
                self.exists, self.comment, self.chains, self.containers = False, "", {}, {}
            return
        if not self.exists:
            raise NftError(f"no such table {prefix}")
        name, _, body = rest.partition(" ")
        if kind == "chain":
            self._touch_chain(name)
            self._chain(verb, name, body)
        elif kind == "rule":
            self._touch_chain(name)
            text, comment = _split_comment(body)
            self.chains[name].rules.append(Rule(text, comment, parse_rule(text)))
        elif kind in ("set", "map"):
            self._touch_container(name)
            self._container(verb, kind, name, body)
        elif kind == "element":
            self._touch_container(name)
            self._element(verb, name, body)
        else:
            raise NftError(f"unknown object {kind}")

    def _chain(self, verb: str, name: str, body: str) -> None:
        if verb == "add":
            if name not in self.chains:
                opts = _options(body) if body else {}
                self.chains[name] = Chain(name, opts.get("hook", ""), opts.get("type", ""),
                                          _priority(opts["priority"]) if "hook" in opts else 0,
                                          opts.get("comment", ""))
        elif verb == "flush":
            self.chains[name].rules = []
        elif verb == "delete":
            users = [c.name for c in self.chains.values() for r in c.rules
                     if any(op[0] in ("jump", "goto") and op[1] == name for op in r.ops)]
            users += [m.name for m in self.containers.values()
                      if any(e.value.split()[-1:] == [name] for e in m.elements.values())]
            if users:  # the kernel refuses to delete a chain something still jumps to (EBUSY)
                raise NftError(f"chain {name} is still referenced from {users[0]}")
            del self.chains[name]
        else:
            raise NftError(f"unknown verb {verb}")

    def _container(self, verb: str, kind: str, name: str, body: str) -> None:
        if verb == "add":
            if name not in self.containers:
                opts = _options(body)
                timeout = opts.get("timeout", "0s").rstrip("s")
                self.containers[name] = Container(kind, name, opts.get("type", ""), opts.get("flags", ""),
                                                  int(timeout or 0), opts.get("comment", ""))
        elif verb == "flush":
            c = self.containers[name]
            c.elements, c.dynamic = {}, {}
        elif verb == "delete":
            del self.containers[name]
        else:
            raise NftError(f"unknown verb {verb}")

    def _element(self, verb: str, name: str, body: str) -> None:
        inner = body.strip()[1:-1].strip()  # { KEY [comment "c"] [: VALUE] }
        key, _, value = inner.partition(" : ")
        key, comment = _split_comment(key.strip())
        c = self.containers[name]
        if verb == "add":
            if key in c.elements:
                raise NftError(f"element {key} exists in {name}")  # knftables deletes first to change a value
            c.elements[key] = Element(value.strip(), comment)
        elif verb == "delete":
            del c.elements[key]
        else:
            raise NftError(f"unknown verb {verb}")

    # -- packets ----------------------------------------------------------------------------
    def process(self, pkt: Packet, local_origin: bool, ctx: Context) -> str:
        """A new connection's first packet through the hooks it passes; the verdict (DNAT rewrites ``pkt``)."""
        first = "output" if local_origin else "prerouting"
        verdict = self._hook(first, pkt, ctx)
        if verdict in ("drop", "reject"):
            return DROP if verdict == "drop" else REJECT
        if not local_origin:
            verdict = self._hook("input" if pkt.dst in ctx.local else "forward", pkt, ctx)
            if verdict in ("drop", "reject"):
                return DROP if verdict == "drop" else REJECT
            if pkt.dst in ctx.local:
                return ACCEPT
        self._hook("postrouting", pkt, ctx)
        return ACCEPT

    def _hook(self, hook: str, pkt: Packet, ctx: Context) -> str:
        """Every base chain on ``hook``, lowest priority first; a drop or reject ends it. A NAT chain's DNAT
        moves the packet, so the filter chains after it see the new destination."""
        if self._hooks is None:
            self._hooks = {}
            for c in sorted((c for c in self.chains.values() if c.hook), key=lambda c: c.priority):
                self._hooks.setdefault(c.hook, []).append(c)
        for chain in self._hooks.get(hook, ()):
            verdict = self._walk(chain.name, pkt, ctx, 0)
            if verdict in ("drop", "reject"):
                return verdict
        return "accept"

    def _walk(self, name: str, pkt: Packet, ctx: Context, depth: int) -> str | None:
        """Run ``pkt`` through chain ``name``: a terminal verdict, or None when it returns or falls off the end."""
        if depth > 32:
            raise NftError(f"jump loop at chain {name}")
        for rule in self.chains[name].rules:
            result = self._eval(rule.ops, pkt, ctx, depth)
            if result != _CONTINUE:
                return result
        return None

    def _eval(self, ops: list[tuple], pkt: Packet, ctx: Context, depth: int) -> str | None:
        """One rule: _CONTINUE when a match fails (or a jump comes back), else what its verdict decides."""
        for op in ops:
            kind = op[0]
            if kind == "ctstate":
                if "new" not in op[1]:
                    return _CONTINUE
            elif kind == "innets":
                ip = ipaddress.ip_address(pkt.dst if op[1] == "daddr" else pkt.src)
                if any(ip in net for net in op[2]) == op[3]:
                    return _CONTINUE
            elif kind == "inset":
                if self._member(op[2], pkt.dst if op[1] == "daddr" else pkt.src, ctx) == op[3]:
                    return _CONTINUE
            elif kind == "local":
                if (pkt.dst if op[1] == "daddr" else pkt.src) not in ctx.local:
                    return _CONTINUE
            elif kind == "proto":
                if pkt.proto != op[1]:
                    return _CONTINUE
            elif kind == "dport":
                if pkt.dport != op[1]:
                    return _CONTINUE
            elif kind == "mark":
                if ((pkt.mark & op[1]) != op[3]) != op[2]:
                    return _CONTINUE
            elif kind == "setmark":
                pkt.mark = pkt.mark | op[2] if op[1] == "or" else pkt.mark ^ op[2]
            elif kind == "lookup":
                if _key(op[1], pkt) not in self.containers[op[2]].elements:
                    return _CONTINUE
            elif kind == "vmap":
                element = self.containers[op[2]].elements.get(_key(op[1], pkt))
                if element is None:
                    return _CONTINUE
                return self._verdict(_verdict(element.value.split(), 0)[0], pkt, ctx, depth)
            elif kind == "numgen":
                return self._verdict(op[2][ctx.rng.randrange(op[1])], pkt, ctx, depth)
            elif kind == "update":
                c = self.containers[op[1]]
                c.dynamic[pkt.src if op[2] == "saddr" else pkt.dst] = ctx.now_ms + c.timeout_s * 1000
            else:
                return self._verdict(op, pkt, ctx, depth)
        return _CONTINUE

    def _verdict(self, op: tuple, pkt: Packet, ctx: Context, depth: int) -> str | None:
        kind = op[0]
        if kind == "jump":
            result = self._walk(op[1], pkt, ctx, depth + 1)
            return result if result in _TERMINAL else _CONTINUE
        if kind == "goto":
            return self._walk(op[1], pkt, ctx, depth + 1)
        if kind == "return":
            return None
        if kind == "dnat":
            pkt.dst, pkt.dport, pkt.dnat = op[1], op[2], True
        elif kind == "masquerade" and ctx.masquerade_ip:
            pkt.src = ctx.masquerade_ip
        return kind

    def _member(self, name: str, ip: str, ctx: Context) -> bool:
        c = self.containers[name]
        if ip in c.elements:
            return True
        expiry = c.dynamic.get(ip)
        if expiry is None:
            return False
        if expiry < ctx.now_ms:  # the element timed out
            del c.dynamic[ip]
            return False
        return True

    # -- printing ------------------------------------------------------------------------------
    def dump(self) -> str:
        """The table as knftables' fake dumps it: ``add`` lines for the table, chains, sets, maps, rules and
        elements (upstream's TestOverallNFTablesRules compares these)."""
        if not self.exists:
            return ""
        prefix = f"{self.family} {self.name}"
        out = [f"add table {prefix}" + (f' {{ comment "{self.comment}" ; }}' if self.comment else "")]
        for c in self.chains.values():
            out.append(f"add chain {prefix} {c.name}{_chain_options(c)}")
        for s in self.containers.values():
            out.append(f"add {s.kind} {prefix} {s.name} {{ {_container_options(s)}}}")
        for c in self.chains.values():
            out.extend(f"add rule {prefix} {c.name} {r.line()}" for r in c.rules)
        for s in self.containers.values():
            for key, e in s.elements.items():
                comment = f' comment "{e.comment}"' if e.comment else ""
                value = f" : {e.value}" if e.value else ""
                out.append(f"add element {prefix} {s.name} {{ {key}{comment}{value} }}")
        return "\n".join(out) + "\n"

    def listing(self) -> str:
        """``nft list ruleset``: sets and maps with their elements (one a line), then chains with their rules."""
        if not self.exists:
            return ""
        out = [f"table {self.family} {self.name} {{"]
        if self.comment:
            out.append(f'\tcomment "{self.comment}"')
        for s in self.containers.values():
            out.append(f"\t{s.kind} {s.name} {{")
            out.append(f"\t\ttype {s.type}")
            if s.flags:
                out.append(f"\t\tflags {s.flags}")
            if s.timeout_s:
                out.append(f"\t\ttimeout {s.timeout_s}s")
            if s.comment:
                out.append(f'\t\tcomment "{s.comment}"')
            items = [k + (f' comment "{e.comment}"' if e.comment else "") + (f" : {e.value}" if e.value else "")
                     for k, e in s.elements.items()]
            if items:
                body = [f"\t\t\t     {item}," for item in items]
                body[0] = f"\t\telements = {{ {items[0]},"
                body[-1] = body[-1][:-1] + " }"
                out.extend(body)
            out.append("\t}")
        for c in self.chains.values():
            out.append(f"\tchain {c.name} {{")
            if c.hook:
                out.append(f"\t\ttype {c.type} hook {c.hook} priority {_priority_name(c.priority)}; policy accept;")
            if c.comment:
                out.append(f'\t\tcomment "{c.comment}"')
            out.extend(f"\t\t{_listed(r)}" for r in c.rules)
            out.append("\t}")
        out.append("}")
        return "\n".join(out) + "\n"


def _key(fields: tuple[str, ...], pkt: Packet) -> str:
    values = {"daddr": pkt.dst, "saddr": pkt.src, "l4proto": pkt.proto, "dport": str(pkt.dport)}
    return " . ".join(values[f] for f in fields)


def _chain_options(c: Chain) -> str:
    if c.hook:
        return f" {{ type {c.type} hook {c.hook} priority {c.priority} ; }}"
    return f' {{ comment "{c.comment}" ; }}' if c.comment else ""


def _container_options(s: Container) -> str:
    parts = [f"type {s.type} ; "]
    if s.flags:
        parts.append(f"flags {s.flags} ; ")
    if s.timeout_s:
        parts.append(f"timeout {s.timeout_s}s ; ")
    if s.comment:
        parts.append(f'comment "{s.comment}" ; ')
    return "".join(parts)


def _priority_name(priority: int) -> str:
    """How nft lists a priority: by the nearest standard name (``dstnat - 10``)."""
    if priority in _PRIORITY_NAMES:
        return _PRIORITY_NAMES[priority]
    base = min(_PRIORITY_NAMES, key=lambda p: abs(priority - p))
    delta = priority - base
    return f"{_PRIORITY_NAMES[base]} {'+' if delta > 0 else '-'} {abs(delta)}"


def _listed(rule: Rule) -> str:
    """A rule as ``nft list`` prints it: anonymous sets and vmaps without knftables' spaces before commas."""
    text = rule.line()
    return text.replace(" , ", ", ") if " , " in text else text


__all__ = ["Context", "NftError", "Table", "parse_rule"]
