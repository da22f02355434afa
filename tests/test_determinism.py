"""Same seed, same run: event logs and object dumps are byte-identical; other seeds differ where random."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

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


def _owned() -> dict:
    """A ConfigMap with a generated name (kubectl create's: kubectl apply needs a name), a new dict each time."""
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "cfg-"}}


def _scenario(seed: int) -> tuple[str, str]:
    c = Cluster(nodes=3, seed=seed)
    c.apply(SERVICES)
    c.apply(PODS)
    c.create(_owned())
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


# -- whole runs: serially, under xdist, under other hash seeds: the same timeline, byte for byte --------------
ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["features/workloads/daemonset.feature",
            "features/network/load_balancing.feature", "features/scheduling/topology_spread.feature",
            "features/pods/probes.feature", "features/etcd/partition.feature", "features/nodes/failure.feature"]


def _logs(tmp: Path, name: str, hashseed: str, *args: str) -> dict[str, bytes]:
    out = tmp / name
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           f"--kspec-event-log={out}", *args, *FEATURES],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_event_logs_are_byte_identical_serially_under_xdist_and_across_hash_seeds(tmp_path: Path) -> None:
    serial = _logs(tmp_path, "serial", "0")
    assert len(serial) >= 20 and all(b"end t=" in log for log in serial.values())
    assert sum(b"\tScheduled\t" in log for log in serial.values()) >= 5
    assert _logs(tmp_path, "xdist", "1", "-n", "2") == serial
    assert _logs(tmp_path, "hashseed", "4242") == serial
