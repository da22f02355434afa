"""Malformed values in .feature steps: every outcome is a clear step failure or a success.

Steps are generated from the step registry's own templates, with bad durations, counts and names
in their placeholders, and run the way the pytest plugin runs them (its step bindings). Outcomes
are counted per class and printed (``pytest -s``):

- clean rejection: a KspecError (a step failure with one message) or an AssertionError (a Then
  that does not hold);
- internal exception: anything else;
- hang: the step ran more than ``HANG_S`` seconds of wall time;
- wrongly accepted: the step succeeded with a duration Go cannot parse, or a count or exit code
  outside what the API or the kubelet can hold.

Bounded in CI; ``pytest --hypothesis-profile=fuzz`` runs thousands of examples.
"""

from __future__ import annotations

import re
import signal
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kspec.cluster import nodes_from_table
from kspec.errors import KspecError
from kspec.harness import Harness
from kspec.pytest_plugin import _binding
from kspec.steps.registry import _INT_NAMES, _PLACEHOLDER, PHRASES, Phrase, find

HANG_S = 10
EXAMPLES = max(420, settings.default.max_examples)
SETUP = [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
     "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
     "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
              "template": {"metadata": {"labels": {"app": "web"}},
                           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
]
BAD_DURATIONS = ["9999999999999999999h", "2562047h47m16.854775808s", "5x", "1.5.5s", "1e9h", "00", "1hh",
                 "9" * 40 + "ms", "0.0.1s", "1µ", "3", "12345678901234567890", "1h-5m", "5m.", "7d", "1y"]
GOOD_DURATIONS = ["0", "1s", "500ms", "1m", "1m30s", "2562047h47m16.854775807s"]
INT_VALUES = st.one_of(st.integers(-10, 300), st.integers(min_value=2**31 - 2, max_value=2**80),
                       st.integers(max_value=-1), st.sampled_from([0, 255, 256, 65535, 65536, 100_001, 150_001,
                                                                    5_001, 2**31, 2**63, 10**30]))
NAMES = st.one_of(st.sampled_from(["p", "web", "node-1", "c", "app=web"]),
                  st.sampled_from(["", " ", "ünï", "a" * 300, "Bad_Name", "-",
                                   "default", "kube-system", "a=b", "k=v:NoSchedule", "k:Never", "=", "x" * 64]),
                  st.text(alphabet=st.characters(blacklist_characters='"\n\r', blacklist_categories=("Cs",)),
                          max_size=12))
DURATION_RE = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)")
#: the largest valid value of each count placeholder that still runs in a moment (valid larger ones are folded)
FAST_LIMIT = {"n": 6, "count": 50, "replicas": 20, "code": 255, "low": 65535, "high": 65535, "revision": 10}
MAX_DURATION_MS = 9_223_372_036_855


class Hang(BaseException):
    """A step ran past HANG_S seconds of wall time."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang


def duration_ms(text: str) -> float | None:
    """The duration in ms if Go's time.ParseDuration would take it (written independently of kspec)."""
    if text == "0":
        return 0
    pos, total = 0, 0.0
    scale = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1, "s": 1e3, "m": 6e4, "h": 3.6e6}
    while pos < len(text):
        m = DURATION_RE.match(text, pos)
        if m is None:
            return None
        unit = re.search(r"(ns|us|µs|ms|s|m|h)$", m.group()).group()  # type: ignore[union-attr]
        total += float(m.group()[:-len(unit)]) * scale[unit]
        pos = m.end()
    return total if pos and total <= MAX_DURATION_MS else None


def bad_int(name: str, value: int, template: str) -> bool:
    """Outside what the API or kubelet holds: negative, past int32; exit codes 0-255; ports; connections."""
    if name == "code":
        return not 0 <= value <= 255
    if name in ("low", "high"):
        return not 0 <= value <= 65535
    if name == "count" and "connections" in template:
        return not 1 <= value <= 100_000
    if name == "n" and "cluster with" in template:
        return not 0 <= value <= 5000
    if name == "n" and "etcd has" in template:
        return not 1 <= value <= 15
    return not 0 <= value <= 2**31 - 1


