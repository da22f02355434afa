"""Junk arguments to every public ``Cluster`` method: success, or a KspecError naming the parameter.

Each example calls one method with one parameter replaced by junk (None, ints, floats, huge ints,
lists, dicts, bytes, odd strings) and the others valid, on a fresh one-node cluster with a pod and a
deployment. Outcomes are counted per class and printed (``pytest -s``):

- clean rejection: a KspecError; when the junk has the wrong type or range for the parameter, its
  message names the parameter;
- internal exception: anything else (TypeError, KeyError, ...);
- hang: the call ran more than ``HANG_S`` seconds of wall time;
- wrongly accepted: junk of the wrong type or range that the call accepted.

Bounded in CI; ``pytest --hypothesis-profile=fuzz`` runs thousands of examples.
"""

from __future__ import annotations

import inspect
import signal
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kspec.cluster import Cluster, NodeSpec
from kspec.errors import KspecError

HANG_S = 10
EXAMPLES = max(400, settings.default.max_examples)
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
              "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def rng(low: int, high: int | None) -> Callable[[Any], bool]:
    return lambda v: is_int(v) and v >= low and (high is None or v <= high)


def choice(*values: Any) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and v in values


STR: Callable[[Any], bool] = lambda v: isinstance(v, str)  # noqa: E731
OPT_STR: Callable[[Any], bool] = lambda v: v is None or isinstance(v, str)  # noqa: E731
BOOL: Callable[[Any], bool] = lambda v: isinstance(v, bool)  # noqa: E731
CALL: Callable[[Any], bool] = callable
DICT: Callable[[Any], bool] = lambda v: isinstance(v, dict)  # noqa: E731
ANY: Callable[[Any], bool] = lambda v: True  # noqa: E731
DURATION = lambda v: isinstance(v, str) or rng(0, 9_223_372_036_855)(v)  # noqa: E731
MANIFEST = lambda v: isinstance(v, str | dict) or (  # noqa: E731
    isinstance(v, list) and all(isinstance(x, dict) for x in v))
NAME, NS = ("name", "p", STR), ("namespace", "default", STR)

#: method -> (parameter, a valid value, what the parameter accepts); None: keyword-only parameters by name
METHODS: dict[str, list[tuple[str, Any, Callable[[Any], bool]]]] = {
    "use": [("component", "scheduler", STR), ("name", "default-scheduler", STR)],
    "has": [("component", "runtime", STR)],
    "require": [("component", "runtime", STR), ("what", None, OPT_STR)],
    "add_node": [("spec", NodeSpec("extra"), lambda v: isinstance(v, NodeSpec))],
    "patch_node": [("name", "node-1", STR), ("mutate", lambda n: None, CALL)],
    "set_node_resource": [("name", "node-1", STR), ("resource", "example.com/x", STR),
                          ("quantity", "2", lambda v: isinstance(v, str | int) and not isinstance(v, bool))],
    "label_node": [("name", "node-1", STR), ("label", "a=b", STR)],
    "taint_node": [("name", "node-1", STR), ("taint", "k=v:NoSchedule", lambda v: isinstance(v, str | dict))],
    "remove_taint": [("name", "node-1", STR), ("key", "k", STR),
                     ("effect", None, lambda v: v is None or choice("NoSchedule", "PreferNoSchedule", "NoExecute")(v))],
    "cordon": [("name", "node-1", STR), ("unschedulable", True, BOOL)],
    "describe_image": [("image", "nginx", STR)],
    "apply": [("manifest", POD, MANIFEST)],
    "create": [("obj", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}, DICT)],
    "update": [("obj", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}, DICT)],
    "patch": [("kind", "deployment", STR), ("name", "web", STR), ("mutate", lambda o: None, CALL), NS],
    "delete": [("kind", "pod", STR), NAME, NS, ("grace_period_seconds", None, lambda v: v is None or rng(0, None)(v)),
               ("propagation", "Background", choice("Background", "Foreground", "Orphan"))],
    "get": [("kind", "pod", STR), NAME, NS],
    "try_get": [("kind", "pod", STR), NAME, NS],
    "events_for": [("kind", "pod", STR), NAME, NS],
    "list": [("kind", "pods", STR), ("namespace", "default", OPT_STR), ("selector", None, OPT_STR)],
    "scale": [("kind", "deployment", STR), ("name", "web", STR), ("replicas", 2, rng(0, 150_000)), NS],
    "set_image": [("kind", "deployment", STR), ("name", "web", STR), ("image", "nginx:2", STR),
                  ("container", None, OPT_STR), NS],
    "rollback": [("deployment", "web", STR), ("revision", 0, rng(0, None)), NS],
    "drain": [("node", "node-1", STR)],
    "stop_node": [("node", "node-1", STR)],
    "restore_node": [("node", "node-1", STR)],
    "set_probe": [("pod", "p", STR), ("probe", "readiness", choice("readiness", "liveness", "startup")),
                  ("passing", False, BOOL), NS],
    "exit_container": [("pod", "p", STR), ("container", "c", STR), ("code", 1, rng(0, 255)), NS],
    "pod_environment": [("pod", "p", STR), NS],
    "resolve": [("pod", "p", STR), ("name", "kubernetes.default", STR), NS],
    "dns_records": [("rtype", "A", STR), ("name", "kubernetes.default.svc.cluster.local", STR)],
    "connect": [("pod", "p", STR), ("host", "10.96.0.1", STR), ("port", 443, rng(1, 65535)), NS],
    "use_etcd": [("members", 3, rng(1, 15))],
    "etcd_action": [("action", "heal", choice("stop", "start", "partition", "heal"))],
    "probe_write": [],
    "run_for": [("duration", "1s", DURATION)],
    "settle": [("limit", "1m", DURATION)],
    "run_until": [("predicate", lambda: True, CALL), ("timeout", "1s", DURATION)],
    "start": [],
    "__init__": [("nodes", 1, lambda v: rng(0, 5000)(v) or (
        isinstance(v, list | tuple) and all(isinstance(x, str | NodeSpec) for x in v))),
                 ("seed", 1, is_int), ("etcd_members", 0, rng(0, 15))],
}
#: parameters whose valid values can be large enough to take minutes (long waits, many pods or nodes):
#: a junk int inside the valid range is folded down to a small one, so a run measures checks, not patience
SLOW_WHEN_LARGE = {"duration", "limit", "timeout", "replicas", "nodes", "members", "etcd_members"}

