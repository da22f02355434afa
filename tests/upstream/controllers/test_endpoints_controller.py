"""kubernetes pkg/controller/endpoint/endpoints_controller_test.go: syncService through kspec's Endpoints controller.

The test's informer stores become kspec's store (a Service with no cluster IP, pods with no uid, exactly as the
test writes them); the fake server's requests become the controller's writes, read back from the API. An
existing Endpoints' targetRef carries its pod's uid, as a real one would. Upstream's empty non-nil selector
(``Selector: map[string]string{}``) selects every pod in memory, but no API server stores one: the field is
``omitempty`` and comes back absent.
"""

from __future__ import annotations

import pytest

from kspec import Cluster
from kspec.controllers.endpoints import EndpointsController
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller_test.go"

MANAGED = {"endpoints.kubernetes.io/managed-by": "endpoint-controller"}
HEADLESS = {**MANAGED, "service.kubernetes.io/headless": ""}
EMPTY_SELECTOR = ("an empty, non-nil Service selector: the API server stores it as no selector (omitempty), so "
                  "it never selects every pod")


def address(ip: str, pod: str | None = None, ns: str = "default") -> dict:
    out = {"ip": ip, "nodeName": ""}
    if pod:
        out["targetRef"] = {"kind": "Pod", "name": pod, "namespace": ns}
    return out


def sync(func: str, ns: str = "default", *, existing: dict | None = None, pods: tuple = (0, 0, 0),
         selector: dict | None = None, ports: list | None = None, svc_type: str = "ClusterIP",
         requests: int, expected: dict | None = None, name: str = "sync", **reason: str) -> object:
    """existing: the Endpoints in the store; pods: addPods(nPods, nPorts, nNotReady); expected: what is written."""
    return case(func, name, ns=ns, existing=existing, pods=pods, selector=selector,
                ports=ports if ports is not None else [{"port": 80}], svc_type=svc_type, requests=requests,
                expected=expected, **reason)


POD0 = [address("1.2.3.4", "pod0", "other")]
TCP_8080 = [{"port": 80, "protocol": "TCP", "targetPort": 8080}]
CASES = [
    sync("TestSyncEndpointsItemsPreserveNoSelector",
         existing={"labels": {}, "subsets": [{"addresses": [address("6.7.8.9")], "ports": [{"port": 1000}]}]},
         selector=None, requests=0),
    sync("TestSyncEndpointsExistingNilSubsets", existing={"labels": MANAGED, "subsets": None},
         selector={"foo": "bar"}, requests=0),
    sync("TestSyncEndpointsExistingEmptySubsets", existing={"labels": MANAGED, "subsets": []},
         selector={"foo": "bar"}, requests=0),
    sync("TestSyncEndpointsWithPodResourceVersionUpdateOnly", existing={"labels": MANAGED, "subsets": [{
        "addresses": [address("1.2.3.4", "pod0")], "notReadyAddresses": [address("1.2.3.5", "pod1")],
        "ports": [{"port": 8080, "protocol": "TCP"}]}]}, pods=(1, 1, 1), selector={"foo": "bar"},
         ports=TCP_8080, requests=0),
    sync("TestSyncEndpointsNewNoSubsets", selector={"foo": "bar"}, requests=1, expected={"labels": HEADLESS,
                                                                                         "subsets": []}),
    *(sync(f"TestSyncEndpointsProtocol{p}", "other", existing={"labels": {}, "subsets": [{
        "addresses": [address("6.7.8.9")], "ports": [{"port": 1000, "protocol": p}]}]}, pods=(1, 1, 0), selector={},
           ports=[{"port": 80, "protocol": p, "targetPort": 8080}], requests=1, expected={
               "labels": HEADLESS, "subsets": [{"addresses": POD0, "ports": [{"port": 8080, "protocol": p}]}]},
           unreachable=EMPTY_SELECTOR) for p in ("TCP", "UDP", "SCTP")),
    sync("TestSyncEndpointsHeadlessServiceLabel", existing={"labels": HEADLESS, "subsets": []},
         selector={"foo": "bar"}, requests=0),
    *(sync("TestSyncServiceExternalNameType", name=desc, selector=sel, ports=ports, svc_type="ExternalName",
           requests=0)
      for desc, sel, ports in (
          ("External name with selector and ports should not receive endpoints", {"foo": "bar"}, [{"port": 80}]),
          ("External name with ports should not receive endpoints", None, [{"port": 80}]),
          ("External name with selector should not receive endpoints", {"foo": "bar"}, []),
          ("External name without selector and ports should not receive endpoints", None, []))),
    sync("TestSyncEndpointsItemsEmptySelectorSelectsAll", "other", existing={"labels": {}, "subsets": []},
         pods=(1, 1, 0), selector={}, ports=TCP_8080, requests=1, expected={"labels": HEADLESS, "subsets": [
             {"addresses": POD0, "ports": [{"port": 8080, "protocol": "TCP"}]}]}, unreachable=EMPTY_SELECTOR),
    sync("TestSyncEndpointsItemsEmptySelectorSelectsAllNotReady", "other", existing={"labels": {}, "subsets": []},
         pods=(0, 1, 1), selector={}, ports=TCP_8080, requests=1, expected={"labels": HEADLESS, "subsets": [
             {"notReadyAddresses": POD0, "ports": [{"port": 8080, "protocol": "TCP"}]}]},
         unreachable=EMPTY_SELECTOR),
    sync("TestSyncEndpointsItemsEmptySelectorSelectsAllMixed", "other", existing={"labels": {}, "subsets": []},
         pods=(1, 1, 1), selector={}, ports=TCP_8080, requests=1, expected={"labels": HEADLESS, "subsets": [
             {"addresses": POD0, "notReadyAddresses": [address("1.2.3.5", "pod1", "other")],
              "ports": [{"port": 8080, "protocol": "TCP"}]}]}, unreachable=EMPTY_SELECTOR),
    sync("TestSyncEndpointsItemsPreexisting", "bar", existing={"labels": MANAGED, "subsets": [
        {"addresses": [address("6.7.8.9")], "ports": [{"port": 1000}]}]}, pods=(1, 1, 0), selector={"foo": "bar"},
         ports=TCP_8080, requests=1, expected={"labels": HEADLESS, "subsets": [
             {"addresses": [address("1.2.3.4", "pod0", "bar")], "ports": [{"port": 8080, "protocol": "TCP"}]}]}),
    sync("TestSyncEndpointsItemsPreexistingIdentical", existing={"labels": MANAGED, "subsets": [
        {"addresses": [address("1.2.3.4", "pod0")], "ports": [{"port": 8080, "protocol": "TCP"}]}]},
         pods=(1, 1, 0), selector={"foo": "bar"}, ports=TCP_8080, requests=0),
]


