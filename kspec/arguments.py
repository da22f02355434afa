"""Argument checks for the Python API: a bad argument fails at the call with the parameter named.

``Cluster`` and ``Expect`` methods are wrapped by ``checked_methods``: every
argument is checked against the method's own type hints (``str``, ``int``,
``str | None``, ``Callable``, ``list[Obj]`` ...), then against value rules a
method declares with ``@rules(param=...)`` (ranges, choices). A failure is an
``ArgumentError`` (a ``KspecError`` and a ``ValueError``) saying which
parameter of which method got what, never a ``TypeError`` from deep inside.

The limits are upstream's: int32 fields, Go's ``time.Duration``, exit codes as
the kubelet reports them (0-255), and the scalability envelope kspec can hold
(5,000 nodes, 150,000 pods) so a typo fails at once instead of running for
minutes.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from kspec.durations import MAX_DURATION_MS, parse_duration
from kspec.errors import ArgumentError
from kspec.quantity import parse_quantity

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
#: upstream's scalability envelope (sig-scalability thresholds): what the simulation is built to hold
MAX_NODES = 5_000
MAX_PODS = 150_000
MAX_CONNECTIONS = 100_000
MAX_ETCD_MEMBERS = 15
Rule = Callable[[Any, str], None]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    return type(value).__name__


# -- value rules ----------------------------------------------------------------------------------
def between(low: int | None, high: int | None, why: str = "") -> Rule:
    """An int (never a bool) in [low, high]; ``why`` says whose limit ``high`` is."""
    def check(value: Any, param: str) -> None:
        if value is None:
            return
        integer(value, param)
        if low is not None and value < low:
            raise ArgumentError(f"{param} {value} is out of range: it must be at least {low}")
        if high is not None and value > high:
            raise ArgumentError(f"{param} {value} is out of range: it must be at most {high:,}"
                                + (f" ({why})" if why else ""))
    return check


def integer(value: Any, param: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(f"{param} must be a whole number (int), got {_type_name(value)} {_show(value)}")


def one_of(*choices: str) -> Rule:
    def check(value: Any, param: str) -> None:
        if value is not None and value not in choices:
            raise ArgumentError(f"{param} {_show(value)} is not one of {', '.join(choices)}")
    return check


def replicas(value: Any, param: str) -> None:
    """spec.replicas: an int32 for the API; at most what kspec simulates. Negative counts are the API's to reject."""
    integer(value, param)
    if not -INT32_MAX - 1 <= value <= INT32_MAX:
        # the apiserver cannot decode it: cannot unmarshal number into Go struct field ...replicas of type int32
        raise ArgumentError(f"{param} {value} is out of range: spec.replicas is an int32 (at most {INT32_MAX:,})")
    if value > MAX_PODS:
        raise ArgumentError(f"{param} {value:,} is more pods than kspec simulates: upstream's scalability envelope "
                            f"is {MAX_PODS:,} pods and {MAX_NODES:,} nodes")


def check_node_count(n: int) -> str:
    """The message for a cluster past the node envelope."""
    return (f"{n:,} nodes is more than kspec simulates: upstream's scalability envelope is {MAX_NODES:,} nodes "
            f"and {MAX_PODS:,} pods")