ODD_STRINGS = ["", " ", "-", "\x00", "../..", "ünï", "a" * 300, "1e400", "NaN", "-5", "9999999999999999999h",
               "key=:NoSchedule", "=", "::", "3", "5 minutes", "-1s", "1h-", "Ready", "default"]
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**31 - 2, max_value=2**70),
    st.integers(max_value=-1), st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.binary(max_size=5),
    st.sampled_from(ODD_STRINGS), st.text(max_size=12),
)


class Hang(BaseException):
    """A call ran past HANG_S seconds of wall time."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise Hang


def public_methods() -> list[str]:
    """Every public Cluster method: the table's, and any added since (those are judged on crashes only)."""
    names = [n for n, m in vars(Cluster).items() if inspect.isfunction(m) and not n.startswith("_")]
    return sorted(set(names) | set(METHODS))


def fresh_cluster() -> Cluster:
    c = Cluster(nodes=1, seed=1)
    c.apply([POD, DEPLOYMENT])
    return c


def params_of(method: str) -> list[tuple[str, Any, Callable[[Any], bool]]]:
    if method in METHODS:
        return METHODS[method]
    sig = inspect.signature(getattr(Cluster, method))  # a method added after this table: junk only
    return [(p.name, None, ANY) for p in list(sig.parameters.values())[1:]
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def call(method: str, args: dict[str, Any]) -> None:
    if method == "__init__":
        Cluster(**args)
        return
    c = fresh_cluster()
    fn = getattr(c, method)
    sig = inspect.signature(fn)
    positional = [args[n] for n, p in sig.parameters.items() if n in args and p.kind is p.POSITIONAL_OR_KEYWORD]
    keywords = {n: args[n] for n, p in sig.parameters.items() if n in args and p.kind is p.KEYWORD_ONLY}
    fn(*positional, **keywords)


def classify(method: str, param: str, value: Any, accepts: Callable[[Any], bool], args: dict[str, Any]) -> str:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        call(method, args)
        outcome = "success"
    except Hang:
        return "hang"
    except KspecError as exc:
        outcome = "rejected"
        if not accepts(value) and param not in str(exc):
            return f"internal: the message does not name {param}: {exc}"
    except Exception as exc:  # noqa: BLE001 - exactly what this test looks for
        return f"internal: {type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if outcome == "success" and not accepts(value):
        return "wrongly accepted"
    return "clean rejection" if outcome == "rejected" else "success"


def report(title: str, counts: Counter[str], problems: list[str]) -> str:
    classes = ["success", "clean rejection", "internal exception", "hang", "wrongly accepted"]
    lines = [f"{title}: tried {counts['tried']}, " + ", ".join(f"{c} {counts[c]}" for c in classes)]
    lines += [f"  {p}" for p in problems[:20]]
    return "\n".join(lines)


def test_junk_arguments_to_every_public_cluster_method() -> None:
    counts: Counter[str] = Counter()
    problems: list[str] = []
    methods = [m for m in public_methods() if params_of(m)]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 1000,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def one_call(data: st.DataObject) -> None:
        method = data.draw(st.sampled_from(methods), label="method")
        params = params_of(method)
        param, _valid, accepts = data.draw(st.sampled_from(params), label="param")
        value = data.draw(JUNK, label="junk")
        if param in SLOW_WHEN_LARGE and accepts(value) and is_int(value):
            value = value % 7
        args = {name: valid for name, valid, _ in params}
        args[param] = value
        outcome = classify(method, param, value, accepts, args)
        counts["tried"] += 1
        cls = "internal exception" if outcome.startswith("internal") else outcome
        counts[cls] += 1
        if cls in ("internal exception", "hang", "wrongly accepted"):
            problems.append(f"{method}({param}={value!r}): {outcome}")

    one_call()
    text = report("junk API arguments", counts, problems)
    print("\n" + text)
    assert counts["tried"] >= min(EXAMPLES, 322)
    assert not problems, text
