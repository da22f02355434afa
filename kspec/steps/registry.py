"""The step vocabulary: every phrase kspec understands, in one registry.

Step modules declare phrases with ``given``/``when``/``then``; the pytest
plugin binds them to pytest-bdd (one step definition per keyword that looks
the phrase up here), ``kspec steps`` prints them, ``kspec lint``
matches feature files against them, and ``within {duration}`` re-uses every
state assertion.

Templates use ``{name}`` placeholders: inside quotes they match any text
without a quote; ``{n}``, ``{low}``, ``{high}`` and ``{count}`` match
integers; ``{duration}`` a Go duration; ``{name:a|b}`` one of the listed
words; ``{in_ns}`` an optional `` in namespace "<ns>"`` suffix (giving ``ns``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kspec.durations import PATTERN as DURATION
from kspec.steps.podargs import resolving_pod_refs

_INT_NAMES = frozenset({"n", "low", "high", "count", "revision", "code", "replicas"})
_PLACEHOLDER = re.compile(r"\{(\w+)(?::([^}]+))?\}")
IN_NS = r'(?: in namespace "(?P<ns>[^"]+)")?'


@dataclass
class Phrase:
    keyword: str  # given, when, then
    template: str
    domain: str
    func: Callable[..., Any]
    doc: str
    assertion: bool
    takes_table: bool = False
    takes_text: bool = False

    # compiled on first use: a hundred phrase regexes cost a noticeable part of pytest's start-up, and a run
    # matches each step against the few phrases that share its first words (``prefix``)
    @functools.cached_property
    def _compiled(self) -> tuple[re.Pattern[str], frozenset[str]]:
        return compile_template(self.template)

    @property
    def regex(self) -> re.Pattern[str]:
        return self._compiled[0]

    @property
    def ints(self) -> frozenset[str]:
        return self._compiled[1]

    @functools.cached_property
    def prefix(self) -> str:
        """The words before the first placeholder: every text the phrase matches starts with them."""
        m = _PLACEHOLDER.search(self.template)
        return self.template[:m.start()] if m else self.template

    def match(self, text: str) -> dict[str, Any] | None:
        m = self.regex.fullmatch(text)
        if m is None:
            return None
        return self.convert(m.groupdict())

    def convert(self, args: dict[str, Any]) -> dict[str, Any]:
        """Numbers as ints; in text, ``\\"`` (a quote escaped as in YAML or Go) is a plain quote, so
        ``"pods \\"web\\" is forbidden"`` means what ``"pods "web" is forbidden"`` does."""
        return {k: (int(v) if k in self.ints and v is not None
                    else v.replace('\\"', '"') if isinstance(v, str) else v) for k, v in args.items()}

    @property
    def display(self) -> str:
        """The phrase as a person writes it: ``{in_ns}`` shown as optional, word choices as ``{a|b}``."""
        def show(m: re.Match[str]) -> str:
            name, choices = m.group(1), m.group(2)
            if name == "in_ns":
                return ' [in namespace "{ns}"]'
            if choices and re.fullmatch(r"[\w-]+", choices):
                return choices  # one word to choose from is that word ("the cluster uses the ... network")
            if choices and re.fullmatch(r"[\w|-]+", choices):
                return "{" + choices + "}"
            return "{" + name + "}"
        return _PLACEHOLDER.sub(show, self.template)

    @property
    def formats(self) -> list[tuple[str, str]]:
        """(placeholder as displayed, how to write its value) for each placeholder that has a format."""
        out: list[tuple[str, str]] = []
        for m in _PLACEHOLDER.finditer(self.template):
            name, before = m.group(1), self.template[:m.start()]
            fmt = next((f for pattern, f in CONTEXT_FORMATS if re.search(pattern, before)), None) or FORMATS.get(name)
            shown = "{" + name + "}"
            if fmt and shown not in {s for s, _ in out}:
                out.append((shown, fmt))
        return out


_COUNTED_NOUN = re.compile(r"( [a-z]+)s\b")


def compile_template(template: str, *, loose: bool = False) -> tuple[re.Pattern[str], frozenset[str]]:
    """The phrase's regex; ``loose`` lets numbers and durations be any words, so checks can name a bad value."""
    out, pos, ints = [], 0, set()
    for m in _PLACEHOLDER.finditer(template):
        out.append(re.escape(template[pos:m.start()]))
        name, choices = m.group(1), m.group(2)
        quoted = m.start() > 0 and template[m.start() - 1] == '"'
        if name == "in_ns":
            out.append(IN_NS)
        elif choices:
            out.append(f"(?P<{name}>{choices})")
        elif quoted:
            out.append(f'(?P<{name}>[^"]*)')
        elif name in _INT_NAMES:
            out.append(f"(?P<{name}>[^\"\\s]+?)" if loose else f"(?P<{name}>-?\\d+)")
            ints.add(name)
            # "a cluster with 1 node": the plural noun after a count may be singular
            if plural := _COUNTED_NOUN.match(template, m.end()):
                out.append(re.escape(plural.group(1)) + "s?")
                pos = plural.end()
                continue
        elif name == "duration":
            out.append(f"(?P<{name}>[^\"]+?)" if loose else f"(?P<{name}>{DURATION})")
        else:
            out.append(f"(?P<{name}>.+?)")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out)), frozenset(ints)


