"""Storage: PersistentVolumeClaims, PersistentVolumes, where their volumes are, attach limits.

The file steps and pod volumes are another module's; these read claims and volumes as ``kubectl get pvc,pv``
shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.arguments import check_quantity
from kspec.errors import StepError
from kspec.harness import Harness
from kspec.objects import Obj
from kspec.steps.registry import given, then

if TYPE_CHECKING:
    from kspec.cluster import Cluster

D = "storage"
PVC = "{kind:persistentvolumeclaim|pvc}"
PV = "{kind:persistentvolume|pv}"
VOLUME_KINDS = "persistentvolumeclaim|pvc|persistentvolume|pv"
INT32_MAX = 2**31 - 1


def _claim(cluster: Cluster, name: str, ns: str | None) -> Obj:
    cluster.require("persistentvolume-binder-controller", "PersistentVolume controller")
    claim = cluster.api.try_get("persistentvolumeclaims", name, ns or "default")
    if claim is None:
        raise AssertionError(f'persistentvolumeclaim "{name}" not found in namespace "{ns or "default"}"')
    return claim


def claim_status(claim: Obj) -> str:
    """The STATUS column of ``kubectl get pvc``: Terminating while it is being deleted, else the phase."""
    if claim["metadata"].get("deletionTimestamp"):
        return "Terminating"
    return (claim.get("status") or {}).get("phase", "")


def _volume_of(cluster: Cluster, name: str, ns: str | None) -> Obj:
    claim = _claim(cluster, name, ns)
    pv_name = (claim.get("spec") or {}).get("volumeName")
    pv = cluster.api.try_get("persistentvolumes", pv_name, "") if pv_name else None
    if pv is None:
        raise AssertionError(f'persistentvolumeclaim "{name}" has no volume (it is {claim_status(claim)})')
    return pv


def affinity_values(pv: Obj, key: str) -> list[str]:
    """The values the PV's required node affinity allows for ``key`` (In expressions)."""
    required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}
    values: list[str] = []
    for term in required.get("nodeSelectorTerms") or []:
        for expr in term.get("matchExpressions") or []:
            if expr.get("key") == key and expr.get("operator") == "In":
                values.extend(expr.get("values") or [])
    return values


@then(PVC + ' "{name}" is {phase:Pending|Bound|Lost|Terminating}{in_ns}', domain=D)
def claim_phase(k: Harness, kind: str, name: str, phase: str, ns: str | None) -> None:
    """The claim's STATUS as kubectl shows it (its phase, or Terminating while deletion waits for a finalizer)."""
    actual = claim_status(_claim(k.cluster, name, ns))
    if actual != phase:
        raise AssertionError(f'persistentvolumeclaim "{name}" is {actual or "(no phase)"}, expected {phase}')


@then(PVC + ' "{name}" is bound to pv "{pv}"{in_ns}', domain=D)
def claim_bound_to(k: Harness, kind: str, name: str, pv: str, ns: str | None) -> None:
    """The claim is Bound and its spec.volumeName is that PV."""
    claim = _claim(k.cluster, name, ns)
    volume = (claim.get("spec") or {}).get("volumeName") or "(none)"
    status = claim_status(claim)
    if status != "Bound" or volume != pv:
        raise AssertionError(f'persistentvolumeclaim "{name}" is {status} with volume {volume}, expected Bound to '
                             f'pv "{pv}"')


@then(PV + ' "{name}" is {phase:Pending|Available|Bound|Released|Failed|Terminating}', domain=D)
def volume_phase(k: Harness, kind: str, name: str, phase: str) -> None:
    """The volume's STATUS as kubectl shows it."""
    k.cluster.require("persistentvolume-binder-controller", "PersistentVolume controller")
    pv = k.cluster.api.try_get("persistentvolumes", name, "")
    if pv is None:
        raise AssertionError(f'persistentvolume "{name}" not found')
    actual = "Terminating" if pv["metadata"].get("deletionTimestamp") else (pv.get("status") or {}).get("phase")
    if actual != phase:
        raise AssertionError(f'persistentvolume "{name}" is {actual}, expected {phase}')