def check_quantity(value: Any, param: str, error: type[Exception] = ArgumentError) -> None:
    """A resource quantity (``500m``, ``4Gi``, or a number) that is not negative."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise error(f"{param} must be a quantity such as \"500m\" or \"4Gi\", got {_type_name(value)} {_show(value)}")
    try:
        amount = parse_quantity(value)
    except ValueError as exc:
        raise error(f"{param} {_show(value)} is not a quantity: {exc}") from None
    if amount < 0:
        raise error(f"{param} {_show(value)} is negative: capacities and usages must be at least 0")

EXIT_CODE = between(0, 255, "the kubelet reports exit codes 0-255")
PORT = between(1, 65535, "a TCP or UDP port")
COUNT = between(0, INT32_MAX)


def duration_ms(value: Any, param: str) -> int:
    """A duration as the API takes it: a Go duration string (``90s``) or integer milliseconds."""
    if isinstance(value, str):
        try:
            ms = parse_duration(value)
        except ValueError as exc:
            raise ArgumentError(f"{param} {_show(value)}: {exc}") from None
    elif isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(f"{param} must be a Go duration (\"5m\", \"1h30m\") or milliseconds (int), got "
                            f"{_type_name(value)} {_show(value)}")
    else:
        ms = value
    if ms < 0:
        raise ArgumentError(f"{param} {_show(value)} is negative: time only moves forward")
    if ms > MAX_DURATION_MS:
        raise ArgumentError(f"{param} {_show(value)} is out of range: the longest Go duration is "
                            "2562047h47m16.854775807s")
    return ms


# -- type hints -----------------------------------------------------------------------------------
#: (hint, the value's class) -> whether a value of that class fits it, for hints that read nothing but the class
_FITS: dict[tuple[Any, type], bool] = {}
#: hint -> whether it reads nothing but the value's class (``_type_only``)
_TYPE_ONLY: dict[Any, bool] = {}


def _matches(value: Any, hint: Any) -> bool:
    """Does ``value`` fit the type hint? Unknown hints accept anything (the check never guesses).

    Every call of the Python API checks each argument; for a hint that depends on the value's class alone
    (``str``, ``int | None``, a plain class) the answer is remembered per class instead of taking the hint
    apart with ``typing`` again on every call.
    """
    cls = type(value)
    try:
        found = _FITS.get((hint, cls))
    except TypeError:  # an unhashable hint
        return _check(value, hint)
    if found is None:
        found = _check(value, hint)
        if value.__class__ is cls and (_type_only(hint) or found and _class_decides(value, hint)):
            # (a mock's __class__ can say otherwise)
            if len(_FITS) >= 4096:
                _FITS.clear()
            _FITS[(hint, cls)] = found
    return found


def _class_decides(value: Any, hint: Any) -> bool:
    """``value`` fits a union through an arm that reads nothing but the class (``str`` in ``str | list[Obj]``):
    then every value of its class fits, whatever the other arms would say, and the answer can be remembered
    per class."""
    origin, args = _parts(hint)
    return origin in (typing.Union, types.UnionType) and any(_type_only(a) and _check(value, a) for a in args)


def _type_only(hint: Any) -> bool:
    """Whether ``_check`` reads nothing of a value but its class for ``hint``: Any, None, bool, int, float, str,
    a plain class (not an ABC, not a generic alias), or a union of those."""
    found = _TYPE_ONLY.get(hint)
    if found is None:
        if hint is Any or hint is object or hint is inspect.Parameter.empty or hint is None or hint is type(None):
            found = True
        elif typing.get_origin(hint) in (typing.Union, types.UnionType):
            found = all(_type_only(a) for a in typing.get_args(hint))
        else:
            found = type(hint) is type and typing.get_origin(hint) is None
        if len(_TYPE_ONLY) < 1024:
            _TYPE_ONLY[hint] = found
    return found


#: hint -> its typing origin and arguments
_PARTS: dict[Any, tuple[Any, tuple[Any, ...]]] = {}


def _parts(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    """``typing.get_origin`` and ``typing.get_args`` of ``hint``, remembered (an unhashable hint is not)."""
    try:
        found = _PARTS.get(hint)
    except TypeError:
        return typing.get_origin(hint), typing.get_args(hint)
    if found is None:
        found = (typing.get_origin(hint), typing.get_args(hint))
        if len(_PARTS) < 1024:
            _PARTS[hint] = found
    return found


def _check(value: Any, hint: Any) -> bool:
    """``_matches`` worked out."""
    if hint is Any or hint is object or hint is inspect.Parameter.empty:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin, args = _parts(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, a) for a in args)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin is typing.Literal:
        return value in args
    if origin in (collections.abc.Callable,) or hint is collections.abc.Callable:
        return callable(value)
    if origin in (list, tuple, set, frozenset):
        if not isinstance(value, origin):
            return False
        inner = args[0] if args and (origin is not tuple or len(args) == 2 and args[1] is Ellipsis) else None
        return inner is None or all(_matches(v, inner) for v in value)
    if origin is dict or hint is dict:
        return isinstance(value, dict)
    if origin in (collections.abc.Iterable, collections.abc.Sequence):
        if isinstance(value, str | bytes | dict) or not isinstance(value, collections.abc.Iterable):
            return False
        inner = args[0] if args else None
        if inner is None or not isinstance(value, list | tuple):
            return True  # a one-shot iterator is not consumed here
        return all(_matches(v, inner) for v in value)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(hint))
    if hint is None or hint is type(None):
        return "None"
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return "a function"
    if hint is int:
        return "a whole number (int)"
    if origin is not None:
        return getattr(origin, "__name__", str(origin))
    return getattr(hint, "__name__", str(hint))


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """The function's type hints; a hint that cannot be resolved here is left out (accepts anything)."""
    try:
        return typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - a TYPE_CHECKING-only name: resolve one by one
        out = {}
        for name, text in getattr(fn, "__annotations__", {}).items():
            try:
                out[name] = eval(text, fn.__globals__) if isinstance(text, str) else text  # noqa: S307
            except Exception:  # noqa: BLE001
                continue
        return out


