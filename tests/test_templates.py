"""Construction copied from a per-process template is the eager construction, field for field."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from kspec import templates
from kspec.cluster import Cluster, NodeSpec

SERVICES = "".join(f"""---
apiVersion: v1
kind: Service
metadata: {{name: svc-{i}}}
spec:
  type: {"NodePort" if i % 2 else "ClusterIP"}
  selector: {{app: a{i % 3}}}
  ports: [{{port: 80}}]
""" for i in range(4))
PODS = "".join(f"""---
apiVersion: v1
kind: Pod
metadata: {{name: pod-{i}, labels: {{app: a{i % 3}}}}}
spec:
  containers: [{{name: c, image: nginx:1.27}}]
""" for i in range(4))


@pytest.fixture
def eager() -> Iterator[Callable[[bool], None]]:
    saved = templates.ENABLED

    def switch(on: bool) -> None:
        templates.ENABLED = not on

    templates.clear()
    yield switch
    templates.ENABLED = saved
    templates.clear()


def fingerprint(c: Cluster) -> dict[str, Any]:
    """Everything construction can leave behind, in comparable form."""
    clock: Any = c.clock
    return {
        "data": json.dumps({r: {"/".join(k): o for k, o in sorted(t.items())} for r, t in c.store._data.items()}),
        "order": [list(t) for t in c.store._data.values()],
        "revision": c.store.revision, "rng": c.rng.getstate(), "auth_rng": c.api._auth_rng.getstate(),
        "now": clock.now, "seq": clock._seq,
        "changes": clock.changes, "heap": len(clock._heap),
        "writes": json.dumps([(w[0], w[1], w[2], w[3], w[4] is None) for w in clock._writes]),
        "api_writes": c.api.writes, "ips": sorted(c.api.service_ips.used), "ports": sorted(c.api.node_ports.used),
        "node_index": c._node_index, "events": c.event_log, "handlers": sorted(c.api.informers._handlers),
    }


def run(c: Cluster) -> tuple[str, str]:
    c.apply(SERVICES)
    c.apply(PODS)
    c.run_for(5_000)
    c.delete("pod", "pod-1")
    c.settle()
    c.add_node(NodeSpec("late"))
    c.settle()
    events = json.dumps([asdict(e) for e in c.event_log], sort_keys=True)
    dump = json.dumps({r: c.list(r, None) for r in ("services", "pods", "nodes", "namespaces", "events",
                                                    "endpoints", "leases")}, sort_keys=True)
    return events, dump


SHAPES: list[dict[str, Any]] = [
    {"nodes": 3}, {"nodes": 0}, {"nodes": 3, "seed": 5},
    {"nodes": [NodeSpec("a", cpu="2", labels={"x": "1"}, zone="z1"),
               NodeSpec("b", taints=[{"key": "k", "value": "v", "effect": "NoSchedule"}], unschedulable=True)]},
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: repr(s)[:40])
def test_a_copied_construction_is_the_eager_one(eager: Callable[[bool], None], shape: dict[str, Any]) -> None:
    eager(True)
    reference = Cluster(**shape)
    eager(False)
    first = Cluster(**shape)  # builds and records
    second = Cluster(**shape)  # copies
    assert templates._TEMPLATES, "the first construction was recorded"
    assert fingerprint(first) == fingerprint(reference)
    assert fingerprint(second) == fingerprint(reference)
    assert run(second) == run(reference)


def test_copies_are_private(eager: Callable[[bool], None]) -> None:
    eager(False)
    a = Cluster(nodes=2)
    b = Cluster(nodes=2)
    c = Cluster(nodes=2)
    b.label_node("node-1", "x=y")
    assert "x" not in c.get("node", "node-1", "")["metadata"]["labels"]
    assert c.store.get("nodes", "", "node-1") is not b.store.get("nodes", "", "node-1")
    assert c.store.get("nodes", "", "node-1") is not a.store.get("nodes", "", "node-1")


def test_restored_clusters_share_the_template_objects_not_copies(eager: Callable[[bool], None]) -> None:
    """Stored objects are read-only: a restore copies the tables only (copying the objects cost a tenth of a
    scenario); a write in one cluster replaces its own table entry and leaves the others alone."""
    eager(False)
    Cluster(nodes=2)  # records
    b, c = Cluster(nodes=2), Cluster(nodes=2)
    assert b.store.get("namespaces", "", "default") is c.store.get("namespaces", "", "default")
    assert b.store._data["nodes"] is not c.store._data["nodes"]
    b.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: default, labels: {x: y}}\n")
    assert "x" not in c.get("namespace", "default", "")["metadata"].get("labels", {})
    assert "x" not in Cluster(nodes=2).get("namespace", "default", "")["metadata"].get("labels", {})


def test_the_check_names_a_shared_object_changed_in_place(eager: Callable[[bool], None],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    eager(False)
    monkeypatch.setattr(templates, "CHECK", True)
    Cluster(nodes=1)  # records
    Cluster(nodes=1)  # restores after a check that passes
    bad = Cluster(nodes=1)
    bad.store.get("nodes", "", "node-1")["metadata"]["labels"]["oops"] = "1"  # what no component may do
    with pytest.raises(templates.SharedObjectChanged, match="nodes object /node-1 .*changed in place"):
        Cluster(nodes=1)


def test_a_seed_or_node_list_of_its_own_gets_its_own_template(eager: Callable[[bool], None]) -> None:
    eager(False)
    uids = {Cluster(nodes=1, seed=s).get("node", "node-1", "")["metadata"]["uid"] for s in (1, 2, 1, 2)}
    assert len(uids) == 2
    assert len(templates._TEMPLATES) == 2


# -- whole feature runs: copied constructions give the eager runs' timelines, byte for byte ------------------
ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["features/workloads/daemonset.feature", "features/network/load_balancing.feature",
            "features/nodes/failure.feature"]


def _logs(tmp: Path, name: str, eager: bool) -> dict[str, bytes]:
    out = tmp / name
    env = {k: v for k, v in os.environ.items() if k != "KSPEC_EAGER"}
    if eager:
        env["KSPEC_EAGER"] = "1"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           f"--kspec-event-log={out}", *FEATURES],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_feature_runs_are_byte_identical_with_and_without_templates(tmp_path: Path) -> None:
    eager = _logs(tmp_path, "eager", True)
    assert len(eager) >= 10
    assert _logs(tmp_path, "templates", False) == eager


def test_a_large_cluster_is_built_eagerly(eager: Callable[[bool], None]) -> None:
    eager(False)
    Cluster(nodes=templates.MAX_TEMPLATE_NODES + 1)
    assert not templates._TEMPLATES
