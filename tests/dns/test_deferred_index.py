"""CoreDNS's kubernetes plugin indexes what its informers deliver only when a query first reads the indexes
(kspec/dns/kubernetes.py ``KubernetesPlugin.watch``): the answers and the indexes are the eager ones."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.cluster import Cluster
from kspec.dns import kubernetes

MANIFESTS = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: sql, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec:
  type: ExternalName
  externalName: example.com
"""


def _pod(name: str, app: str, hostname: str = "") -> str:
    host = f"\n  hostname: {hostname}\n  subdomain: db" if hostname else ""
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: shop, labels: {{app: {app}}}}}
spec:{host}
  containers: [{{name: c, image: nginx:1.25, ports: [{{containerPort: 8080}}]}}]
"""


QUERIES = [("A", "web.shop.svc.cluster.local"), ("A", "db.shop.svc.cluster.local"),
           ("SRV", "_sql._tcp.db.shop.svc.cluster.local"), ("CNAME", "ext.shop.svc.cluster.local"),
           ("A", "db-0.db.shop.svc.cluster.local"), ("A", "kube-dns.kube-system.svc.cluster.local"),
           ("PTR", "10.0.96.10.in-addr.arpa"), ("A", "gone.shop.svc.cluster.local")]


def _state(c: Cluster) -> dict[str, Any]:
    k = c.require("dns").kubernetes
    return {"services": sorted(k.services), "endpoints": {key: sorted(v) for key, v in sorted(k.endpoints.items())},
            "namespaces": sorted(k.namespaces), "by_cluster_ip": sorted(k.by_cluster_ip.items()),
            "by_endpoint_ip": sorted((ip, sorted(keys)) for ip, keys in k.by_endpoint_ip.items())}


def _run(query_first: bool, max_deferred: int, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(kubernetes, "MAX_DEFERRED", max_deferred)
    c = Cluster(nodes=2, seed=3)
    c.start()
    seen: list[Any] = []
    if query_first:
        seen.append([c.dns_records(t, n) for t, n in QUERIES])
    c.apply(MANIFESTS)
    c.apply(_pod("web-1", "web"))
    c.apply(_pod("db-0", "db", hostname="db-0"))
    c.run_for(30_000)
    seen.append([c.dns_records(t, n) for t, n in QUERIES])
    c.delete("pod", "web-1", "shop")
    c.delete("service", "db", "shop")
    c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "gone", "namespace": "shop"},
                  "spec": {"ports": [{"port": 80}]}})  # queried before its delivery: not known yet, either way
    seen.append([c.dns_records(t, n) for t, n in QUERIES])
    c.run_for(60_000)
    seen.append([c.dns_records(t, n) for t, n in QUERIES])
    seen.append(_state(c))
    seen.append(c.require("dns").address)
    return seen


@pytest.mark.parametrize("query_first", [True, False])
@pytest.mark.parametrize("max_deferred", [kubernetes.MAX_DEFERRED, 3])
def test_deferred_indexing_answers_as_the_eager_one(query_first: bool, max_deferred: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "DEFER_INDEXING", False)
    eager = _run(query_first, max_deferred, monkeypatch)
    monkeypatch.setattr(kubernetes, "DEFER_INDEXING", True)
    deferred = _run(query_first, max_deferred, monkeypatch)
    assert deferred == eager
    assert eager[-2]["services"] and all(eager[-4][:3])  # something was indexed and answered


def test_a_started_cluster_defers_and_the_first_read_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kubernetes, "DEFER_INDEXING", True)
    c = Cluster(nodes=1)
    c.start()
    k = c.require("dns").kubernetes
    assert k._log and not k._idx_services  # the bootstrap objects' adds, logged
    assert ("kube-system", "kube-dns") in k.services and k._log is None