@then(PVC + ' "{name}" has a volume in zone "{zone}"{in_ns}', domain=D)
def claim_zone(k: Harness, kind: str, name: str, zone: str, ns: str | None) -> None:
    """The claim's PV's node affinity places it in that zone (or on a node of that zone)."""
    pv = _volume_of(k.cluster, name, ns)
    zones = affinity_values(pv, "topology.kubernetes.io/zone")
    for node_name in affinity_values(pv, "kubernetes.io/hostname"):
        node = k.cluster.api.try_get("nodes", node_name, "")
        if node is not None:
            zones.append((node["metadata"].get("labels") or {}).get("topology.kubernetes.io/zone", ""))
    if zone not in zones:
        raise AssertionError(f'persistentvolumeclaim "{name}" has volume {pv["metadata"]["name"]} in zone(s) '
                             f'{", ".join(z for z in zones if z) or "(none)"}, expected "{zone}"')


@then(PVC + ' "{name}" has a volume on node "{node}"{in_ns}', domain=D)
def claim_node(k: Harness, kind: str, name: str, node: str, ns: str | None) -> None:
    """The claim's PV's node affinity pins it to that node (a local volume)."""
    pv = _volume_of(k.cluster, name, ns)
    nodes = affinity_values(pv, "kubernetes.io/hostname")
    if nodes != [node]:
        raise AssertionError(f'persistentvolumeclaim "{name}" has volume {pv["metadata"]["name"]} on node(s) '
                             f'{", ".join(nodes) or "(not pinned to a node)"}, expected "{node}"')


@then('{kind:' + VOLUME_KINDS + '} "{name}" has event "{reason}"{in_ns}', domain=D)
def volume_event(k: Harness, kind: str, name: str, reason: str, ns: str | None) -> None:
    """An event with that reason about the claim or volume."""
    k.cluster.require("persistentvolume-binder-controller", "PersistentVolume controller")
    k.cluster.expect.has_event(kind, name, reason, ns=ns)


@then('{kind:' + VOLUME_KINDS + '} "{name}" has event "{reason}" with message "{message:.*?}"{in_ns}', domain=D)
def volume_event_message(k: Harness, kind: str, name: str, reason: str, message: str, ns: str | None) -> None:
    """An event with that reason and exactly that message."""
    k.cluster.require("persistentvolume-binder-controller", "PersistentVolume controller")
    k.cluster.expect.has_event(kind, name, reason, message=message, ns=ns)


@given('node "{node}" can attach {n} volumes of driver "{driver}"', domain=D)
def attach_limit(k: Harness, node: str, n: int, driver: str) -> None:
    """The node's CSINode reports that allocatable count for the driver (as the driver's node plugin registers it);
    the scheduler's NodeVolumeLimits plugin enforces it."""
    if not 0 <= n <= INT32_MAX:
        raise StepError(f"a volume count is from 0 to {INT32_MAX:,} (CSINode's int32 allocatable count), not {n}")
    if k.cluster.api.try_get("nodes", node, "") is None:
        raise StepError(f'node "{node}" does not exist')
    k.cluster.require("storage", "storage component").set_attach_limit(node, driver, n)


@given('driver "{driver}" has {quantity} of capacity in zone "{zone}"', domain=D)
def zone_capacity(k: Harness, driver: str, quantity: str, zone: str) -> None:
    """The simulated CSI driver can provision that much in total in the zone; the provisioner publishes what is
    left as CSIStorageCapacity objects and a claim that does not fit fails with ResourceExhausted."""
    _capacity(k, driver, quantity, zone=zone)


@given('driver "{driver}" has {quantity} of capacity on node "{node}"', domain=D)
def node_capacity(k: Harness, driver: str, quantity: str, node: str) -> None:
    """The same per node: the driver's volumes are local to one node (topology key kubernetes.io/hostname)."""
    if k.cluster.api.try_get("nodes", node, "") is None:
        raise StepError(f'node "{node}" does not exist')
    _capacity(k, driver, quantity, node=node)


def _capacity(k: Harness, driver: str, quantity: str, *, zone: str | None = None, node: str | None = None) -> None:
    check_quantity(quantity, "storage capacity", error=StepError)
    k.cluster.require("storage", "storage component").set_capacity(driver, quantity, zone=zone, node=node)

