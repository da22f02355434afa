"""The EndpointSlice controller's pod handlers answer "no Service of this namespace has a selector" first
(``_any_selector``): the Services they queue are the ones the full comparison of readiness, IPs and labels
finds, in every namespace, with or without selecting Services."""

from __future__ import annotations

import itertools
from typing import Any

from kspec.cluster import Cluster
from kspec.controllers import endpointslice
from kspec.controllers.endpointslice import EndpointSliceController, _services_selecting, pod_endpoints_changed

Obj = dict[str, Any]


def _full(api: object, old: Obj, new: Obj) -> list[str]:
    """services_to_update's update case as it was, without the early answer."""
    if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
        return []
    pod_changed, labels_changed = pod_endpoints_changed(old, new)
    if not pod_changed and not labels_changed:
        return []
    ns = new["metadata"].get("namespace", "")
    now = _services_selecting(api, ns, new["metadata"].get("labels") or {})
    if not labels_changed:
        return now if pod_changed else []
    before = _services_selecting(api, ns, old["metadata"].get("labels") or {})
    if pod_changed:
        return sorted(set(now) | set(before))
    return sorted(set(now) ^ set(before))


def _pod(ns: str, rv: str, labels: dict[str, str], ready: bool, ip: str) -> Obj:
    status: Obj = {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    if ip:
        status["podIP"] = ip
    return {"metadata": {"name": "p", "namespace": ns, "resourceVersion": rv, "labels": labels},
            "spec": {}, "status": status}


def _cluster() -> Cluster:
    c = Cluster(nodes=1)
    c.apply("""apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: bare, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: bare}
spec: {ports: [{port: 80}]}
""")
    return c


def test_a_pod_update_queues_what_the_full_comparison_queues() -> None:
    c = _cluster()
    labelings = [{}, {"app": "web"}, {"app": "db"}]
    cases = 0
    for ns in ("default", "shop", "kube-system", "absent"):
        for (lo, ln), (ro, rn), (io, in_) in itertools.product(
                itertools.product(labelings, repeat=2), itertools.product((False, True), repeat=2),
                itertools.product(("", "10.0.0.1", "10.0.0.2"), repeat=2)):
            old, new = _pod(ns, "1", lo, ro, io), _pod(ns, "2", ln, rn, in_)
            assert endpointslice.services_to_update(c.api, old, new) == _full(c.api, old, new)
            cases += 1
    assert cases == 4 * 9 * 4 * 9


def test_a_pod_status_write_queues_the_selecting_services_only_in_a_namespace_that_has_some() -> None:
    c = _cluster()
    ctrl = next(x for x in c.controllers if isinstance(x, EndpointSliceController))
    queued: list[str] = []
    ctrl.queue.add = queued.append  # type: ignore[method-assign]
    for ns in ("default", "shop"):
        ctrl._pod_status(_pod(ns, "1", {"app": "web"}, False, ""), _pod(ns, "2", {"app": "web"}, True, "10.0.0.1"))
        ctrl._pod_status(_pod(ns, "2", {"app": "web"}, True, "10.0.0.1"), _pod(ns, "3", {"app": "web"}, True,
                                                                             "10.0.0.1"))
    assert queued == ["shop/web"]
