"""The loadbalancer component: the pool, the service-controller half, kube-proxy's health check, the API's
healthCheckNodePort allocation."""

from __future__ import annotations

import pytest

from kspec.cluster import Cluster
from kspec.errors import PluginError, StepError
from kspec.harness import Harness
from kspec.loadbalancer.controller import CLEANUP_FINALIZER
from kspec.loadbalancer.pool import AddressPool, PoolError, configure_pool, parse_pool

LB = """
apiVersion: v1
kind: Service
metadata: {name: %(name)s}
spec:
  type: LoadBalancer
  externalTrafficPolicy: %(policy)s
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
POD = """
apiVersion: v1
kind: Pod
metadata: {name: %(name)s, labels: {app: web}}
spec:
  nodeName: %(node)s
  containers: [{name: app, image: nginx, ports: [{containerPort: 8080}]}]
"""


def _cluster(nodes: int = 2) -> Cluster:
    c = Cluster(nodes=nodes)
    c.start()
    return c


def _svc(c: Cluster, name: str = "web") -> dict:
    return c.api.get("services", name, "default")


def _reasons(c: Cluster, name: str) -> list[str]:
    return [e.reason for e in c.events.log if e.name == name and e.kind == "Service"]


def test_pool_ranges_and_cidrs() -> None:
    assert AddressPool("10.0.0.0/30").allocate() == "10.0.0.1"  # network address left out
    pool = AddressPool("10.0.0.5-10.0.0.6")
    assert [pool.allocate(), pool.allocate(), pool.allocate()] == ["10.0.0.5", "10.0.0.6", None]
    pool.release("10.0.0.5")
    assert pool.allocate("10.0.0.5") == "10.0.0.5"
    assert pool.allocate("10.0.0.9") is None
    for bad in ("nonsense", "10.0.0.9-10.0.0.1", "10.0.0.0/8"):
        with pytest.raises(PoolError):
            parse_pool(bad)


def test_ensure_writes_status_finalizer_and_events() -> None:
    c = _cluster()
    c.apply(LB % {"name": "web", "policy": "Cluster"})
    c.settle()
    svc = _svc(c)
    assert svc["status"]["loadBalancer"] == {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}
    assert CLEANUP_FINALIZER in svc["metadata"]["finalizers"]
    assert _reasons(c, "web") == ["EnsuringLoadBalancer", "EnsuredLoadBalancer"]


def test_delete_releases_address_and_finalizer() -> None:
    c = _cluster()
    c.apply(LB % {"name": "web", "policy": "Cluster"})
    c.settle()
    c.delete("service", "web")
    c.settle()
    assert c.api.try_get("services", "web", "default") is None
    assert _reasons(c, "web")[-2:] == ["DeletingLoadBalancer", "DeletedLoadBalancer"]
    c.apply(LB % {"name": "again", "policy": "Cluster"})
    c.settle()
    assert _svc(c, "again")["status"]["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.200"


def test_type_change_gives_the_address_back() -> None:
    c = _cluster()
    c.apply(LB % {"name": "web", "policy": "Cluster"})
    c.settle()
    c.patch("service", "web", lambda o: (o["spec"].update(type="ClusterIP", externalTrafficPolicy=None),
                                             o["spec"]["ports"][0].pop("nodePort")))
    c.settle()
    svc = _svc(c)
    assert not svc.get("status", {}).get("loadBalancer")
    assert CLEANUP_FINALIZER not in (svc["metadata"].get("finalizers") or [])


def test_empty_pool_warns_and_a_new_pool_serves_the_pending_service() -> None:
    c = _cluster()
    configure_pool(c, "10.1.0.1-10.1.0.1")
    c.apply(LB % {"name": "a", "policy": "Cluster"})
    c.apply(LB % {"name": "b", "policy": "Cluster"})
    c.settle()
    assert "SyncLoadBalancerFailed" in _reasons(c, "b")
    assert not _svc(c, "b").get("status", {}).get("loadBalancer")
    configure_pool(c, "10.1.0.1-10.1.0.2")
    c.settle()
    assert _svc(c, "a")["status"]["loadBalancer"]["ingress"][0]["ip"] == "10.1.0.1"
    assert _svc(c, "b")["status"]["loadBalancer"]["ingress"][0]["ip"] == "10.1.0.2"


def test_load_balancer_ip_is_honoured() -> None:
    c = _cluster()
    c.apply((LB % {"name": "web", "policy": "Cluster"}) + "  loadBalancerIP: 172.18.255.210\n")
    c.settle()
    assert _svc(c)["status"]["loadBalancer"]["ingress"][0]["ip"] == "172.18.255.210"


def test_health_check_node_port_allocated_and_released() -> None:
    c = _cluster()
    c.apply(LB % {"name": "web", "policy": "Local"})
    c.settle()
    port = _svc(c)["spec"]["healthCheckNodePort"]
    assert 30000 <= port <= 32767 and port in {p + c.api.node_ports.low for p in c.api.node_ports.used}
    c.patch("service", "web", lambda o: o["spec"].update(externalTrafficPolicy="Cluster"))
    c.settle()
    assert "healthCheckNodePort" not in _svc(c)["spec"]
    assert port not in {p + c.api.node_ports.low for p in c.api.node_ports.used}


def test_health_check_answers_as_kube_proxy() -> None:
    c = _cluster()
    c.apply(LB % {"name": "web", "policy": "Local"})
    c.apply(POD % {"name": "web-1", "node": "node-1"})
    c.settle()
    proxy = c.components["proxy"]
    assert proxy.health_check("node-1", "default", "web") == (200, (
        '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "web"\n\t},\n'
        '\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}'))
    assert proxy.health_check("node-2", "default", "web")[0] == 503
    assert proxy.health_check("node-1", "default", "kubernetes") is None
    lb = c.components["loadbalancer"]
    assert lb.backend_nodes(_svc(c)) == ["node-1"]


def test_excluded_nodes_take_no_traffic() -> None:
    c = _cluster()
    c.label_node("node-2", "node.kubernetes.io/exclude-from-external-load-balancers=")
    c.apply(LB % {"name": "web", "policy": "Cluster"})
    c.settle()
    assert c.components["loadbalancer"].backend_nodes(_svc(c)) == ["node-1"]


def test_nodes_failing_healthz_take_no_traffic() -> None:
    """KEP-3836: kube-proxy's /healthz fails on a node the cluster autoscaler is removing."""
    c = _cluster(3)
    c.taint_node("node-3", {"key": "ToBeDeletedByClusterAutoscaler", "effect": "NoSchedule"})
    c.apply(LB % {"name": "web", "policy": "Cluster"})
    c.settle()
    assert c.components["loadbalancer"].backend_nodes(_svc(c)) == ["node-1", "node-2"]


def test_unknown_implementation_lists_the_registered_ones() -> None:
    with pytest.raises(PluginError, match='unknown loadbalancer "metallb": the registered loadbalancer '
                                          'implementations are "pool"'):
        Cluster(nodes=1, loadbalancer="metallb").start()


def test_pool_step_survives_a_new_cluster_and_rejects_nonsense() -> None:
    from kspec.steps.traffic import pool
    k = Harness()
    with pytest.raises(StepError, match="is not a load balancer pool"):
        pool(k, "nonsense")
    pool(k, "10.9.0.0/29")
    k.new_cluster([])
    k.cluster.start()
    assert k.cluster.components["loadbalancer"].pool.text == "10.9.0.0/29"
