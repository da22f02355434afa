"""EndpointSlice assertions beyond kspec/expect.py: one pod's conditions in a Service's slices.

Each assertion raises AssertionError saying what is there, so ``within`` can retry it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.controllers.endpointslice_util import LABEL_SERVICE_NAME
from kspec.errors import StepError
from kspec.objects import Obj
from kspec.podrefs import missing

if TYPE_CHECKING:
    from kspec.cluster import Cluster

CONDITIONS = ("ready", "serving", "terminating")


def condition_value(endpoint: dict[str, Any], condition: str) -> bool:
    """How consumers read a condition left out: ready and serving as true, terminating as false."""
    value = (endpoint.get("conditions") or {}).get(condition)
    return condition != "terminating" if value is None else bool(value)


def slices_of(cluster: Cluster, svc: str, ns: str) -> list[Obj]:
    """The Service's slices, by the ``kubernetes.io/service-name`` label, as kubectl -l lists them."""
    return sorted((s for s in cluster.api.store.list("endpointslices", ns)
                   if (s["metadata"].get("labels") or {}).get(LABEL_SERVICE_NAME) == svc),
                  key=lambda s: s["metadata"]["name"])


def _describe(endpoint: dict[str, Any]) -> str:
    name = (endpoint.get("targetRef") or {}).get("name") or ",".join(endpoint.get("addresses") or [])
    flags = " ".join(f"{c}={str(condition_value(endpoint, c)).lower()}" for c in CONDITIONS)
    return f"{name} ({flags})"


def pod_condition(cluster: Cluster, svc: str, pod: str, condition: str, ns: str | None = None) -> None:
    """``condition`` is ready, serving or terminating, optionally preceded by "not "."""
    want = not condition.startswith("not ")
    name = condition.removeprefix("not ").strip()
    if name not in CONDITIONS:
        raise StepError(f'unknown endpoint condition "{condition}": use ready, serving or terminating, '
                        'each optionally preceded by "not"')
    cluster.require("endpointslice-controller", "EndpointSlice controller")
    here = ns or "default"
    if cluster.api.try_get("services", svc, here) is None:
        raise AssertionError(f'service "{svc}" does not exist in namespace "{here}"')
    slices = slices_of(cluster, svc, here)
    found = [ep for s in slices for ep in s.get("endpoints") or []
             if (ep.get("targetRef") or {}).get("kind", "Pod") == "Pod"
             and (ep.get("targetRef") or {}).get("name") == pod
             and (ep.get("targetRef") or {}).get("namespace", here) == here]
    if not found:
        listed = "; ".join(f"{s['metadata']['name']}: " + (", ".join(_describe(e) for e in s.get("endpoints") or [])
                                                        or "no endpoints") for s in slices) or "none"
        raise AssertionError(f'pod "{pod}" is in no endpoint slice of service "{svc}" (slices: {listed})'
                             f"{missing(cluster.api, [(here, pod)])}")
    for ep in found:
        if condition_value(ep, name) != want:
            raise AssertionError(f'in the endpoint slices of service "{svc}", pod "{pod}" is '
                                 f'{"not " if want else ""}{name}: {_describe(ep)}')


def slice_sizes(cluster: Cluster, svc: str, counts: str, ns: str | None = None) -> None:
    """The Service's slices hold these numbers of endpoints (``100 and 50``, ``3``), in any order."""
    try:
        want = sorted((int(n) for n in counts.replace(" and ", ",").split(",") if n.strip()), reverse=True)
    except ValueError:
        raise StepError(f'"{counts}" is no list of endpoint counts: write them as "100 and 50" or "3"') from None
    cluster.require("endpointslice-controller", "EndpointSlice controller")
    here = ns or "default"
    slices = slices_of(cluster, svc, here)
    actual = sorted((len(s.get("endpoints") or []) for s in slices), reverse=True)
    if actual != want:
        shown = " and ".join(str(n) for n in actual) if actual else "no slices"
        raise AssertionError(f'the endpoint slices of service "{svc}" have {shown} endpoints, expected '
                             f'{" and ".join(str(n) for n in want)}')