def rules(**checks: Rule) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Value rules for some parameters of a method (run after the type check)."""
    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__kspec_rules__ = checks  # type: ignore[attr-defined]
        return fn
    return mark


def checking(fn: Callable[..., Any], owner: str) -> Callable[..., Any]:
    """``fn`` with its arguments checked against its hints and rules before it runs."""
    sig = inspect.signature(fn)
    state: dict[str, Any] = {}
    checks: dict[str, Rule] = getattr(fn, "__kspec_rules__", {})
    label = f"{owner}.{fn.__name__}()" if fn.__name__ != "__init__" else f"{owner}()"
    params = list(sig.parameters.values())
    # calls with keyword arguments (Cluster(nodes=3), apply(text, source=...)) bind without Signature.bind too
    by_position = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    by_keyword = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    keyword_fast = not any(p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL) for p in params)
    # a call without keyword arguments binds its positional arguments in order, without Signature.bind (a tenth
    # of a small scenario's Python API calls went to binding), when no keyword-only parameter is required: the
    # keyword-only ones and **kwargs then bind nothing (bind_keywords' answer for such a call)
    names = by_position if keyword_fast and not any(
        p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in params) else None
    required = sum(1 for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty)
    # each parameter's name, kind and whether it is required, read once (Parameter's are properties)
    shape = [(p.name, p.kind, p.default is p.empty) for p in params]
    kind_of = {p.name: p.kind for p in params}
    var_keyword, var_positional = inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL
    # a call with self alone by position and named parameters by keyword (Cluster(nodes=3)) binds them in the
    # signature's order: bind_keywords' answer, without its walk of every parameter
    keyword_order = [name for name, kind, _ in shape[1:] if kind is not var_keyword]
    keyword_names = frozenset(keyword_order)

    def bind_keywords(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, Any]] | None:
        """What ``sig.bind(*args, **kwargs).arguments`` holds after self, in its order; None when binding would
        fail (then ``sig.bind`` says why)."""
        if len(args) > len(by_position):
            return None
        given = dict(zip(by_position, args, strict=False))
        out: list[tuple[str, Any]] = []
        for name, kind, needed in shape[1:]:
            if kind is var_keyword:
                extra = {k: v for k, v in kwargs.items() if k not in by_keyword}
                if extra:
                    out.append((name, extra))
            elif name in given:
                if name in kwargs:
                    return None  # given twice
                out.append((name, given[name]))
            elif name in kwargs:
                out.append((name, kwargs[name]))
            elif needed:
                return None  # missing
        if shape[0][0] in kwargs or (shape[-1][1] is not var_keyword and any(k not in by_keyword for k in kwargs)):
            return None
        return out

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "hints" not in state:
            state["hints"] = _hints(fn)
        hints = state["hints"]
        if names is not None and not kwargs and required <= len(args) <= len(names):
            arguments: Any = zip(names[1:], args[1:], strict=False)
        elif names is not None and len(args) == 1 and required == 1 and kwargs.keys() <= keyword_names:
            arguments = [(name, kwargs[name]) for name in keyword_order if name in kwargs]
        elif keyword_fast and args and params and (arguments := bind_keywords(args, kwargs)) is not None:
            pass
        else:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                raise ArgumentError(f"{label}: {exc}") from None
            arguments = list(bound.arguments.items())[1:]  # skip self
        for name, value in arguments:
            kind = kind_of[name]
            hint = hints.get(name, inspect.Parameter.empty)
            values = (value if kind is var_positional else value.values() if kind is var_keyword else (value,))
            for v in values:
                if not _matches(v, hint):
                    raise ArgumentError(f"{label}: {name} must be {_describe(hint)}, got {_type_name(v)} {_show(v)}")
                if name in checks:
                    try:
                        checks[name](v, name)
                    except ArgumentError as exc:
                        raise ArgumentError(f"{label}: {exc}") from None
        return fn(*args, **kwargs)

    wrapper.__kspec_checked__ = True  # type: ignore[attr-defined]
    return wrapper


def checked_methods(cls: type) -> type:
    """Wrap every public method of ``cls`` (and ``__init__``) with ``checking``."""
    for name, member in list(vars(cls).items()):
        if not inspect.isfunction(member) or getattr(member, "__kspec_checked__", False):
            continue
        if name.startswith("_") and name != "__init__":
            continue
        setattr(cls, name, checking(member, cls.__name__))
    return cls


#: the spec fields ``check_workload_size`` reads, in its order
_SIZES = ("replicas", "parallelism", "completions")


def check_workload_size(obj: Any) -> None:
    """A workload asking for more pods than kspec simulates fails now, not after minutes of creating pods."""
    if not isinstance(obj, dict) or not isinstance(obj.get("spec"), dict) or obj["spec"].keys().isdisjoint(_SIZES):
        return  # no size field (a pod's spec, a Service's): nothing to check
    for field in _SIZES:
        value = obj["spec"].get(field)
        # past int32 the API server's typed decoding refuses it in upstream's words; within, the simulation's
        # envelope applies
        if isinstance(value, int) and not isinstance(value, bool) and MAX_PODS < value <= INT32_MAX:
            md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            what = f'{obj.get("kind", "object")} "{md.get("name", "")}"'
            replicas(value, f"{what}: spec.{field}")