@st.composite
def step_text(draw: st.DrawFn) -> tuple[Phrase, str, bool, list[list[str]] | None]:
    """A phrase's template with every placeholder filled, and whether a value in it is bad."""
    phrase = draw(st.sampled_from(PHRASES))
    out, pos, bad = [], 0, False
    for m in _PLACEHOLDER.finditer(phrase.template):
        out.append(phrase.template[pos:m.start()])
        name, choices = m.group(1), m.group(2)
        quoted = m.start() > 0 and phrase.template[m.start() - 1] == '"'
        if name == "in_ns":
            ns = draw(st.one_of(st.just(None), NAMES.filter(lambda s: s != "")))
            out.append(f' in namespace "{ns}"' if ns else "")
        elif choices:
            out.append(draw(st.from_regex(f"(?:{choices})", fullmatch=True).filter(lambda s: '"' not in s)))
        elif quoted:
            out.append(draw(NAMES))
        elif name in _INT_NAMES:
            value = draw(INT_VALUES)
            if bad_int(name, value, phrase.template):
                bad = True
            elif value > FAST_LIMIT.get(name, 50):
                value %= FAST_LIMIT.get(name, 50) + 1
            out.append(str(value))
        elif name == "duration":
            text = draw(st.sampled_from(BAD_DURATIONS + GOOD_DURATIONS))
            ms = duration_ms(text)
            if ms is None:
                bad = True
            elif ms > 60_000:
                text = "1m"  # valid long waits are allowed; they take real time
            out.append(text)
        elif name == "assertion":
            out.append(draw(st.sampled_from(['pod "p" is Running', 'pod "p" is ready', "etcd has a leader",
                                             'deployment "web" has 1 ready replicas', "nonsense"])))
        elif name == "quantity":
            q = draw(st.sampled_from(["100m", "-100m", "-1Gi", "1e400", "abc", "", "0", "1Ei", "5"]))
            bad = bad or q.startswith("-") or q in ("abc", "")  # 1e400 is a quantity (a big one)
            out.append(q)
        else:
            out.append(draw(NAMES.filter(lambda s: s.strip() != "")))
        pos = m.end()
    out.append(phrase.template[pos:])
    table = None
    if phrase.takes_table:
        table = draw(st.sampled_from([[["name", "cpu"], ["n1", "-1"]], [["name", "name"], ["a", "b"]],
                                      [["name", "pods"], ["a", "x"]], [["cpu"], ["1"]], [["name"], ["n1"]],
                                      [["NAME", "STATUS"], ["p", "Running"]]]))
    return phrase, "".join(out), bad, table


def run_step(keyword: str, text: str, table: list[list[str]] | None) -> str:
    """Run the step as the pytest plugin would; the outcome class."""
    k = Harness()
    if keyword != "given":
        k.new_cluster(nodes_from_table([["name"], ["node-1"]]))
        k.cluster.apply(SETUP)
    found = find(keyword, text)
    if found is None:
        return "unmatched"
    phrase, _args = found
    m = phrase.regex.fullmatch(text)
    assert m is not None
    kwargs: dict[str, Any] = {"kspec_args": dict(m.groupdict())}  # _PhraseParser.parse_arguments's shape
    if phrase.takes_table:
        kwargs["datatable"] = table
    if phrase.takes_text:
        kwargs["docstring"] = "kind: Pod\nmetadata: {name: [}"
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        k.step_text = text  # as pytest_bdd_before_step sets it
        _binding(phrase.keyword)(k, **kwargs)
        return "success"
    except Hang:
        return "hang"
    except (KspecError, AssertionError):
        return "clean rejection"
    except Exception as exc:  # noqa: BLE001 - exactly what this test looks for
        return f"internal: {type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_malformed_step_values() -> None:
    counts: Counter[str] = Counter()
    problems: list[str] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 1000,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(step_text())
    def one_step(generated: tuple[Phrase, str, bool, list[list[str]] | None]) -> None:
        phrase, text, bad, table = generated
        outcome = run_step(phrase.keyword, text, table)
        if outcome == "unmatched":
            counts["unmatched"] += 1
            return
        if outcome == "success" and bad:
            outcome = "wrongly accepted"
        cls = "internal exception" if outcome.startswith("internal") else outcome
        counts["tried"] += 1
        counts[cls] += 1
        if cls in ("internal exception", "hang", "wrongly accepted"):
            problems.append(f"{phrase.keyword.capitalize()} {text}: {outcome}")

    one_step()
    classes = ["success", "clean rejection", "internal exception", "hang", "wrongly accepted"]
    text = (f"malformed step values: tried {counts['tried']}, " + ", ".join(f"{c} {counts[c]}" for c in classes)
            + "".join(f"\n  {p}" for p in problems[:20]))
    print("\n" + text)
    assert counts["tried"] >= 368
    assert not problems, text
