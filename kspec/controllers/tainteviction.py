"""Taint-based eviction (pkg/controller/tainteviction).

Pods on a node with NoExecute taints they do not tolerate are deleted at
once; pods that tolerate them for ``tolerationSeconds`` are deleted when the
shortest of those runs out (counted from when the controller first saw the
taint for that pod); pods that tolerate them forever stay. A taint that goes
away in time cancels the deletion.
"""

from __future__ import annotations

from kspec.clock import Timer
from kspec.controllers.base import Controller
from kspec.errors import ApiError
from kspec.informers import enqueue_handler
from kspec.objects import Obj, split_key, timestamp
from kspec.taints import tolerates

NAME = "taint-eviction-controller"


def min_toleration_ms(taints: list[Obj], tolerations: list[Obj]) -> int | None:
    """-1: delete now (a taint nobody tolerates); None: never; else the shortest tolerationSeconds in ms."""
    used: list[Obj] = []
    for taint in taints:
        matching = [t for t in tolerations if tolerates(t, taint)]
        if not matching:
            return -1
        used.extend(matching)
    seconds = [int(t["tolerationSeconds"]) for t in used if t.get("tolerationSeconds") is not None]
    if not seconds:
        return None
    return max(0, min(seconds)) * 1000


def _pod_key(pod: Obj) -> str | None:
    """The queue key of a bound pod (an unbound one has no node whose taints could apply)."""
    md = pod["metadata"]
    return "pod|" + md.get("namespace", "default") + "/" + md["name"] if pod["spec"].get("nodeName") else None


class TaintEvictionController(Controller):
    NAME = NAME

    def start(self) -> None:
        self.scheduled: dict[str, tuple[Timer, int]] = {}
        self._node_taints: dict[str, list[Obj]] = {}
        self.watch("nodes", lambda n: "node|" + n["metadata"]["name"])
        pods = enqueue_handler(self.queue, _pod_key)
        pods["on_update"] = self._pod_updated
        # status-blind: _pod_updated returns at once for an update that keeps spec and metadata
        self.api.informers.replay(self.api.informers.on("pods", **pods, on_status=None), self.api.store.list("pods"))

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        """PodUpdated (pkg/controller/tainteviction): an update that changes neither the pod's node, its
        tolerations nor its deletion cannot change what happens to it (its node's taints are the node key's to
        follow), so it is not queued: a kubelet's status write (most pod updates) changes none of them."""
        if old["spec"].get("nodeName") == new["spec"].get("nodeName") and \
                old["spec"].get("tolerations") == new["spec"].get("tolerations") and \
                old["metadata"].get("deletionTimestamp") == new["metadata"].get("deletionTimestamp"):
            return
        key = _pod_key(new)
        if key:
            self.queue.add(key)

    def reconcile(self, key: str) -> None:
        kind, _, rest = key.partition("|")
        if kind == "node":
            node = self.api.store.get("nodes", "", rest)  # try_get's read: a reconcile acts for no user
            taints = [t for t in (node or {}).get("spec", {}).get("taints") or [] if t.get("effect") == "NoExecute"]
            if self._node_taints.get(rest, []) == taints:
                return  # only a NoExecute change can change what happens to the node's pods
            self._node_taints[rest] = taints
            for pod in self.api.store.list("pods"):
                if pod["spec"].get("nodeName") == rest:
                    self._check_pod(pod)
            return
        ns, name = split_key(rest)
        pod = self.api.store.get("pods", ns, name)
        if pod is None:
            self._cancel(rest, None)
            return
        self._check_pod(pod)

    def _check_pod(self, pod: Obj) -> None:
        md = pod["metadata"]
        key = f"{md['namespace']}/{md['name']}"
        if md.get("deletionTimestamp"):
            self._cancel(key, None)
            return
        node = self.api.store.get("nodes", "", pod["spec"].get("nodeName", ""))
        taints = [t for t in (node or {}).get("spec", {}).get("taints") or [] if t.get("effect") == "NoExecute"]
        if not taints:
            self._cancel(key, pod)
            return
        wait = min_toleration_ms(taints, pod["spec"].get("tolerations") or [])
        if wait is None:
            self._cancel(key, pod)
            return
        now = self.clock.now
        start = now
        existing = self.scheduled.get(key)
        if existing is not None:
            start = existing[1]
            if existing[0].when == start + max(wait, 0) and not existing[0].cancelled:
                return
            existing[0].cancel()
        if wait < 0:
            self.scheduled.pop(key, None)
            self._delete(key)
            return
        timer = self.clock.call_at(start + wait, lambda: self._delete(key), label=f"taint eviction {key}")
        self.scheduled[key] = (timer, start)

    def _cancel(self, key: str, pod: Obj | None) -> None:
        existing = self.scheduled.pop(key, None)
        if existing is None:
            return
        existing[0].cancel()
        if pod is not None:
            self.events.event(pod, "Normal", "TaintManagerEviction", f"Cancelling deletion of Pod {key}",
                              component=NAME)

    def _delete(self, key: str) -> None:
        self.scheduled.pop(key, None)
        ns, name = split_key(key)
        pod = self.api.try_get("pods", name, ns)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        self.events.event(pod, "Normal", "TaintManagerEviction", f"Marking for deletion Pod {key}", component=NAME)
        now = timestamp(self.clock.now)

        def mark(p: Obj) -> None:
            conds = [c for c in p.setdefault("status", {}).get("conditions") or []
                     if c.get("type") != "DisruptionTarget"]
            conds.append({"type": "DisruptionTarget", "status": "True", "lastTransitionTime": now,
                          "reason": "DeletionByTaintManager",
                          "message": "Taint manager: deleting due to NoExecute taint"})
            p["status"]["conditions"] = conds
        try:
            self.api.patch("pods", name, ns, mark, status=True)
            self.api.delete("pods", name, ns)
        except ApiError as exc:
            if exc.code != 404:
                self.queue.add_rate_limited("pod|" + key)  # the API is unavailable: try again
