"""The step vocabulary as a reader looks it up: ``kspec steps`` (terminal) and docs/steps.md (markdown).

Both come from the registry, so the page cannot drift from the phrases: a test compares docs/steps.md
with :func:`markdown` and names the command that regenerates it (:data:`REGENERATE`).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from kspec import steps as _steps  # noqa: F401 - registers the vocabulary
from kspec.steps.registry import Phrase, by_domain, domain_title

REGENERATE = "kspec steps --markdown > docs/steps.md"
WITHIN = 'Every assertion (Then ...) also has the form "Then within {duration} <assertion>": time passes until it ' \
    "holds, or the step fails when the duration runs out."
NOTATION = (
    '`"{name}"` is a quoted string; `{n}` a whole number; `[in namespace "{ns}"]` may end the step (the namespace '
    "is `default` without it); `{a|b}` is one of the words listed. A step that ends with `:` takes a doc string "
    '(`"""` YAML `"""`) or a data table below it. Under a step, each value that has a format says how to write it.'
)


def _takes(phrase: Phrase) -> str:
    if phrase.takes_text:
        return "doc string"
    return "data table" if phrase.takes_table and phrase.template.endswith(":") else ""


def phrase_line(phrase: Phrase) -> str:
    takes = _takes(phrase)
    return f"{phrase.keyword.capitalize()} {phrase.display}" + (f"  + {takes}" if takes else "")


def matches(phrase: Phrase, words: Sequence[str]) -> bool:
    """Every word occurs in the phrase, its description, or its group's name (case-insensitive)."""
    haystack = " ".join([phrase.keyword, phrase.display, phrase.doc, phrase.domain, domain_title(phrase.domain),
                         *(f for _, f in phrase.formats)]).lower()
    return all(w.lower() in haystack for w in words)


_KEYWORD_RANK = {"given": 0, "when": 1, "then": 2}


def selected(words: Sequence[str] = ()) -> dict[str, list[Phrase]]:
    """Groups in reading order; in a group, Given before When before Then, else as registered."""
    out = {}
    for domain, phrases in by_domain().items():
        kept = sorted((p for p in phrases if matches(p, words)), key=lambda p: _KEYWORD_RANK.get(p.keyword, 3))
        if kept:
            out[domain] = kept
    return out


def text(words: Sequence[str] = (), width: int = 100) -> str:
    """The vocabulary for a terminal ``width`` columns wide, optionally only the phrases with all ``words``."""
    width = max(width, 40)
    groups = selected(words)
    if not groups:
        return f"no step mentions {' and '.join(repr(w) for w in words)}; `kspec steps` lists them all\n"
    out: list[str] = []
    for domain, phrases in groups.items():
        out.append(f"{domain_title(domain)}:")
        for p in phrases:
            out += textwrap.wrap(phrase_line(p), width, initial_indent="  ", subsequent_indent="          ",
                                 break_on_hyphens=False)
            if p.doc:
                out += textwrap.wrap(p.doc, width, initial_indent="      ", subsequent_indent="      ")
            for shown, fmt in p.formats:
                out += textwrap.wrap(f"{shown}: {fmt}", width, initial_indent="      ",
                                     subsequent_indent="        ", break_on_hyphens=False)
        out.append("")
    out += textwrap.wrap(WITHIN, width)
    return "\n".join(out) + "\n"


def _anchor(title: str) -> str:
    """GitHub's heading anchor."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def markdown() -> str:
    """docs/steps.md: every phrase by group, with its description and the format of its values."""
    groups = selected()
    out = ["# The kspec step vocabulary", "",
           f"Generated from kspec's step registry by `{REGENERATE}`; do not edit it by hand. "
           "`kspec steps WORDS` prints the phrases that mention every word.", "",
           NOTATION, "", WITHIN.replace('"', "`"), "", "Contents:", ""]
    out += [f"- [{domain_title(d)}](#{_anchor(domain_title(d))})" for d in groups]
    for domain, phrases in groups.items():
        out += ["", f"## {domain_title(domain)}", ""]
        for p in phrases:
            doc = f": {p.doc}" if p.doc else ""
            takes = f" + {_takes(p)}" if _takes(p) else ""
            out.append(f"- `{p.keyword.capitalize()} {p.display}`{takes}{doc}")
            out += [f"  - `{shown}`: {fmt}" for shown, fmt in p.formats]
    return "\n".join(out) + "\n"
