"""The resource quota controller: status.hard from the spec, usage recounted on change and every sync period."""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.controllers.resourcequota import RESYNC_MS

NS = """
apiVersion: v1
kind: Namespace
metadata: {name: dev}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: dev}
spec:
  hard: {pods: "3", count/configmaps: "5", services.nodeports: "2"}
"""


def test_a_new_quota_counts_what_the_namespace_holds() -> None:
    c = Cluster(nodes=1)
    c.apply(NS)
    c.settle()
    assert c.get("resourcequota", "q", "dev")["status"] == {
        "hard": {"pods": "3", "count/configmaps": "5", "services.nodeports": "2"},
        # the root CA publisher's kube-root-ca.crt is a ConfigMap like any other
        "used": {"count/configmaps": "1", "pods": "0", "services.nodeports": "0"}}


def test_the_sync_period_recounts_what_no_event_announced() -> None:
    c = Cluster(nodes=1)
    c.apply(NS)
    c.settle()
    # an object the controller heard nothing about, as after a charge whose create then failed the other way
    c.store._data.setdefault("configmaps", {})[("dev", "silent")] = {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "silent", "namespace": "dev"}}
    c.run_for(RESYNC_MS - 1000)
    # kube-root-ca.crt is counted already
    assert c.get("resourcequota", "q", "dev")["status"]["used"]["count/configmaps"] == "1"
    c.run_for(2000)
    assert c.get("resourcequota", "q", "dev")["status"]["used"]["count/configmaps"] == "2"


def test_node_ports_of_a_node_port_service_are_counted() -> None:
    c = Cluster(nodes=1)
    c.apply(NS)
    c.apply("""
apiVersion: v1
kind: Service
metadata: {name: web, namespace: dev}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
""")
    c.settle()
    assert c.get("resourcequota", "q", "dev")["status"]["used"]["services.nodeports"] == "1"
