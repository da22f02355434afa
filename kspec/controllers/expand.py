"""The expand controller of kube-controller-manager (upstream pkg/controller/volume/expand).

A bound claim whose request grew past its status capacity is a resize request. The simulated drivers' volumes
are CSI (or local-path's hostPath) volumes, which no in-tree expandable plugin handles: as upstream's syncHandler
does for them, the controller says so with ``ExternalExpanding`` and leaves the work to the driver's external
resizer (kspec/resizer.py).
"""

from __future__ import annotations

from kspec.controllers.base import Controller
from kspec.objects import Obj, split_key
from kspec.quantity import parse_quantity

COMPONENT = "volume_expand"
MSG_EXTERNAL = ("Ignoring the PVC: didn't find a plugin capable of expanding the volume; waiting for an external "
                "controller to process this PVC.")


def storage_of(bag: Obj | None) -> object:
    """A resource list's storage quantity (0 when absent)."""
    return parse_quantity((bag or {}).get("storage", "0"))


def wants_resize(claim: Obj) -> bool:
    """AddPVCUpdate's filter: bound, and spec.resources.requests.storage above status.capacity.storage."""
    spec, status = claim.get("spec") or {}, claim.get("status") or {}
    if status.get("phase") != "Bound" or not spec.get("volumeName"):
        return False
    return storage_of((spec.get("resources") or {}).get("requests")) > storage_of(status.get("capacity"))


class ExpandController(Controller):
    """expandController.syncHandler for volumes only an external resizer can expand."""

    NAME = "persistentvolume-expander-controller"
    START_ON_FIRST = ("persistentvolumeclaims",)

    def start(self) -> None:
        self.watch("persistentvolumeclaims")
        #: the request each claim was last reported for: the event once per resize, not on every status write
        self.reported: dict[str, str] = {}

    def reconcile(self, key: str) -> bool | None:
        ns, name = split_key(key)
        claim = self.api.try_get("persistentvolumeclaims", name, ns)
        if claim is None or not wants_resize(claim):
            self.reported.pop(key, None)
            return None
        pv = self.api.try_get("persistentvolumes", claim["spec"]["volumeName"], "")
        if pv is None:
            return None
        want = str(((claim["spec"].get("resources") or {}).get("requests") or {}).get("storage"))
        if self.reported.get(key) == want:
            return None
        self.reported[key] = want
        # FindExpandablePluginBySpec fails for a CSI volume: an error, hence a Warning
        self.events.event(claim, "Warning", "ExternalExpanding", MSG_EXTERNAL, component=COMPONENT)
        return None
