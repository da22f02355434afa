"""Same seed, same run: event logs and object dumps are byte-identical; other seeds differ where random."""

from __future__ import annotations

import json
from dataclasses import asdict

from kspec.cluster import Cluster

SERVICES = "".join(f"""---
apiVersion: v1
kind: Service
metadata: {{name: svc-{i}}}
spec:
  type: {"NodePort" if i % 2 else "ClusterIP"}
  selector: {{app: a{i}}}
  ports: [{{port: 80}}]
""" for i in range(6))
PODS = "".join(f"""---
apiVersion: v1
kind: Pod
metadata: {{name: pod-{i}, labels: {{app: a{i % 3}}}}}
spec:
  containers: [{{name: c, image: nginx:1.27}}]
""" for i in range(6))
OWNED = """
apiVersion: v1
kind: ConfigMap
metadata: {generateName: cfg-}
"""


def _scenario(seed: int) -> tuple[str, str]:
    c = Cluster(nodes=3, seed=seed)
    c.apply(SERVICES)
    c.apply(PODS)
    c.apply(OWNED)
    c.run_for(5_000)
    c.delete("svc", "svc-1")
    c.delete("pod", "pod-2")
    c.run_for(60_000)
    c.settle()
    events = json.dumps([asdict(e) for e in c.event_log], sort_keys=True)
    dump = json.dumps({r: c.list(r, None) for r in ("services", "pods", "configmaps", "nodes", "namespaces",
                                                    "events")}, sort_keys=True)
    return events, dump


def test_same_seed_gives_identical_runs() -> None:
    assert _scenario(7) == _scenario(7)


def test_different_seeds_give_different_service_ips() -> None:
    def ips(seed: int) -> list[str]:
        c = Cluster(seed=seed)
        c.apply(SERVICES)
        return [c.get("svc", f"svc-{i}")["spec"]["clusterIP"] for i in range(6)]

    assert ips(1) == ips(1)
    assert ips(1) != ips(2)


def test_uids_come_from_the_seed() -> None:
    def uid(seed: int) -> str:
        c = Cluster(seed=seed)
        c.apply(PODS)
        return c.get("pod", "pod-0")["metadata"]["uid"]

    assert uid(3) == uid(3) != uid(4)
