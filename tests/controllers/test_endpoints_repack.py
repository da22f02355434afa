"""The Endpoints controller's subsets as syncService builds them: each pod's ports resolved against that pod
(podutil.FindPort), endpointPortFromServicePort's appProtocol, endpoints.RepackSubsets' grouping of the
addresses that offer exactly the same ports, and SortSubsets' md5-of-spew order of ports and subsets."""

from __future__ import annotations

import hashlib

from kspec.cluster import Cluster
from kspec.controllers.endpoints import _spew_port, _spew_subset, repack_subsets

SERVICE = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: web, appProtocol: http}
  - {name: https, port: 443, targetPort: 8443}
"""


def _pod(name: str, web_port: int | None) -> str:
    ports = f"ports: [{{name: web, containerPort: {web_port}}}]" if web_port else "ports: []"
    return f"""---
apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {{app: web}}}}
spec:
  containers: [{{name: c, image: "nginx:1.27", {ports}}}]
"""


def _subsets(c: Cluster) -> list[tuple[list[str], list[tuple[str, int]]]]:
    out = []
    for ss in c.get("endpoints", "web")["subsets"]:
        names = [a["targetRef"]["name"] for a in ss.get("addresses", [])]
        out.append((names, [(p["name"], p["port"]) for p in ss.get("ports", [])]))
    return out


def test_each_pod_resolves_its_own_named_port_and_keeps_app_protocol() -> None:
    # syncService: FindPort per pod and port; a pod without the named port offers only the others
    c = Cluster(nodes=1)
    c.apply(SERVICE + _pod("a", 8080) + _pod("b", 8081) + _pod("d", None))
    c.run_for("5s")
    subsets = _subsets(c)
    assert sorted(subsets) == sorted([
        (["a"], [("http", 8080)]),
        (["b"], [("http", 8081)]),
        (["a", "b", "d"], [("https", 8443)]),
    ])
    http = [p for ss in c.get("endpoints", "web")["subsets"] for p in ss["ports"] if p["name"] == "http"]
    assert all(p["appProtocol"] == "http" for p in http)  # endpointPortFromServicePort


def test_pods_offering_the_same_ports_share_one_subset() -> None:
    c = Cluster(nodes=1)
    c.apply(SERVICE + _pod("a", 8080) + _pod("b", 8080))
    c.run_for("5s")
    [(names, ports)] = _subsets(c)
    assert names == ["a", "b"]
    assert sorted(ports) == [("http", 8080), ("https", 8443)]


def test_spew_text_of_a_port_is_deep_hash_objects() -> None:
    # hashutil.DeepHashObject: spew "%#v", types in parentheses, bare strings, <nil> pointers
    assert _spew_port({"name": "http", "port": 80, "protocol": "TCP"}) == (
        "{Name:(string)http Port:(int32)80 Protocol:(v1.Protocol)TCP AppProtocol:(*string)<nil>}")
    assert _spew_port({"name": "", "port": 53, "protocol": "UDP", "appProtocol": "dns"}) == (
        "{Name:(string) Port:(int32)53 Protocol:(v1.Protocol)UDP AppProtocol:(*string)dns}")
    subset = {"addresses": [{"ip": "10.0.0.1", "nodeName": "n1",
                             "targetRef": {"kind": "Pod", "namespace": "ns", "name": "p", "uid": "u"}}],
              "ports": [{"name": "", "port": 80, "protocol": "TCP"}]}
    assert _spew_subset(subset) == (
        "(v1.EndpointSubset){Addresses:([]v1.EndpointAddress)[{IP:(string)10.0.0.1 Hostname:(string) "
        "NodeName:(*string)n1 TargetRef:(*v1.ObjectReference){Kind:(string)Pod Namespace:(string)ns "
        "Name:(string)p UID:(types.UID)u APIVersion:(string) ResourceVersion:(string) FieldPath:(string)}}] "
        "NotReadyAddresses:([]v1.EndpointAddress)<nil> Ports:([]v1.EndpointPort)[{Name:(string) Port:(int32)80 "
        "Protocol:(v1.Protocol)TCP AppProtocol:(*string)<nil>}]}")


def test_ports_are_ordered_by_the_md5_of_their_spew_text_not_by_the_service() -> None:
    # SortSubsets: sort.Sort(portsByHash(ss.Ports)), whatever order the Service lists them in
    address = {"ip": "10.0.0.1", "nodeName": "", "targetRef": {"kind": "Pod", "namespace": "d", "name": "p",
                                                                "uid": "u"}}
    ports = [{"name": f"p{i}", "port": 8000 + i, "protocol": "TCP"} for i in range(6)]
    [subset] = repack_subsets([(address, True, p) for p in ports])
    def digest(p: dict) -> bytes:
        return hashlib.md5(f"(v1.EndpointPort){_spew_port(p)}".encode(), usedforsecurity=False).digest()
    assert subset["ports"] == sorted(ports, key=digest)
    assert [p["name"] for p in subset["ports"]] != [p["name"] for p in ports]  # the example does reorder


def test_headless_service_without_ports_lists_addresses_only() -> None:
    c = Cluster(nodes=1)
    c.apply("""apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
""" + _pod("a", 8080))
    c.run_for("5s")
    [subset] = c.get("endpoints", "web")["subsets"]
    assert "ports" not in subset and [a["targetRef"]["name"] for a in subset["addresses"]] == ["a"]


def test_kube_dns_ports_come_in_the_order_real_clusters_show() -> None:
    # kubectl -n kube-system get endpoints kube-dns -o yaml on a real cluster lists dns-tcp, dns, metrics,
    # though the Service lists dns, dns-tcp, metrics: the md5 order, an independent check of the spew text
    address = {"ip": "10.244.0.2", "nodeName": "n", "targetRef": {"kind": "Pod", "namespace": "kube-system",
                                                                   "name": "coredns", "uid": "u"}}
    ports = [{"name": "dns", "port": 53, "protocol": "UDP"}, {"name": "dns-tcp", "port": 53, "protocol": "TCP"},
             {"name": "metrics", "port": 9153, "protocol": "TCP"}]
    [subset] = repack_subsets([(address, True, p) for p in ports])
    assert [p["name"] for p in subset["ports"]] == ["dns-tcp", "dns", "metrics"]


def test_the_last_change_trigger_time_is_written_with_each_change() -> None:
    # syncService: endpointsLastChangeTriggerTime from the TriggerTimeTracker, set on a write (and dropped when
    # there is none), as the EndpointSlice controller does for its slices
    c = Cluster(nodes=1)
    c.run_for("3s")
    c.apply(SERVICE)
    annotation = "endpoints.kubernetes.io/last-change-trigger-time"
    created = c.get("service", "web")["metadata"]["creationTimestamp"]
    assert c.get("endpoints", "web")["metadata"]["annotations"][annotation] == created
    c.run_for("7s")
    c.apply(_pod("a", 8080))
    c.run_for("5s")
    pod = c.get("pod", "a")
    ready = next(x for x in pod["status"]["conditions"] if x["type"] == "Ready")["lastTransitionTime"]
    assert c.get("endpoints", "web")["metadata"]["annotations"][annotation] == ready != created
    [slice_] = c.list("EndpointSlice", selector="kubernetes.io/service-name=web")
    assert slice_["metadata"]["annotations"][annotation] == ready
