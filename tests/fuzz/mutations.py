"""Deterministic mutations of valid manifests, and how kspec takes each one.

Every mutation is a function of (corpus entry, input class, seed), so a failure is reproduced
from three values. ``expect_reject`` says the mutant is one upstream must refuse; it is judged
from upstream's schema (kspec/api/openapi) and YAML rules, not from kspec's answer.
"""

from __future__ import annotations

import json
import random
import re
import signal
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.fuzz.corpus import CORPUS

CLASSES = ("wrong_type", "missing_field", "unknown_field", "huge_number", "bad_name", "yaml_alias",
           "yaml_tag", "deep_nesting", "yaml_scalar", "reject_value")

_SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "kspec" / "api" / "openapi" / "v1.35.0.json")
                     .read_text(encoding="utf-8"))
_DEFS: dict[str, Any] = _SCHEMA["definitions"]
_QUANTITY_RE = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_INT = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

Path_ = tuple[Any, ...]


@dataclass(frozen=True)
class Mutation:
    corpus: str
    cls: str
    seed: int
    text: str
    expect_reject: bool
    note: str


# -- upstream's schema as an oracle -------------------------------------------------


def schema_type(doc: Any, path: Path_) -> Any:
    """The schema type at ``path`` in a document (None where there is none: unknown or untyped)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("apiVersion"), str) or not isinstance(doc.get("kind"), str):
        return None
    name = _SCHEMA["kinds"].get(f"{doc['apiVersion']}/{doc['kind']}")
    if name is None:
        return None
    t: Any = {"ref": name}
    for step in path:
        t = _resolve(t)
        if isinstance(t, dict) and "fields" in t:
            t = t["fields"].get(step)
        elif isinstance(t, dict) and "list" in t and isinstance(step, int):
            t = t["list"]
        elif isinstance(t, dict) and "map" in t:
            t = t["map"]
        else:
            return None
        if t is None:
            return None
    return _resolve(t)


def _resolve(t: Any) -> Any:
    while isinstance(t, dict) and "ref" in t:
        t = _DEFS[t["ref"]]
    return t


def upstream_rejects(t: Any, value: Any) -> bool:
    """Would sigs.k8s.io/json refuse ``value`` (as kubectl sends it) for a field of type ``t``?"""
    if t is None or value is None or t == "any":
        return False
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return True
    if isinstance(t, dict):
        if "list" in t:
            return not isinstance(value, list)
        return not isinstance(value, dict)
    if t in ("string", "time"):
        return not isinstance(value, str)
    if t == "bytes":
        import base64
        import binascii

        if not isinstance(value, str):
            return True
        try:
            base64.b64decode(value, validate=True)
            return False
        except (binascii.Error, ValueError):
            return True
    if t == "bool":
        return not isinstance(value, bool)
    if t == "float64":
        return isinstance(value, bool) or not isinstance(value, int | float)
    if t in _INT or t == "intstr":
        if t == "intstr" and isinstance(value, str):
            return False
        low, high = _INT.get(t, _INT["int32"])
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
            value = int(value)
        return isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
    if t == "quantity":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return True
        return isinstance(value, str) and re.match(_QUANTITY_RE, value.strip()) is None
    return False


# -- tree helpers -------------------------------------------------------------------


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(node, dict):
        for k in node:
            yield from _paths(node[k], (*prefix, k))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _paths(item, (*prefix, i))


def _get(node: Any, path: Path_) -> Any:
    for step in path:
        node = node[step]
    return node


def _set(node: Any, path: Path_, value: Any) -> None:
    _get(node, path[:-1])[path[-1]] = value


def _docs(name: str) -> list[Any]:
    return list(yaml.safe_load_all(CORPUS[name]))


def _dump(docs: list[Any]) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False, default_flow_style=False, width=10_000)


def _pick_doc(docs: list[Any], rng: random.Random) -> tuple[Any, Path_]:
    """A document, or an item of a List, and the path of the object inside it."""
    i = rng.randrange(len(docs))
    doc = docs[i]
    if doc.get("kind") == "List" and doc.get("items"):
        j = rng.randrange(len(doc["items"]))
        return doc["items"][j], ()
    return doc, ()


# -- the mutation classes ------------------------------------------------------------

_ODD_VALUES: tuple[Any, ...] = ("text", "3", "", 7, -1, 1.5, 0.0, True, False, None, [], [1, "a"], {},
                                {"k": "v"}, "100m", "25%", "2024-01-01", 2**40)


def wrong_type(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    path = rng.choice([p for p in _paths(obj) if p])
    value = rng.choice(_ODD_VALUES)
    _set(obj, path, value)
    return upstream_rejects(schema_type(obj, path), value), f"{_dotted(path)} = {value!r}"


def missing_field(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    path = rng.choice([p for p in _paths(obj) if p and isinstance(_get(obj, p[:-1]), dict)])
    del _get(obj, path[:-1])[path[-1]]
    return len(path) == 1 and path[0] in ("apiVersion", "kind"), f"drop {_dotted(path)}"


_MISSPELL = ("contianers", "imagee", "nme", "replica", "selectr", "spec", "Name", "labelz", "metadata",
             "value", "x-extra")


def unknown_field(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    dicts = [p for p in _paths(obj) if isinstance(_get(obj, p), dict)]
    path = rng.choice(dicts)
    target = _get(obj, path)
    if target and rng.random() < 0.6:
        key = rng.choice(list(target))
        key = {0: key + "e", 1: key[:-1], 2: key.capitalize() if key[:1].islower() else key.lower()}[rng.randrange(3)]
    else:
        key = rng.choice(_MISSPELL)
    if key in target:
        key += "x"
    target[key] = rng.choice(("x", 1, {"a": 1}))
    t = schema_type(obj, path)
    return isinstance(t, dict) and "fields" in t and key not in t["fields"], f"add {_dotted((*path, key))}"


_HUGE = (2**31, 2**31 - 1, -(2**31), -(2**31) - 1, 2**63, -(2**63) - 1, 10**30, -1, 0, 1e300, 2.5e9, -0.5)


def huge_number(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    leaves = [p for p in _paths(obj) if p and not isinstance(_get(obj, p), dict | list)]
    numeric = [p for p in leaves if isinstance(_get(obj, p), int | float) and not isinstance(_get(obj, p), bool)]
    path = rng.choice(numeric or leaves)
    value = rng.choice(_HUGE)
    _set(obj, path, value)
    return upstream_rejects(schema_type(obj, path), value), f"{_dotted(path)} = {value!r}"


_LABEL_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_BAD_NAMES = ("Bad_Name", "x" * 300, "-lead", "trail-", "名前", "a b", "..", "UPPER", "a/b", "@home")


def bad_name(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    md = obj.setdefault("metadata", {})
    choice = rng.randrange(4)
    value = rng.choice(_BAD_NAMES)
    if choice == 0:
        md["name"] = value
        return True, f"metadata.name = {value!r}"
    if choice == 1:
        md.setdefault("labels", {})[value] = "v"
        prefix, _, name = value.rpartition("/")
        ok = _LABEL_NAME.fullmatch(name) is not None and len(name) <= 63 and (
            not prefix or _DNS_SUBDOMAIN.fullmatch(prefix) is not None)
        return not ok, f"label key {value!r}"
    if choice == 2:
        md.setdefault("labels", {})["ok"] = value
        ok = value == "" or (len(value) <= 63 and _LABEL_NAME.fullmatch(value) is not None)
        return not ok, f"label value {value!r}"
    containers = _find_containers(obj)
    if containers:
        containers[0]["name"] = value
        # ValidatePodTemplateSpecForStatefulSet checks a StatefulSet template's labels and annotations only
        # (its pod spec is left to the pods the controller creates), so there upstream accepts the object
        return obj.get("kind") != "StatefulSet", f"container name {value!r}"
    md["name"] = value
    return True, f"metadata.name = {value!r}"


def _find_containers(node: Any) -> list[Any] | None:
    if isinstance(node, dict):
        if isinstance(node.get("containers"), list):
            return node["containers"]
        for v in node.values():
            found = _find_containers(v)
            if found:
                return found
    return None


def yaml_alias(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    kind = rng.randrange(3)
    if kind == 0:  # a node shared by two places: harmless when both accept it
        dicts = [p for p in _paths(obj) if p and isinstance(_get(obj, p), dict)]
        src, dst = rng.choice(dicts), rng.choice(dicts)
        if dst[:len(src)] == src or src[:len(dst)] == dst:
            return False, "no alias"
        shared = _get(obj, src)
        _set(obj, dst, shared)
        return upstream_rejects(schema_type(obj, dst), shared) or _unknown_keys(obj, dst, shared), \
            f"alias {_dotted(src)} at {_dotted(dst)}"
    if kind == 1:  # a node containing itself
        md = obj.setdefault("metadata", {})
        md["labels"] = md
        return True, "metadata.labels is an alias of metadata"
    level: Any = ["lol"] * 9
    for _ in range(rng.randrange(5, 9)):
        level = [level] * 9
    obj.setdefault("metadata", {}).setdefault("annotations", {})
    obj["laughs"] = level
    return True, "billion laughs under .laughs"


def _unknown_keys(obj: Any, path: Path_, value: Any) -> bool:
    t = schema_type(obj, path)
    if isinstance(t, dict) and "fields" in t and isinstance(value, dict):
        return any(k not in t["fields"] for k in value)
    return False


_TAGS = (("!!python/name:os.system ''", True), ("!!binary aGVsbG8=", True), ("!foo bar", True),
         ("!!set {a: null}", True), ("!!timestamp 2024-01-01", True), ("!!omap [{a: 1}]", True),
         ("!!str 5", None), ("!!int '7'", None), ("!!float '1'", None), ("!!null ''", None))


def yaml_tag(docs: list[Any], rng: random.Random) -> tuple[bool, str, str]:
    obj, _ = _pick_doc(docs, rng)
    leaves = [p for p in _paths(obj) if p and not isinstance(_get(obj, p), dict | list)]
    path = rng.choice(leaves)
    tag, rejected = rng.choice(_TAGS)
    _set(obj, path, "__TAGGED__")
    text = _dump(docs).replace("__TAGGED__", tag, 1)
    if rejected is None:
        value = yaml.safe_load(f"x: {tag}")["x"]
        rejected = upstream_rejects(schema_type(obj, path), value)
    return bool(rejected), f"{_dotted(path)} = {tag}", text


def deep_nesting(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    depth = rng.choice((10, 40, 150, 250, 1000, 3000))
    node: Any = "leaf"
    for i in range(depth):
        node = {"a": node} if i % 2 else [node]
    path = rng.choice([p for p in _paths(obj) if p])
    _set(obj, path, node)
    t = schema_type(obj, path)
    return depth > 200 or upstream_rejects(t, node) or _unknown_keys(obj, path, node), \
        f"{_dotted(path)} nested {depth} deep"


_SCALARS = ("yes", "no", "on", "off", "~", "0o17", "017", "0x1F", "1_000", "1:30", "2024-01-01",
            "2024-01-01T10:00:00Z", "12e3", "1.0e3", ".nan", ".inf", "-.inf", "null", "'3'", "TRUE", "0.")


def yaml_scalar(docs: list[Any], rng: random.Random) -> tuple[bool, str, str]:
    obj, _ = _pick_doc(docs, rng)
    if rng.random() < 0.25:  # a duplicate key in metadata (a struct)
        md = obj.setdefault("metadata", {})
        md["__DUP__"] = "x"
        text = _dump(docs).replace("__DUP__: x", "name: again", 1)
        return True, "duplicate metadata.name", text
    leaves = [p for p in _paths(obj) if p and not isinstance(_get(obj, p), dict | list)]
    path = rng.choice(leaves)
    token = rng.choice(_SCALARS)
    _set(obj, path, "__SCALAR__")
    text = _dump(docs).replace("'__SCALAR__'", token, 1).replace("__SCALAR__", token, 1)
    value = _kubectl_scalar(token)
    rejected = upstream_rejects(schema_type(obj, path), value)
    if path[-1] in ("apiVersion", "kind") and not isinstance(value, str):
        rejected = True
    return rejected, f"{_dotted(path)} = {token}", text


def _kubectl_scalar(token: str) -> Any:
    """YAML 1.1 as kubectl reads it: timestamps stay strings."""
    value = yaml.safe_load(f"x: {token}")["x"]
    return token if hasattr(value, "isoformat") else value


# (kinds, path, value): values upstream's validation refuses
_REJECTED: tuple[tuple[tuple[str, ...], Path_, Any], ...] = (
    (("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"), ("spec", "replicas"), -1),
    (("Deployment",), ("spec", "strategy", "type"), "Sideways"),
    (("Deployment",), ("spec", "template", "metadata", "labels"), {"app": "other"}),
    (("Pod",), ("spec", "restartPolicy"), "Sometimes"),
    (("Pod",), ("spec", "containers", 0, "image"), ""),
    (("Pod",), ("spec", "containers", 0, "name"), "Bad_Name"),
    (("Pod",), ("spec", "containers", 0, "resources", "requests", "cpu"), "-1"),
    (("Pod",), ("spec", "containers", 0, "resources"), {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
    (("Pod",), ("spec", "containers", 0, "ports"), [{"containerPort": 70000}]),
    (("Pod",), ("spec", "containers", 0, "ports"), [{"containerPort": 80, "protocol": "XYZ"}]),
    (("Pod",), ("spec", "tolerations"), [{"key": "a", "operator": "Maybe"}]),
    (("Pod",), ("spec", "affinity"), {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Near", "values": ["a"]}]}]}}}),
    (("Job",), ("spec", "completionMode"), "Sometimes"),
    (("Job",), ("spec", "backoffLimit"), -1),
    (("Job",), ("spec", "template", "spec", "restartPolicy"), "Always"),
    (("CronJob",), ("spec", "schedule"), "bad"),
    (("CronJob",), ("spec", "schedule"), "61 * * * *"),
    (("CronJob",), ("spec", "schedule"), "*/0 * * * *"),
    (("CronJob",), ("spec", "timeZone"), "Mars/Base"),
    (("CronJob",), ("spec", "concurrencyPolicy"), "Sometimes"),
    (("Service",), ("spec", "type"), "Magic"),
    (("Service",), ("spec", "ports", 0, "port"), 0),
    (("Service",), ("spec", "sessionAffinity"), "Sticky"),
    (("ConfigMap",), ("data",), {"bad key": "x"}),
    (("Secret",), ("data",), {"password": "not base64!"}),
    (("HorizontalPodAutoscaler",), ("spec", "maxReplicas"), 0),
    (("HorizontalPodAutoscaler",), ("spec", "metrics", 0, "type"), "Magic"),
    (("HorizontalPodAutoscaler",), ("spec", "behavior", "scaleDown", "stabilizationWindowSeconds"), 4000),
    (("PodDisruptionBudget",), ("spec", "minAvailable"), "150%"),
    (("PodDisruptionBudget",), ("spec", "maxUnavailable"), 1),
    (("PriorityClass",), ("value",), 2_000_000_000),
    (("PriorityClass",), ("metadata", "name"), "system-mine"),
    (("PriorityClass",), ("preemptionPolicy",), "Sometimes"),
    (("Namespace",), ("metadata", "name"), "Bad_NS"),
    (("ServiceAccount", "DaemonSet", "StatefulSet", "ConfigMap", "Secret", "Service", "Job", "CronJob",
      "Deployment", "Pod", "ReplicaSet", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ReplicationController"),
     ("metadata", "name"), "Bad_Name"),
)


def reject_value(docs: list[Any], rng: random.Random) -> tuple[bool, str]:
    obj, _ = _pick_doc(docs, rng)
    options = [(path, value) for kinds, path, value in _REJECTED if obj.get("kind") in kinds]
    # a StatefulSet's template pod spec is not validated upstream (ValidatePodTemplateSpecForStatefulSet)
    if obj.get("kind") in ("Deployment", "ReplicaSet", "DaemonSet", "Job", "ReplicationController"):
        spec = _template_spec(obj)
        if spec is not None:
            options += [(("__template__", *path[1:]), value) for kinds, path, value in _REJECTED if "Pod" in kinds
                        and path[0] == "spec"]
    path, value = rng.choice(options)
    if path[0] == "__template__":
        target: Any = _template_spec(obj)
        path = path[1:]
    else:
        target = obj
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(target, list) or len(target) <= step:
                return False, "no such path"
            target = target[step]
        else:
            target = target.setdefault(step, {}) if isinstance(target, dict) else None
            if target is None:
                return False, "no such path"
    if isinstance(target, dict) or (isinstance(target, list) and isinstance(path[-1], int) and
                                    len(target) > path[-1]):
        target[path[-1]] = value
        return True, f"{_dotted(path)} = {value!r}"
    return False, "no such path"


def _template_spec(obj: Any) -> Any:
    spec = obj.get("spec") or {}
    return ((spec.get("template") or {}).get("spec")) if isinstance(spec, dict) else None


def _dotted(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


_MUTATORS: dict[str, Callable[..., Any]] = {
    "wrong_type": wrong_type, "missing_field": missing_field, "unknown_field": unknown_field,
    "huge_number": huge_number, "bad_name": bad_name, "yaml_alias": yaml_alias, "yaml_tag": yaml_tag,
    "deep_nesting": deep_nesting, "yaml_scalar": yaml_scalar, "reject_value": reject_value,
}


def mutate(corpus: str, cls: str, seed: int) -> Mutation:
    """The mutant of ``corpus`` in class ``cls`` for ``seed`` (same inputs, same text)."""
    rng = random.Random(f"{corpus}/{cls}/{seed}")
    docs = _docs(corpus)
    result = _MUTATORS[cls](docs, rng)
    if len(result) == 3:
        expect, note, text = result
    else:
        expect, note = result
        try:
            text = _dump(docs)
        except RecursionError:
            text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[" * 3000 + "]" * 3000
            expect = True
    return Mutation(corpus, cls, seed, text, bool(expect), note)


# -- running one mutant --------------------------------------------------------------


class Hang(Exception):
    """The example outlived its wall-clock budget."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def _raise(_signum: int, _frame: Any) -> None:
        raise Hang(f"no answer within {seconds}s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Outcome:
    kind: str  # "accepted", "rejected", "internal", "hang"
    message: str


def run(text: str, *, minutes: int = 3, budget_s: float = 10.0) -> Outcome:
    """Apply the text to a fresh 2-node cluster and run a few virtual minutes."""
    from kspec.cluster import Cluster
    from kspec.errors import KspecError

    cluster = Cluster(nodes=2, seed=0)
    stage = "apply"
    try:
        with time_limit(budget_s):
            cluster.apply(text, source="fuzz.yaml")
            stage = "run"
            cluster.run_for(f"{minutes}m")
    except Hang as exc:
        return Outcome("hang", f"{stage}: {exc}")
    except KspecError as exc:
        if stage == "run":
            return Outcome("internal", f"after acceptance: {type(exc).__name__}: {exc}")
        return Outcome("rejected", str(exc))
    except Exception as exc:  # noqa: BLE001 - that is what the fuzzer looks for
        tb = traceback.extract_tb(exc.__traceback__)
        where = f"{tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else "?"
        return Outcome("internal", f"{stage}: {type(exc).__name__} at {where}: {exc}")
    return Outcome("accepted", "")