PHRASES: list[Phrase] = []


def _register(keyword: str, template: str, domain: str, assertion: bool, table: bool, text: bool
              ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        # the docstring's first paragraph, on one line: a sentence wrapped in the source is not cut
        doc = " ".join(line.strip() for line in (func.__doc__ or "").strip().split("\n\n")[0].splitlines())
        PHRASES.append(Phrase(keyword, template, domain, resolving_pod_refs(keyword, template, func), doc,
                              assertion, takes_table=table, takes_text=text))
        return func
    return decorator


def given(template: str, *, domain: str, table: bool = False, text: bool = False
          ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return _register("given", template, domain, False, table, text)


def when(template: str, *, domain: str, table: bool = False, text: bool = False
         ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return _register("when", template, domain, False, table, text)


def then(template: str, *, domain: str, assertion: bool = True, table: bool = False, text: bool = False
         ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A state assertion; ``assertion=False`` for checks that have no ``within`` form."""
    return _register("then", template, domain, assertion, table, text)


def find(keyword: str, text: str, *, assertions_only: bool = False) -> tuple[Phrase, dict[str, Any]] | None:
    for phrase in PHRASES:
        if phrase.keyword != keyword or (assertions_only and not phrase.assertion):
            continue
        args = phrase.match(text)
        if args is not None:
            return phrase, args
    return None


#: How to write a placeholder's value, by placeholder name (``kspec steps`` and docs/steps.md show it).
FORMATS = {
    "duration": "a Go duration as Kubernetes writes it: 500ms, 30s, 5m, 1h30m (no spaces)",
    "pods": "pod names, comma-separated, in any order, or none",
    "nodes": "node names, comma-separated, in any order",
    "left": "etcd member names, comma-separated", "right": "etcd member names, comma-separated",
    "values": "comma-separated, in any order, as dig +short prints them, or none",
    "message": "the whole message, exact",
    "quantity": "a Kubernetes quantity: 500m, 2, 256Mi, 1Gi",
    "selector": "a label selector as kubectl -l takes it: app=web, tier in (a,b), !canary",
    "taint": "key=value:Effect or key:Effect (NoSchedule, PreferNoSchedule, NoExecute)",
    "label": "key=value",
    "cidr": "an address range: 10.96.0.0/12",
    "target": "host:port, the host a service name, a cluster IP, or a node name (for a node port)",
    "path": "relative to the feature file",
    "implementation": "a name a built-in or an installed plugin registers (an unknown name lists them)",
    "assertion": "any assertion of this list, without its Then",
}
#: Formats that depend on the words before the placeholder (``containing "{text}"``).
CONTEXT_FORMATS = (
    (r'containing "$', "part of the message: the step holds when the message contains this text"),
    (r'fails? with "$', "part of the error: the step holds when the error message contains this text"),
    (r'with message "$', "the whole message, exact"),
    (r'with warning "$', "part of a warning: the step holds when one warning of the request contains this text"),
    (r'output contains "$', "part of what the command printed (standard output or error)"),
    (r'the field "$', 'a JSONPath as kubectl get -o jsonpath takes it: {.spec.nodeName}, '
                     '{.status.conditions[?(@.type=="Ready")].status} (the braces may be left out)'),
)

#: The order ``kspec steps`` presents domains in, each where a reader would look for its phrases;
#: a domain not listed here follows, in alphabetical order, under its capitalised name.
DOMAIN_ORDER = ("time", "cluster", "nodes", "images", "objects", "pods", "workloads", "controllers", "scheduling",
                "metrics", "network", "storage", "access", "control-plane", "etcd", "commands", "tables")
DOMAIN_TITLES = {
    "time": "Time", "cluster": "Cluster set-up", "nodes": "Nodes", "images": "Images",
    "objects": "Acting on objects", "pods": "Pods and containers", "workloads": "Workloads",
    "controllers": "Workload controllers", "scheduling": "Scheduling", "metrics": "Resource usage (metrics)",
    "network": "Services, endpoints, DNS and traffic", "storage": "Storage", "access": "Identity and access",
    "control-plane": "Control plane", "etcd": "etcd", "commands": "Running real clients", "tables": "Tables",
}


def domain_title(domain: str) -> str:
    return DOMAIN_TITLES.get(domain, domain.replace("-", " ").capitalize())


def by_domain() -> dict[str, list[Phrase]]:
    out: dict[str, list[Phrase]] = {}
    for phrase in PHRASES:
        out.setdefault(phrase.domain, []).append(phrase)
    rank = {d: i for i, d in enumerate(DOMAIN_ORDER)}
    return dict(sorted(out.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))
