"""The simulated drivers' external-resizer (kubernetes-csi/external-resizer, controller expandAndRecover).

The resizer expands a bound claim's CSI volume when the claim asks for more than its status capacity: it marks
the claim ``Resizing`` with ``status.allocatedResources`` and ``allocatedResourceStatuses`` (ControllerResize-
InProgress), expands the PV (ControllerExpandVolume), then either asks the kubelet to grow the filesystem
(condition ``FileSystemResizePending``, status NodeResizePending; a Filesystem volume) or finishes (a Block
volume). The kubelet's half is kspec/kubelet/volume_expand.py. local-path volumes (hostPath) have no resizer, as
upstream.
"""

from __future__ import annotations

from kspec.controllers.base import Controller
from kspec.controllers.expand import storage_of, wants_resize
from kspec.objects import Obj, split_key, timestamp

RESIZE_CONDITIONS = ("Resizing", "FileSystemResizePending", "ControllerResizeError", "NodeResizeError")
MSG_FS_PENDING = "Waiting for user to (re-)start a pod to finish file system resize of volume on node."


def mark_resize_finished(st: Obj, size: str) -> None:
    """The claim status a finished resize leaves (util.MarkFSResizeFinished / markOverallExpansionAsFinished):
    the new capacity, no resize condition and no storage entry in allocatedResourceStatuses."""
    st.setdefault("capacity", {})["storage"] = size
    st["conditions"] = merge_resize_conditions(st.get("conditions") or [], [], False)
    if not st["conditions"]:
        st.pop("conditions")
    statuses = st.get("allocatedResourceStatuses") or {}
    statuses.pop("storage", None)
    if statuses:
        st["allocatedResourceStatuses"] = statuses
    else:
        st.pop("allocatedResourceStatuses", None)


def merge_resize_conditions(old: list[Obj], new: list[Obj], keep_old: bool) -> list[Obj]:
    """util.MergeResizeConditionsOfPVC: resize conditions replaced by the new ones (or kept), others kept."""
    by_type = {c["type"]: c for c in new}
    out: list[Obj] = []
    for cond in old:
        if cond.get("type") not in RESIZE_CONDITIONS:
            out.append(cond)
        elif cond["type"] in by_type:
            out.append(by_type.pop(cond["type"]))
        elif keep_old:
            out.append(cond)
    out.extend(c for c in new if c["type"] in by_type)
    return out


class ExternalResizer(Controller):
    """One resizer serving every simulated CSI driver (a PV's ``spec.csi.driver``)."""

    NAME = "external-resizer"
    #: its start only registers a handler: the CSI component defers it to the first claim (kspec/lazystart.py)
    START_ON_FIRST = ("persistentvolumeclaims",)

    def start(self) -> None:
        self.watch("persistentvolumeclaims")

    def _condition(self, type_: str, message: str = "") -> Obj:
        cond: Obj = {"type": type_, "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": timestamp(self.clock.now)}
        if message:
            cond["message"] = message
        return cond

    def reconcile(self, key: str) -> bool | None:
        ns, name = split_key(key)
        claim = self.api.try_get("persistentvolumeclaims", name, ns)
        if claim is None or not wants_resize(claim):
            return None
        pv = self.api.try_get("persistentvolumes", claim["spec"]["volumeName"], "")
        driver = ((pv or {}).get("spec") or {}).get("csi", {}).get("driver")
        ref = ((pv or {}).get("spec") or {}).get("claimRef") or {}
        if pv is None or not driver or ref.get("uid") != claim["metadata"].get("uid"):
            return None  # pvCanBeExpanded: a CSI volume bound to this very claim
        status = claim.get("status") or {}
        want = ((claim["spec"].get("resources") or {}).get("requests") or {}).get("storage")
        resize_status = (status.get("allocatedResourceStatuses") or {}).get("storage", "")
        if storage_of(pv["spec"].get("capacity")) >= storage_of({"storage": want}) and resize_status in (
                "NodeResizePending", "NodeResizeInProgress"):
            return None  # already expanded: the kubelet finishes the job
        component = f"external-resizer {driver}"

        def in_progress(c: Obj) -> None:  # markControllerResizeInProgress
            st = c.setdefault("status", {})
            st["conditions"] = merge_resize_conditions(st.get("conditions") or [], [self._condition("Resizing")],
                                                       False)
            st.setdefault("allocatedResourceStatuses", {})["storage"] = "ControllerResizeInProgress"
            st.setdefault("allocatedResources", {})["storage"] = want
        claim = self.api.patch("persistentvolumeclaims", name, ns, in_progress, status=True)
        self.events.event(claim, "Normal", "Resizing", f"External resizer is resizing volume {pv['metadata']['name']}",
                          component=component)
        # ControllerExpandVolume succeeded: the PV shows the new size (updatePVCapacity)
        self.api.patch("persistentvolumes", pv["metadata"]["name"], "",
                       lambda v: v["spec"].setdefault("capacity", {}).__setitem__("storage", want))
        if (pv["spec"].get("volumeMode") or "Filesystem") == "Filesystem":
            def pending(c: Obj) -> None:  # markForPendingNodeExpansion
                st = c.setdefault("status", {})
                st["conditions"] = merge_resize_conditions(
                    st.get("conditions") or [], [self._condition("FileSystemResizePending", MSG_FS_PENDING)], True)
                st.setdefault("allocatedResourceStatuses", {})["storage"] = "NodeResizePending"
            claim = self.api.patch("persistentvolumeclaims", name, ns, pending, status=True)
            self.events.event(claim, "Normal", "FileSystemResizeRequired",
                              "Require file system resize of volume on node", component=component)
            return None

        def finished(c: Obj) -> None:  # markOverallExpansionAsFinished
            mark_resize_finished(c.setdefault("status", {}), want)
        claim = self.api.patch("persistentvolumeclaims", name, ns, finished, status=True)
        self.events.event(claim, "Normal", "VolumeResizeSuccessful", "Resize volume succeeded", component=component)
        return None
