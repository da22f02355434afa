"""Pod references in step arguments: wherever a step says ``pod "{pod}"``, ``{pod}`` may be ``deployment/web#0``.

The registry wraps every phrase that names a pod (a ``{pod}`` placeholder, or
``{kind} "{name}"`` used with kind ``pod``) so the reference is resolved through
``Cluster.pod_name`` each time the step runs: inside ``within`` that is on every
retry, as the workload's pods come and go.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from kspec.errors import StepError
from kspec.podrefs import is_reference

_POD_KINDS = frozenset({"pod", "pods", "po"})
_KIND_NAME = re.compile(r'\{kind(?::[^}]*)?\} "\{name\}"')


def resolving_pod_refs(keyword: str, template: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with its pod argument resolved first; phrases that name no pod are returned unchanged."""
    if "{pod}" not in template and not _KIND_NAME.search(template):
        return func
    absence = template.rstrip().removesuffix("{in_ns}").endswith("does not exist")

    @functools.wraps(func)
    def run(k: Any, **args: Any) -> Any:
        slot = "pod" if "pod" in args else "name" if str(args.get("kind", "")).lower() in _POD_KINDS else None
        ref = args.get(slot) if slot else None
        if not isinstance(ref, str) or not is_reference(ref):
            return func(k, **args)
        try:
            name = k.cluster.pod_name(ref, args.get("ns") or "default")
        except AssertionError as exc:
            if absence:
                return None  # no such pod: exactly what "does not exist" asserts
            if keyword == "then":
                raise
            raise StepError(str(exc)) from None
        try:
            return func(k, **{**args, slot: name})
        except AssertionError as exc:
            if type(exc) is not AssertionError:
                raise
            raise AssertionError(f'{ref} is pod "{name}": {exc}') from None

    return run