def _pod(ns: str, i: int, ports: int, ready: bool) -> dict:
    """testPod: pod<i> at 1.2.3.<4+i>, ports port<j> = 8080+j."""
    ip = f"1.2.{3 + (4 + i) // 256}.{(4 + i) % 256}"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"pod{i}", "namespace": ns, "labels": {"foo": "bar"}},
            "spec": {"containers": [{"ports": [{"name": f"port{j}", "containerPort": 8080 + j}
                                               for j in range(ports)]}]},
            "status": {"podIP": ip, "podIPs": [{"ip": ip}], "phase": "Running",
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def _strip(subsets: list[dict]) -> list[dict]:
    """The subsets as the test compares them: targetRef by kind, name and namespace."""
    out = []
    for subset in subsets or []:
        s = {k: v for k, v in subset.items() if k != "ports"}
        for key in ("addresses", "notReadyAddresses"):
            if key in s:
                s[key] = [{**a, **({"targetRef": {k: a["targetRef"][k] for k in ("kind", "name", "namespace")}}
                                   if "targetRef" in a else {})} for a in s[key]]
        s["ports"] = subset.get("ports") or []
        out.append(s)
    return out


@pytest.mark.parametrize("data", CASES)
def test_sync_service(data: dict) -> None:
    c = Cluster(nodes=0)
    c.start()
    ctrl = next(x for x in c.controllers if isinstance(x, EndpointsController))
    ns, store = data["ns"], c.api.store
    if ns != "default":
        c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    ready, ports, not_ready = data["pods"]
    pods = [store.create("pods", _pod(ns, i, ports, i < ready)) for i in range(ready + not_ready)]
    uids = {p["metadata"]["name"]: p["metadata"].get("uid", "") for p in pods}
    if data["existing"] is not None:
        subsets = data["existing"]["subsets"]
        for subset in subsets or []:  # the existing targetRefs name the same pods, uid and all
            for a in subset.get("addresses", []) + subset.get("notReadyAddresses", []):
                if "targetRef" in a:
                    a["targetRef"]["uid"] = uids.get(a["targetRef"]["name"], "")
        c.api.create({"apiVersion": "v1", "kind": "Endpoints",
                      "metadata": {"name": "foo", "namespace": ns, "labels": dict(data["existing"]["labels"])},
                      **({"subsets": subsets} if subsets is not None else {})})
    spec: dict = {"ports": data["ports"], "type": data["svc_type"]}
    if data["selector"] is not None:
        spec["selector"] = data["selector"]
    store.create("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "foo", "namespace": ns},
                              "spec": spec})
    before = store.get("endpoints", ns, "foo")
    rv = before["metadata"]["resourceVersion"] if before else None
    ctrl.reconcile(f"{ns}/foo")
    after = store.get("endpoints", ns, "foo")
    written = after is not None and after["metadata"]["resourceVersion"] != rv
    assert int(written) == data["requests"]
    if data["expected"] is not None:
        assert after["metadata"].get("labels") == data["expected"]["labels"]
        assert _strip(after.get("subsets") or []) == _strip(data["expected"]["subsets"])
